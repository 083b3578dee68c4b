with

source as (

    select * from {{ source('edi_837', 'edi_837_claims') }}

),

numbered as (

    {{ with_file_number('source') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        {{ position_key('file_number', 'segment_index') }} as claim_submission_id,
        patient_control_number,
        payer_claim_control_number,
        patient_pseudonym,
        member_pseudonym,

        ---------- envelope
        interchange_control_number,
        transaction_control_number,
        transaction_type,
        segment_index,

        ---------- codes
        claim_frequency_code,
        payer_responsibility_code,
        claim_filing_indicator_code,
        place_of_service_code,
        prior_authorization_number,

        ---------- parties
        billing_provider_npi,
        billing_provider_name,
        billing_provider_tax_id,
        rendering_provider_npi,
        rendering_provider_last_name,
        rendering_provider_first_name,
        rendering_provider_taxonomy_code,
        referring_provider_npi,
        nullif(trim(payer_id), '') as payer_id,
        payer_name,

        ---------- numerics
        claim_charge_amount,
        patient_amount_paid,
        service_line_count,

        ---------- dates
        transaction_date as submission_date,
        onset_date,
        patient_birth_year

    from numbered

)

select * from renamed
