-- One row per patient payment, refund or write-off posted in the PM system, with the claim it
-- applies to when the export names one (patient control number = the claim's CLM01).
-- Transactions that name no known claim keep claim_id null: they count in patient totals
-- but not in claim balances.

with

payments as (

    select * from {{ ref('stg_pm__patient_payments') }}

),

write_offs as (

    select * from {{ ref('stg_pm__patient_adjustments') }}

),

originals as (

    select * from {{ ref('int_claims__originals_identified') }}

),

unioned as (

    select
        client_id,
        patient_payment_id as patient_transaction_id,
        'payment' as transaction_kind,
        patient_pseudonym,
        patient_control_number,
        posting_date,
        payment_amount as transaction_amount

    from payments

    union all

    select
        client_id,
        patient_adjustment_id as patient_transaction_id,
        'write_off' as transaction_kind,
        patient_pseudonym,
        patient_control_number,
        posting_date,
        adjustment_amount as transaction_amount

    from write_offs

),

final as (

    select
        unioned.*,
        originals.claim_id

    from unioned
    left join originals
        on unioned.client_id = originals.client_id
        and unioned.patient_control_number = originals.patient_control_number

)

select * from final
