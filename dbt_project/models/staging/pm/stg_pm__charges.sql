with

latest as (

    {{ pm_latest_rows('pm_charges', ['charge_id']) }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        charge_id,
        visit_id,
        service_id,
        nullif(trim(claim_id), '') as patient_control_number,
        nullif(trim(line_id), '') as line_item_control_number,
        nullif(trim(payer_id), '') as payer_id,

        ---------- codes
        procedure_code as hcpcs_code,
        modifiers as hcpcs_modifiers,
        nullif(split_part(modifiers, ';', 1), '') as hcpcs_modifier_1,
        nullif(split_part(modifiers, ';', 2), '') as hcpcs_modifier_2,
        nullif(split_part(modifiers, ';', 3), '') as hcpcs_modifier_3,
        nullif(split_part(modifiers, ';', 4), '') as hcpcs_modifier_4,
        status as charge_status,

        ---------- numerics
        units as service_unit_count,
        cast(amount as decimal(18, 2)) as charge_amount,

        ---------- dates
        service_date,
        posted_date,
        billed_date

    from latest

)

select * from renamed
