-- One row per claim per month end from the month of its submission until its balance is
-- settled for good (or the client's last month while it is still open): the claim balance on
-- that day, whether a payer or the patient owes it, and its age (docs/metrics.md, "Claim
-- balance"). Months after a void are dropped: a voided claim is in no AR.

with

events as (

    select * from {{ ref('int_claim_events__unioned') }}

),

originals as (

    select * from {{ ref('int_claims__originals_identified') }}

),

versions as (

    select * from {{ ref('int_claims__versions_resolved') }}

),

clients as (

    select * from {{ ref('int_clients__activity_spanned') }}

),

monthly_events as (

    select
        claim_id,
        cast(date_trunc('month', event_date) as date) as month_start_date,
        sum(balance_delta_amount) as balance_delta_amount,
        sum(primary_adjudication_delta) as primary_adjudication_delta,
        sum(secondary_adjudication_delta) as secondary_adjudication_delta,
        sum(forwarded_delta) as forwarded_delta,
        bool_or(is_void) as has_void

    from events
    group by 1, 2

),

claim_spans as (

    select
        monthly_events.claim_id,
        min(monthly_events.month_start_date) as first_month_start_date,
        case
            when bool_or(monthly_events.has_void)
                or sum(monthly_events.balance_delta_amount) = 0
                then max(monthly_events.month_start_date)
            else max(clients.last_month_start_date)
        end as last_month_start_date

    from monthly_events
    inner join originals
        on monthly_events.claim_id = originals.claim_id
    inner join clients
        on originals.client_id = clients.client_id
    group by 1

),

spine as (

    select
        claim_id,
        cast(unnest(generate_series(
            first_month_start_date, last_month_start_date, interval 1 month
        )) as date) as month_start_date

    from claim_spans

),

running as (

    select
        spine.claim_id,
        spine.month_start_date,
        cast(spine.month_start_date + interval 1 month - interval 1 day as date)
            as month_end_date,
        sum(coalesce(monthly_events.balance_delta_amount, 0)) over claim_to_date
            as balance_amount,
        sum(coalesce(monthly_events.primary_adjudication_delta, 0)) over claim_to_date
            as standing_primary_count,
        sum(coalesce(monthly_events.secondary_adjudication_delta, 0)) over claim_to_date
            as standing_secondary_count,
        sum(coalesce(monthly_events.forwarded_delta, 0)) over claim_to_date
            as forwarded_count,
        bool_or(coalesce(monthly_events.has_void, false)) over claim_to_date as is_voided

    from spine
    left join monthly_events
        on spine.claim_id = monthly_events.claim_id
        and spine.month_start_date = monthly_events.month_start_date
    window claim_to_date as (
        partition by spine.claim_id order by spine.month_start_date
        rows between unbounded preceding and current row
    )

),

classified as (

    select
        running.claim_id,
        originals.client_id,
        running.month_start_date,
        running.month_end_date,
        cast(running.balance_amount as decimal(18, 2)) as balance_amount,
        running.standing_primary_count > 0 as has_primary_adjudication,
        (originals.has_other_coverage or running.forwarded_count > 0)
            and running.standing_secondary_count <= 0 as is_awaiting_secondary,
        datediff('day', originals.service_date, running.month_end_date) as age_days,
        originals.payer_id as primary_payer_id,
        coalesce(versions.secondary_payer_id, originals.other_payer_id) as secondary_payer_id

    from running
    inner join originals
        on running.claim_id = originals.claim_id
    left join versions
        on running.claim_id = versions.claim_id
    where not running.is_voided

),

final as (

    select
        claim_id,
        client_id,
        month_start_date,
        month_end_date,
        balance_amount,
        case
            when not has_primary_adjudication then 'insurance'
            when is_awaiting_secondary then 'insurance'
            else 'patient'
        end as ar_responsibility,
        case
            when not has_primary_adjudication then primary_payer_id
            when is_awaiting_secondary then secondary_payer_id
        end as responsible_payer_id,
        age_days,
        case
            when age_days <= 30 then '0_30'
            when age_days <= 60 then '31_60'
            when age_days <= 90 then '61_90'
            when age_days <= 120 then '91_120'
            else 'over_120'
        end as aging_bucket

    from classified

)

select * from final
