-- One row per dated event that moves a claim's balance or changes who owes it
-- (docs/metrics.md, "Claim balance"): the original charge, each replacement's change to the
-- billed amount, a void, every remittance (payer paid and every adjustment that is not
-- patient responsibility, prior-payer impact or a duplicate rejection; primary and secondary
-- adjudications counted on and off by reversals), and every patient payment or write-off
-- that names the claim.

with

originals as (

    select * from {{ ref('int_claims__originals_identified') }}

),

submissions as (

    select * from {{ ref('int_claim_submissions__linked') }}
    where claim_id is not null

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}
    where claim_id is not null

),

adjustments as (

    select * from {{ ref('int_adjustments__categorized') }}

),

patient_transactions as (

    select * from {{ ref('int_patient_transactions__attributed_to_claims') }}
    where claim_id is not null

),

billed_versions as (

    select
        claim_id,
        submission_date,
        submission_kind,
        claim_charge_amount
            - coalesce(lag(claim_charge_amount) over (
                partition by claim_id order by submission_date, file_id, segment_index
            ), 0) as balance_delta_amount

    from submissions
    where submission_kind in ('original', 'replacement')

),

remittance_adjustments as (

    select
        remittance_id,
        sum(adjustment_amount) as written_down_amount

    from adjustments
    where adjustment_category not in ('patient_responsibility', 'prior_payer', 'duplicate')
    group by 1

),

events as (

    select
        claim_id,
        submission_date as event_date,
        case when submission_kind = 'original' then 'charge' else 'rebill' end as event_kind,
        balance_delta_amount,
        0 as primary_adjudication_delta,
        0 as secondary_adjudication_delta,
        0 as forwarded_delta,
        false as is_void

    from billed_versions

    union all

    select
        claim_id,
        min(submission_date) as event_date,
        'void' as event_kind,
        0 as balance_delta_amount,
        0 as primary_adjudication_delta,
        0 as secondary_adjudication_delta,
        0 as forwarded_delta,
        true as is_void

    from submissions
    where submission_kind = 'void'
    group by 1

    union all

    select
        remittances.claim_id,
        remittances.payment_date as event_date,
        'remittance' as event_kind,
        -(remittances.claim_payment_amount
            + coalesce(remittance_adjustments.written_down_amount, 0)) as balance_delta_amount,
        case
            when remittances.effective_payer_sequence <> 'primary' then 0
            when remittances.is_duplicate_rejection then 0
            when remittances.is_reversal then -1
            else 1
        end as primary_adjudication_delta,
        case
            when remittances.effective_payer_sequence not in ('secondary', 'tertiary') then 0
            when remittances.is_reversal then -1
            else 1
        end as secondary_adjudication_delta,
        case when remittances.claim_status_code = '19' then 1 else 0 end as forwarded_delta,
        false as is_void

    from remittances
    left join remittance_adjustments
        on remittances.remittance_id = remittance_adjustments.remittance_id
    where remittances.payment_date is not null

    union all

    -- a payment taken before the claim was billed applies from the claim's submission date
    select
        patient_transactions.claim_id,
        greatest(patient_transactions.posting_date, originals.submission_date) as event_date,
        'patient_' || patient_transactions.transaction_kind as event_kind,
        -patient_transactions.transaction_amount as balance_delta_amount,
        0 as primary_adjudication_delta,
        0 as secondary_adjudication_delta,
        0 as forwarded_delta,
        false as is_void

    from patient_transactions
    inner join originals
        on patient_transactions.claim_id = originals.claim_id

),

final as (

    select
        events.claim_id,
        originals.client_id,
        events.event_date,
        events.event_kind,
        cast(events.balance_delta_amount as decimal(18, 2)) as balance_delta_amount,
        events.primary_adjudication_delta,
        events.secondary_adjudication_delta,
        events.forwarded_delta,
        events.is_void

    from events
    inner join originals
        on events.claim_id = originals.claim_id

)

select * from final
