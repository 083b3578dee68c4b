-- One row per client, month of payment and PLB reason code: provider-level adjustments
-- (interest, overpayment recoveries, forward balances ...), reported apart from claim
-- payments (docs/metrics.md, `provider_adjustment_amount`).

with

provider_adjustments as (

    select * from {{ ref('stg_edi_835__provider_adjustments') }}

),

payments as (

    select * from {{ ref('stg_edi_835__payments') }}

),

final as (

    select
        payments.client_id,
        cast(date_trunc('month', payments.payment_date) as date) as month_start_date,
        strftime(date_trunc('month', payments.payment_date), '%Y-%m') as month,
        provider_adjustments.adjustment_reason_code,
        count(*) as adjustment_count,
        cast(sum(provider_adjustments.adjustment_amount) as decimal(18, 2))
            as provider_adjustment_amount

    from provider_adjustments
    inner join payments
        on provider_adjustments.payment_id = payments.payment_id
    where payments.payment_date is not null
    group by 1, 2, 3, 4

)

select * from final
