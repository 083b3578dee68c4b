-- One row per claim: which submission is its current version (the original, or the latest
-- replacement), what it bills now (0 once voided), and when it was replaced, resent, voided
-- or sent to a secondary payer (docs/metrics.md, "Billed amount").

with

submissions as (

    select * from {{ ref('int_claim_submissions__linked') }}
    where claim_id is not null

),

versions as (

    select
        claim_id,
        claim_submission_id as current_submission_id,
        claim_charge_amount as current_billed_amount

    from submissions
    where submission_kind in ('original', 'replacement')
    qualify row_number() over (
        partition by claim_id order by submission_date desc, file_id desc, segment_index desc
    ) = 1

),

events as (

    select
        claim_id,
        count(*) filter (where submission_kind = 'replacement') as replacement_count,
        min(submission_date) filter (where submission_kind = 'replacement')
            as first_replacement_date,
        count(*) filter (where submission_kind = 'resend') as resend_count,
        count(*) filter (where submission_kind = 'void') as void_count,
        min(submission_date) filter (where submission_kind = 'void') as voided_date,
        min(submission_date) filter (where submission_kind = 'secondary')
            as secondary_submission_date,
        arg_min(payer_id, submission_date) filter (where submission_kind = 'secondary')
            as secondary_payer_id,
        arg_min(claim_filing_indicator_code, submission_date)
            filter (where submission_kind = 'secondary')
            as secondary_claim_filing_indicator_code

    from submissions
    group by 1

),

final as (

    select
        versions.claim_id,
        versions.current_submission_id,
        versions.current_billed_amount,
        case when events.voided_date is not null then cast(0 as decimal(18, 2))
            else versions.current_billed_amount
        end as billed_amount,
        events.replacement_count,
        events.first_replacement_date,
        events.resend_count,
        events.voided_date is not null as is_voided,
        events.voided_date,
        events.secondary_submission_date,
        events.secondary_payer_id,
        events.secondary_claim_filing_indicator_code

    from versions
    inner join events
        on versions.claim_id = events.claim_id

)

select * from final
