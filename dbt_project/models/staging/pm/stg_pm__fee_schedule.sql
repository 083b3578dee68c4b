with

latest as (

    {{ pm_latest_rows('pm_fee_schedule', ['procedure_code', 'modifier', 'effective_from']) }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,

        ---------- codes
        procedure_code as hcpcs_code,
        modifier as hcpcs_modifier,

        ---------- numerics
        cast(unit_price as decimal(18, 2)) as unit_price_amount,

        ---------- dates
        effective_from as effective_start_date,
        coalesce(effective_to, date '9999-12-31') as effective_end_date

    from latest

)

select * from renamed
