-- One row per claim (client_id + patient control number): its original submission, the first
-- frequency-1 claim sent to the primary payer, with its service dates and other coverage. The
-- claim's id is its original submission's key.
-- Replacements, voids, resends and secondary claims are later events of the same claim
-- (docs/metrics.md, "Claim").

with

claim_submissions as (

    select * from {{ ref('stg_edi_837__claims') }}

),

service_lines as (

    select * from {{ ref('stg_edi_837__service_lines') }}

),

other_payers as (

    select * from {{ ref('stg_edi_837__other_payers') }}

),

originals as (

    select *
    from claim_submissions
    where claim_frequency_code = '1'
        and coalesce(payer_responsibility_code, 'P') = 'P'
    qualify row_number() over (
        partition by client_id, patient_control_number
        order by submission_date, file_id, segment_index
    ) = 1

),

line_dates as (

    select
        claim_submission_id,
        min(service_date) as service_date,
        max(service_end_date) as service_end_date,
        count(*) as line_count

    from service_lines
    group by 1

),

other_coverage as (

    select
        claim_submission_id,
        other_payer_id,
        other_payer_name,
        claim_filing_indicator_code as other_claim_filing_indicator_code

    from other_payers
    qualify row_number() over (
        partition by claim_submission_id order by segment_index
    ) = 1

),

final as (

    select
        originals.claim_submission_id as claim_id,
        originals.client_id,
        originals.patient_control_number,
        originals.claim_submission_id as original_submission_id,
        originals.submission_date,
        line_dates.service_date,
        line_dates.service_end_date,
        coalesce(line_dates.line_count, 0) as line_count,
        originals.claim_charge_amount as billed_amount,
        originals.payer_id,
        originals.payer_name,
        originals.claim_filing_indicator_code,
        originals.place_of_service_code,
        originals.billing_provider_npi,
        coalesce(originals.rendering_provider_npi, originals.billing_provider_npi)
            as rendering_provider_npi,
        originals.patient_pseudonym,
        originals.member_pseudonym,
        other_coverage.other_payer_id,
        other_coverage.other_payer_name,
        other_coverage.other_claim_filing_indicator_code,
        other_coverage.claim_submission_id is not null as has_other_coverage

    from originals
    left join line_dates
        on originals.claim_submission_id = line_dates.claim_submission_id
    left join other_coverage
        on originals.claim_submission_id = other_coverage.claim_submission_id

)

select * from final
