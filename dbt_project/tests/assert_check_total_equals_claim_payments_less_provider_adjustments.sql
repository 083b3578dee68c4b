-- Every 835 check balances: BPR02 = sum of CLP04 - sum of PLB amounts (X12 005010X221A1).
-- Input data: warn, the pipeline goes on.
{{ config(severity='warn') }}

with

payments as (

    select * from {{ ref('stg_edi_835__payments') }}

),

claim_payments as (

    select * from {{ ref('stg_edi_835__claim_payments') }}

),

provider_adjustments as (

    select * from {{ ref('stg_edi_835__provider_adjustments') }}

),

paid as (

    select payment_id, sum(claim_payment_amount) as claim_payment_amount
    from claim_payments
    group by 1

),

withheld as (

    select payment_id, sum(adjustment_amount) as provider_adjustment_amount
    from provider_adjustments
    group by 1

)

select
    payments.payment_id,
    payments.total_payment_amount,
    coalesce(paid.claim_payment_amount, 0) as claim_payment_amount,
    coalesce(withheld.provider_adjustment_amount, 0) as provider_adjustment_amount

from payments
left join paid
    on payments.payment_id = paid.payment_id
left join withheld
    on payments.payment_id = withheld.payment_id
where payments.total_payment_amount
    <> coalesce(paid.claim_payment_amount, 0) - coalesce(withheld.provider_adjustment_amount, 0)
