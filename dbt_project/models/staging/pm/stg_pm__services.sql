with

latest as (

    {{ pm_latest_rows('pm_services', ['service_id']) }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        service_id,
        visit_id,

        ---------- codes
        procedure_code as hcpcs_code,
        modifiers as hcpcs_modifiers,
        nullif(split_part(modifiers, ';', 1), '') as hcpcs_modifier_1,
        nullif(split_part(modifiers, ';', 2), '') as hcpcs_modifier_2,
        nullif(split_part(modifiers, ';', 3), '') as hcpcs_modifier_3,
        nullif(split_part(modifiers, ';', 4), '') as hcpcs_modifier_4,

        ---------- parties
        provider_npi,

        ---------- numerics
        minutes as documented_minute_count,
        units_entered as documented_unit_count

    from latest

)

select * from renamed
