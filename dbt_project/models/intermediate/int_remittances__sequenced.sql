-- One row per 835 claim payment (CLP), dated by its check (BPR16), placed in payer order
-- from CLP02, and flagged when a later reversal (CLP02 = 22) cancels it or when it is itself
-- a reversal (docs/metrics.md, "Remittance" and "Reversal netting").

with

claim_payments as (

    select * from {{ ref('stg_edi_835__claim_payments') }}

),

payments as (

    select * from {{ ref('stg_edi_835__payments') }}

),

adjustments as (

    select * from {{ ref('int_adjustments__categorized') }}

),

reworks as (

    -- the practice's own replacements (7) and voids (8) of a claim
    select client_id, patient_control_number, submission_date
    from {{ ref('stg_edi_837__claims') }}
    where claim_frequency_code in ('7', '8')

),

dated as (

    select
        claim_payments.*,
        payments.payment_date,
        payments.payer_id,
        payments.payer_name,
        case
            when claim_payments.claim_status_code in ('1', '4', '19') then 'primary'
            when claim_payments.claim_status_code in ('2', '20') then 'secondary'
            when claim_payments.claim_status_code in ('3', '21') then 'tertiary'
            when claim_payments.claim_status_code = '22' then 'reversal'
            when claim_payments.claim_status_code = '23' then 'not_this_payer'
            else 'other'
        end as payer_sequence

    from claim_payments
    left join payments
        on claim_payments.payment_id = payments.payment_id

),

reversal_pairs as (

    -- each reversal cancels the latest earlier remittance of the same claim and payer claim
    -- number whose payment it negates
    select
        reversal.remittance_id as reversal_remittance_id,
        reversed.remittance_id as reversed_remittance_id

    from dated as reversal
    inner join dated as reversed
        on reversal.client_id = reversed.client_id
        and reversal.patient_control_number = reversed.patient_control_number
        and coalesce(reversal.payer_claim_control_number, '')
            = coalesce(reversed.payer_claim_control_number, '')
        and reversed.claim_payment_amount = -reversal.claim_payment_amount
        and reversed.claim_status_code <> '22'
        and reversed.remittance_id <> reversal.remittance_id
        and reversed.payment_date <= reversal.payment_date
    where reversal.claim_status_code = '22'
    qualify row_number() over (
        partition by reversal.remittance_id
        order by reversed.payment_date desc, reversed.file_id desc, reversed.segment_index desc
    ) = 1

),

reversals_answering_rework as (

    -- a reversal that answers the practice's replacement or void, sent after the reversed
    -- payment and on or before the reversal: the reversed remittance was the payer's answer
    -- to the claim as first submitted, so count KPIs keep it (docs/metrics.md)
    select distinct reversal_pairs.reversal_remittance_id

    from reversal_pairs
    inner join dated as reversal
        on reversal_pairs.reversal_remittance_id = reversal.remittance_id
    inner join dated as reversed
        on reversal_pairs.reversed_remittance_id = reversed.remittance_id
    inner join reworks
        on reworks.client_id = reversed.client_id
        and reworks.patient_control_number = reversed.patient_control_number
        and reworks.submission_date > reversed.payment_date
        and reworks.submission_date <= reversal.payment_date

),

denials as (

    select
        remittance_id,
        sum(case when adjustment_category = 'denial' and adjustment_amount > 0
            then adjustment_amount else 0 end) as denied_amount,
        coalesce(bool_or(adjustment_category = 'denial' and adjustment_amount > 0), false)
            as carries_denial

    from adjustments
    group by 1

),

final as (

    select
        dated.*,
        dated.claim_status_code = '22' as is_reversal,
        reversal_pairs.reversal_remittance_id is not null as is_reversed,
        coalesce(denials.denied_amount, 0) as denied_amount,
        coalesce(denials.carries_denial, false) as carries_denial,
        reversals_answering_rework.reversal_remittance_id is not null as is_reversed_by_rework,
        dated.payer_sequence = 'primary'
            and (
                reversal_pairs.reversal_remittance_id is null
                or reversals_answering_rework.reversal_remittance_id is not null
            ) as is_primary_adjudication

    from dated
    left join reversal_pairs
        on dated.remittance_id = reversal_pairs.reversed_remittance_id
    left join reversals_answering_rework
        on reversal_pairs.reversal_remittance_id
            = reversals_answering_rework.reversal_remittance_id
    left join denials
        on dated.remittance_id = denials.remittance_id

)

select * from final
