with

latest as (

    {{ pm_latest_rows('pm_patients', ['patient_id']) }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        patient_id,
        patient_pseudonym,
        primary_member_pseudonym,
        secondary_member_pseudonym,

        ---------- codes
        sex as sex_code,
        state as state_code,
        primary_relationship as primary_relationship_code,

        ---------- parties
        nullif(trim(primary_payer_id), '') as primary_payer_id,
        primary_payer_name,
        nullif(trim(secondary_payer_id), '') as secondary_payer_id,
        secondary_payer_name,

        ---------- numerics
        patient_birth_year

    from latest

)

select * from renamed
