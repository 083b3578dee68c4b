-- One row per claim (client_id + patient control number): its original submission, the first
-- frequency-1 claim sent to the primary payer. Replacements, voids and secondary claims are
-- later events of the same claim (docs/metrics.md, "Claim").

with

claim_submissions as (

    select * from {{ ref('stg_edi_837__claims') }}

),

originals as (

    select
        *,
        row_number() over (
            partition by client_id, patient_control_number
            order by submission_date, file_id, segment_index
        ) as submission_rank

    from claim_submissions
    where claim_frequency_code = '1'
        and coalesce(payer_responsibility_code, 'P') = 'P'

),

final as (

    select
        client_id,
        patient_control_number,
        claim_submission_id as original_submission_id,
        submission_date,
        claim_charge_amount as billed_amount,
        payer_id,
        payer_name,
        claim_filing_indicator_code,
        billing_provider_npi,
        rendering_provider_npi,
        patient_pseudonym

    from originals
    where submission_rank = 1

)

select * from final
