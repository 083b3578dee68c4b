with

latest as (

    {{ pm_latest_rows('pm_visits', ['visit_id']) }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        visit_id,
        patient_id,
        patient_pseudonym,
        member_pseudonym,
        location_id,

        ---------- codes
        status as visit_status,
        visit_type,
        provider_role,

        ---------- parties
        provider_npi,
        supervising_npi,
        location_name,

        ---------- flags
        note_signed = 'Y' as is_note_signed,

        ---------- numerics
        patient_birth_year,

        ---------- dates
        visit_date,
        note_signed_date

    from latest

)

select * from renamed
