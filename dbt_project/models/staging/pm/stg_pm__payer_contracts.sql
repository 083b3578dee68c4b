with

latest as (

    {{ pm_latest_rows('pm_payer_contracts',
                      ['payer_id', 'procedure_code', 'modifier', 'effective_from']) }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        nullif(trim(payer_id), '') as payer_id,
        payer_name,

        ---------- codes
        procedure_code as hcpcs_code,
        modifier as hcpcs_modifier,
        basis as contract_basis,

        ---------- numerics
        case when basis = 'fixed' then cast(allowed_amount as decimal(18, 2)) end
            as contract_unit_amount,
        case when basis = 'share_of_medicare' then cast(share_of_medicare as decimal(9, 4)) end
            as contract_medicare_share,

        ---------- dates
        coalesce(effective_from, date '1900-01-01') as effective_start_date,
        coalesce(effective_to, date '9999-12-31') as effective_end_date

    from latest

)

select * from renamed
