with

source as (

    select * from {{ source('edi_837', 'edi_837_other_payers') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        file_id || ':' || cast(segment_index as varchar) as other_payer_id_key,
        file_id || ':' || cast(claim_segment_index as varchar) as claim_submission_id,
        nullif(trim(other_payer_id), '') as other_payer_id,
        other_payer_name,

        ---------- codes
        payer_responsibility_code,
        claim_filing_indicator_code,

        ---------- numerics
        other_payer_paid_amount,
        remaining_patient_liability_amount,

        ---------- dates
        adjudication_date

    from source

)

select * from renamed
