-- One row per client per calendar month: the monthly KPIs of docs/metrics.md, each on its
-- own date basis (submission, first remittance or payment date).

with

originals as (

    select * from {{ ref('int_claims__originals_identified') }}

),

first_remittances as (

    select * from {{ ref('int_claims__first_remittance_found') }}

),

remittances as (

    select * from {{ ref('int_remittances__sequenced') }}

),

submitted as (

    select
        client_id,
        date_trunc('month', submission_date)::date as month_start_date,
        count(*) as claims_submitted_count,
        sum(billed_amount) as billed_amount

    from originals
    group by 1, 2

),

adjudicated as (

    select
        client_id,
        date_trunc('month', first_remittance_date)::date as month_start_date,
        count(*) as claims_adjudicated_count,
        count(*) filter (where is_initially_denied) as claims_initially_denied_count,
        sum(first_remittance_denied_amount) as initially_denied_amount,
        sum(first_remittance_charge_amount) as first_remittance_charge_amount

    from first_remittances
    group by 1, 2

),

paid as (

    select
        client_id,
        date_trunc('month', payment_date)::date as month_start_date,
        sum(claim_payment_amount) as payer_paid_amount

    from remittances
    where payment_date is not null
    group by 1, 2

),

months as (

    select client_id, month_start_date from submitted
    union
    select client_id, month_start_date from adjudicated
    union
    select client_id, month_start_date from paid

),

client_spans as (

    select
        client_id,
        min(month_start_date) as first_month,
        max(month_start_date) as last_month

    from months
    group by 1

),

month_spine as (

    select
        client_id,
        cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date)
            as month_start_date

    from client_spans

),

final as (

    select
        month_spine.client_id,
        month_spine.month_start_date,
        strftime(month_spine.month_start_date, '%Y-%m') as month,
        coalesce(submitted.claims_submitted_count, 0) as claims_submitted_count,
        cast(coalesce(submitted.billed_amount, 0) as decimal(18, 2)) as billed_amount,
        coalesce(adjudicated.claims_adjudicated_count, 0) as claims_adjudicated_count,
        coalesce(adjudicated.claims_initially_denied_count, 0) as claims_initially_denied_count,
        {{ safe_divide('adjudicated.claims_initially_denied_count',
                       'adjudicated.claims_adjudicated_count') }} as initial_denial_rate,
        {{ safe_divide('adjudicated.initially_denied_amount',
                       'adjudicated.first_remittance_charge_amount') }}
            as initial_denial_rate_amount,
        cast(coalesce(paid.payer_paid_amount, 0) as decimal(18, 2)) as payer_paid_amount

    from month_spine
    left join submitted
        on month_spine.client_id = submitted.client_id
        and month_spine.month_start_date = submitted.month_start_date
    left join adjudicated
        on month_spine.client_id = adjudicated.client_id
        and month_spine.month_start_date = adjudicated.month_start_date
    left join paid
        on month_spine.client_id = paid.client_id
        and month_spine.month_start_date = paid.month_start_date

)

select * from final
