-- One row per adjudicated claim: its first remittance, the earliest primary adjudication by
-- payment date then position in the file (docs/metrics.md, "First remittance"), whether it
-- carries a denial, whether the claim passed on its first pass, and the claim's first payment.

with

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}
    where claim_id is not null

),

submissions as (

    select * from {{ ref('int_claim_submissions__linked') }}

),

first_adjudication as (

    select *
    from remittances
    where is_primary_adjudication
    qualify row_number() over (
        partition by claim_id order by payment_date, file_id, segment_index
    ) = 1

),

first_payment as (

    select
        claim_id,
        payment_date as first_payment_date

    from remittances
    where not is_reversal
        and claim_payment_amount > 0
        and (not is_reversed or is_reversed_by_rework)
    qualify row_number() over (
        partition by claim_id order by payment_date, file_id, segment_index
    ) = 1

),

changed_before_first_remittance as (

    select distinct
        first_adjudication.claim_id

    from first_adjudication
    inner join submissions
        on first_adjudication.claim_id = submissions.claim_id
        and submissions.submission_kind in ('replacement', 'void')
        and submissions.submission_date < first_adjudication.payment_date

),

final as (

    select
        first_adjudication.claim_id,
        first_adjudication.client_id,
        first_adjudication.patient_control_number,
        first_adjudication.remittance_id as first_remittance_id,
        first_adjudication.payment_date as first_remittance_date,
        first_adjudication.payer_id as first_remittance_payer_id,
        first_adjudication.claim_status_code as first_claim_status_code,
        first_adjudication.claim_charge_amount as first_remittance_charge_amount,
        first_adjudication.claim_payment_amount as first_remittance_paid_amount,
        first_adjudication.denied_amount as first_remittance_denied_amount,
        first_adjudication.carries_denial as is_initially_denied,
        not first_adjudication.carries_denial
            and first_adjudication.claim_status_code <> '4'
            and changed_before_first_remittance.claim_id is null as is_first_pass,
        first_payment.first_payment_date

    from first_adjudication
    left join changed_before_first_remittance
        on first_adjudication.claim_id = changed_before_first_remittance.claim_id
    left join first_payment
        on first_adjudication.claim_id = first_payment.claim_id

)

select * from final
