with

source as (

    select * from {{ source('edi_835', 'edi_835_claim_payments') }}

),

numbered as (

    {{ with_file_number('source') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        {{ position_key('file_number', 'segment_index') }} as remittance_id,
        {{ position_key('file_number', 'payment_segment_index') }} as payment_id,
        patient_control_number,
        payer_claim_control_number,
        patient_member_pseudonym,
        rendering_provider_npi,

        ---------- codes
        claim_status_code,
        claim_filing_indicator_code,
        claim_frequency_code,

        ---------- numerics
        claim_charge_amount,
        claim_payment_amount,
        coalesce(patient_responsibility_amount, 0) as patient_responsibility_amount,
        service_payment_count,

        ---------- dates
        statement_from_date,
        statement_to_date,
        claim_received_date,

        ---------- position
        segment_index

    from numbered

)

select * from renamed
