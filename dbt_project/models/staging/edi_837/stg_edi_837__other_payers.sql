with

source as (

    select * from {{ source('edi_837', 'edi_837_other_payers') }}

),

numbered as (

    {{ with_file_number('source') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        {{ position_key('file_number', 'segment_index') }} as other_payer_key,
        {{ position_key('file_number', 'claim_segment_index') }} as claim_submission_id,
        nullif(trim(other_payer_id), '') as other_payer_id,
        other_payer_name,

        ---------- codes
        payer_responsibility_code,
        claim_filing_indicator_code,

        ---------- numerics
        other_payer_paid_amount,
        remaining_patient_liability_amount,

        ---------- dates
        adjudication_date,

        ---------- position
        segment_index

    from numbered

)

select * from renamed
