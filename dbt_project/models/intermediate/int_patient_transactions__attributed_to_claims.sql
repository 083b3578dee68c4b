-- One row per patient payment, refund or write-off posted in the PM system, with the claim it
-- applies to: the claim the export names (claim_id = CLM01), else the claim that billed the
-- visit the payment was taken for (a payment at the front desk, matched through the PM
-- charges). Transactions tied to no known claim keep claim_id null: they count in patient
-- totals but not in claim balances.

with

payments as (

    select * from {{ ref('stg_pm__patient_payments') }}

),

adjustments as (

    select * from {{ ref('stg_pm__adjustments') }}
    where applies_to = 'patient'

),

charges as (

    select * from {{ ref('stg_pm__charges') }}

),

originals as (

    select * from {{ ref('int_claims__originals_identified') }}

),

visit_claims as (

    select
        client_id,
        visit_id,
        min(patient_control_number) as patient_control_number

    from charges
    where visit_id is not null
        and patient_control_number is not null
    group by 1, 2

),

unioned as (

    select
        client_id,
        patient_payment_id as patient_transaction_id,
        'payment' as transaction_kind,
        patient_id,
        visit_id,
        patient_control_number,
        posting_date,
        payment_amount as transaction_amount

    from payments

    union all

    select
        client_id,
        pm_adjustment_id as patient_transaction_id,
        'write_off' as transaction_kind,
        patient_id,
        visit_id,
        patient_control_number,
        posting_date,
        adjustment_amount as transaction_amount

    from adjustments

),

final as (

    select
        unioned.client_id,
        unioned.patient_transaction_id,
        unioned.transaction_kind,
        unioned.patient_id,
        unioned.visit_id,
        coalesce(unioned.patient_control_number, visit_claims.patient_control_number)
            as patient_control_number,
        case
            when by_claim.claim_id is not null then 'claim_id'
            when by_visit.claim_id is not null then 'visit'
        end as attribution_method,
        coalesce(by_claim.claim_id, by_visit.claim_id) as claim_id,
        unioned.posting_date,
        unioned.transaction_amount

    from unioned
    left join visit_claims
        on unioned.client_id = visit_claims.client_id
        and unioned.visit_id = visit_claims.visit_id
    left join originals as by_claim
        on unioned.client_id = by_claim.client_id
        and unioned.patient_control_number = by_claim.patient_control_number
    left join originals as by_visit
        on unioned.client_id = by_visit.client_id
        and visit_claims.patient_control_number = by_visit.patient_control_number

)

select * from final
