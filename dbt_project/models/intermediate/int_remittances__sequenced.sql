-- One row per 835 claim payment (CLP), dated by its check (BPR16), placed in payer order
-- from CLP02, paired with the reversal (CLP02 = 22) that cancels it, and flagged as a primary
-- adjudication when count KPIs use it (docs/metrics.md, "Remittance", "Reversal netting",
-- "Primary adjudication").

with

claim_payments as (

    select * from {{ ref('stg_edi_835__claim_payments') }}

),

payments as (

    select * from {{ ref('stg_edi_835__payments') }}

),

claim_status as (

    select * from {{ ref('claim_status') }}

),

adjustments as (

    select * from {{ ref('int_adjustments__categorized') }}

),

claim_submissions as (

    select * from {{ ref('stg_edi_837__claims') }}

),

dated as (

    select
        claim_payments.*,
        payments.payment_date,
        payments.payer_id,
        payments.payer_name,
        coalesce(claim_status.payer_sequence, 'other') as payer_sequence

    from claim_payments
    left join payments
        on claim_payments.payment_id = payments.payment_id
    left join claim_status
        on claim_payments.claim_status_code = claim_status.claim_status_code

),

reversal_candidates as (

    -- a reversal cancels an earlier remittance of the same claim (CLP01) and payer claim
    -- number (CLP07); the one whose amounts it negates exactly wins, then the latest
    select
        reversal.remittance_id as reversal_remittance_id,
        reversed.remittance_id as reversed_remittance_id,
        reversal.payment_date as reversal_payment_date,
        reversal.file_id as reversal_file_id,
        reversal.segment_index as reversal_segment_index,
        row_number() over (
            partition by reversal.remittance_id
            order by
                (reversed.claim_payment_amount = -reversal.claim_payment_amount
                    and reversed.claim_charge_amount = -reversal.claim_charge_amount) desc,
                reversed.payment_date desc,
                reversed.file_id desc,
                reversed.segment_index desc
        ) as candidate_rank

    from dated as reversal
    inner join dated as reversed
        on reversal.client_id = reversed.client_id
        and reversal.patient_control_number = reversed.patient_control_number
        and coalesce(reversal.payer_claim_control_number, '')
            = coalesce(reversed.payer_claim_control_number, '')
        and reversed.claim_status_code <> '22'
        and reversed.payment_date <= reversal.payment_date
    where reversal.claim_status_code = '22'

),

reversal_pairs as (

    select
        reversal_remittance_id,
        reversed_remittance_id

    from reversal_candidates
    where candidate_rank = 1
    -- one reversal per reversed remittance: the earliest wins
    qualify row_number() over (
        partition by reversed_remittance_id
        order by reversal_payment_date, reversal_file_id, reversal_segment_index
    ) = 1

),

-- the practice replaced or voided the claim between a remittance and its reversal: the
-- payer is undoing its decision because the claim changed, not correcting itself
corrections_by_practice as (

    select distinct
        reversal_pairs.reversed_remittance_id

    from reversal_pairs
    inner join dated as reversed
        on reversal_pairs.reversed_remittance_id = reversed.remittance_id
    inner join dated as reversal
        on reversal_pairs.reversal_remittance_id = reversal.remittance_id
    inner join claim_submissions
        on claim_submissions.client_id = reversed.client_id
        and claim_submissions.claim_frequency_code in ('7', '8')
        and (
            claim_submissions.patient_control_number = reversed.patient_control_number
            or claim_submissions.payer_claim_control_number
                = reversed.payer_claim_control_number
        )
        and claim_submissions.submission_date > reversed.payment_date
        and claim_submissions.submission_date <= reversal.payment_date

),

adjustment_flags as (

    select
        remittance_id,
        sum(case when adjustment_category = 'denial' then adjustment_amount else 0 end)
            as denied_amount,
        coalesce(bool_or(adjustment_category = 'denial' and adjustment_amount > 0), false)
            as carries_denial,
        coalesce(bool_or(adjustment_category = 'duplicate' and adjustment_amount > 0), false)
            as carries_duplicate

    from adjustments
    group by 1

),

final as (

    select
        dated.*,
        dated.claim_status_code = '22' as is_reversal,
        reversed_by.reversal_remittance_id,
        reverses.reversed_remittance_id,
        reversed_by.reversal_remittance_id is not null as is_reversed,
        corrections_by_practice.reversed_remittance_id is not null
            as is_reversed_by_rework,
        case
            when dated.claim_status_code <> '22' then dated.payer_sequence
            else coalesce(reversed.payer_sequence, 'unknown')
        end as effective_payer_sequence,
        coalesce(adjustment_flags.denied_amount, 0) as denied_amount,
        coalesce(adjustment_flags.carries_denial, false) as carries_denial,
        dated.claim_payment_amount = 0
            and coalesce(adjustment_flags.carries_duplicate, false)
            and not coalesce(adjustment_flags.carries_denial, false)
            as is_duplicate_rejection,
        dated.payer_sequence = 'primary'
            and (
                reversed_by.reversal_remittance_id is null
                or corrections_by_practice.reversed_remittance_id is not null
            )
            and not (
                dated.claim_payment_amount = 0
                and coalesce(adjustment_flags.carries_duplicate, false)
                and not coalesce(adjustment_flags.carries_denial, false)
            ) as is_primary_adjudication

    from dated
    left join reversal_pairs as reversed_by
        on dated.remittance_id = reversed_by.reversed_remittance_id
    left join reversal_pairs as reverses
        on dated.remittance_id = reverses.reversal_remittance_id
    left join dated as reversed
        on reverses.reversed_remittance_id = reversed.remittance_id
    left join corrections_by_practice
        on dated.remittance_id = corrections_by_practice.reversed_remittance_id
    left join adjustment_flags
        on dated.remittance_id = adjustment_flags.remittance_id

)

select * from final
