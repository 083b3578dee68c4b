-- One row per client, month and payer class: claims and charges submitted to the class
-- (submission date) and what payers of the class paid (payment date), with each as a share
-- of the client's month total.

with

claims as (

    select * from {{ ref('fct_claims') }}

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}

),

payers as (

    select * from {{ ref('int_payers__classified') }}

),

submitted as (

    select
        client_id,
        cast(date_trunc('month', submission_date) as date) as month_start_date,
        payer_class,
        count(*) as claims_submitted_count,
        sum(original_billed_amount) as billed_amount

    from claims
    group by 1, 2, 3

),

paid as (

    select
        remittances.client_id,
        cast(date_trunc('month', remittances.payment_date) as date) as month_start_date,
        coalesce(payers.payer_class, 'other') as payer_class,
        sum(remittances.claim_payment_amount) as payer_paid_amount

    from remittances
    left join payers
        on remittances.payer_id = payers.payer_id
    where remittances.payment_date is not null
    group by 1, 2, 3

),

joined as (

    select
        coalesce(submitted.client_id, paid.client_id) as client_id,
        coalesce(submitted.month_start_date, paid.month_start_date) as month_start_date,
        coalesce(submitted.payer_class, paid.payer_class) as payer_class,
        coalesce(submitted.claims_submitted_count, 0) as claims_submitted_count,
        coalesce(submitted.billed_amount, 0) as billed_amount,
        coalesce(paid.payer_paid_amount, 0) as payer_paid_amount

    from submitted
    full outer join paid
        on submitted.client_id = paid.client_id
        and submitted.month_start_date = paid.month_start_date
        and submitted.payer_class = paid.payer_class

),

final as (

    select
        client_id,
        month_start_date,
        strftime(month_start_date, '%Y-%m') as month,
        payer_class,
        claims_submitted_count,
        cast(billed_amount as decimal(18, 2)) as billed_amount,
        cast(payer_paid_amount as decimal(18, 2)) as payer_paid_amount,
        {{ safe_divide('claims_submitted_count',
                       'sum(claims_submitted_count) over (partition by client_id, month_start_date)') }}
            as claims_submitted_share,
        {{ safe_divide('billed_amount',
                       'sum(billed_amount) over (partition by client_id, month_start_date)') }}
            as billed_share,
        {{ safe_divide('payer_paid_amount',
                       'sum(payer_paid_amount) over (partition by client_id, month_start_date)') }}
            as payer_paid_share

    from joined

)

select * from final
