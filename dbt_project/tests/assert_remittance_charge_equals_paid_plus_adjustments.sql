-- Every 835 claim payment balances: CLP03 = CLP04 + the CAS amounts at claim and line level,
-- within a cent (X12 005010X221A1 balancing rule). Input data: warn, the pipeline goes on.
{{ config(severity='warn') }}

with

claim_payments as (

    select * from {{ ref('stg_edi_835__claim_payments') }}

),

adjustments as (

    select * from {{ ref('stg_edi_835__adjustments') }}

),

adjustment_totals as (

    select
        remittance_id,
        sum(adjustment_amount) as adjustment_amount

    from adjustments
    group by 1

)

select
    claim_payments.remittance_id,
    claim_payments.claim_charge_amount,
    claim_payments.claim_payment_amount,
    coalesce(adjustment_totals.adjustment_amount, 0) as adjustment_amount

from claim_payments
left join adjustment_totals
    on claim_payments.remittance_id = adjustment_totals.remittance_id
where abs(claim_payments.claim_charge_amount - claim_payments.claim_payment_amount
    - coalesce(adjustment_totals.adjustment_amount, 0)) > 0.01
