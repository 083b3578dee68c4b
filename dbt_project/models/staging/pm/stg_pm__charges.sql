with

source as (

    select * from {{ source('pm', 'pm_charges') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        charge_id,
        nullif(trim(visit_id), '') as visit_id,
        nullif(trim(service_id), '') as service_id,
        nullif(trim(claim_id), '') as patient_control_number,
        nullif(trim(line_id), '') as line_item_control_number,
        nullif(trim(payer_id), '') as payer_id,

        ---------- codes
        upper(trim(procedure_code)) as hcpcs_code,
        lower(trim(status)) as charge_status,

        ---------- numerics
        units as service_unit_count,
        cast(amount as decimal(18, 2)) as charge_amount,

        ---------- dates
        service_date

    from source

)

select * from renamed
