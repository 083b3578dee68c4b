with

source as (

    select * from {{ source('pm', 'pm_payer_contracts') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        nullif(trim(payer_id), '') as payer_id,
        payer_name,

        ---------- codes
        upper(trim(hcpcs_code)) as hcpcs_code,
        nullif(upper(trim(modifier)), '') as hcpcs_modifier,

        ---------- numerics
        cast(allowed_amount as decimal(18, 2)) as contract_unit_amount,
        cast(medicare_share as decimal(9, 4)) as contract_medicare_share,

        ---------- dates
        coalesce(effective_start_date, date '1900-01-01') as effective_start_date,
        coalesce(effective_end_date, date '9999-12-31') as effective_end_date

    from source

)

select * from renamed
