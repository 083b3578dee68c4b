-- One row per 837 claim submission, linked to the claim it belongs to and labelled with its
-- part in the claim's lifecycle (docs/metrics.md, "Claim"): the original; a resend of the
-- original (frequency 1 again); a replacement (7) or void (8), found by CLM01 or by REF*F8 =
-- a payer claim number (CLP07) the claim received; a claim to a secondary or tertiary payer.
-- Submissions that belong to no known claim keep claim_id null (kind 'unlinked').

with

claim_submissions as (

    select * from {{ ref('stg_edi_837__claims') }}

),

originals as (

    select * from {{ ref('int_claims__originals_identified') }}

),

remittances as (

    select * from {{ ref('stg_edi_835__claim_payments') }}

),

-- payer claim numbers given to remittances that echo an original's CLM01
payer_claim_numbers as (

    select distinct
        originals.claim_id,
        remittances.client_id,
        remittances.payer_claim_control_number

    from remittances
    inner join originals
        on remittances.client_id = originals.client_id
        and remittances.patient_control_number = originals.patient_control_number
    where remittances.payer_claim_control_number is not null

),

linked as (

    select
        claim_submissions.*,
        coalesce(by_control_number.claim_id, by_payer_claim_number.claim_id) as claim_id,
        case
            when by_control_number.claim_id is not null then 'patient_control_number'
            when by_payer_claim_number.claim_id is not null then 'payer_claim_number'
            else 'unlinked'
        end as link_method,
        by_control_number.original_submission_id

    from claim_submissions
    left join originals as by_control_number
        on claim_submissions.client_id = by_control_number.client_id
        and claim_submissions.patient_control_number = by_control_number.patient_control_number
    left join payer_claim_numbers as by_payer_claim_number
        on claim_submissions.client_id = by_payer_claim_number.client_id
        and claim_submissions.payer_claim_control_number
            = by_payer_claim_number.payer_claim_control_number
        and claim_submissions.claim_frequency_code in ('7', '8')
    qualify row_number() over (
        partition by claim_submissions.claim_submission_id
        order by by_payer_claim_number.claim_id
    ) = 1

),

final as (

    select
        claim_submission_id,
        claim_id,
        client_id,
        patient_control_number,
        payer_claim_control_number,
        link_method,
        case
            when claim_id is null then 'unlinked'
            when claim_submission_id = original_submission_id then 'original'
            when payer_responsibility_code = 'S' then 'secondary'
            when payer_responsibility_code = 'T' then 'tertiary'
            when claim_frequency_code = '7' then 'replacement'
            when claim_frequency_code = '8' then 'void'
            when claim_frequency_code = '1' then 'resend'
            else 'other'
        end as submission_kind,
        claim_frequency_code,
        payer_responsibility_code,
        payer_id,
        payer_name,
        claim_filing_indicator_code,
        claim_charge_amount,
        submission_date,
        file_id,
        segment_index

    from linked

)

select * from final
