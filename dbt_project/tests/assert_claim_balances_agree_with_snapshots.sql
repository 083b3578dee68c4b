-- A claim's balance in fct_claims equals its month-end balance in the client's last month
-- (both follow docs/metrics.md "Claim balance"; one sums events, the other runs them by
-- month), for every claim not voided.

with

claims as (

    select * from {{ ref('fct_claims') }}

),

snapshots as (

    select * from {{ ref('int_claim_balances__snapshotted_month_end') }}

),

clients as (

    select * from {{ ref('int_clients__activity_spanned') }}

),

last_month as (

    select snapshots.claim_id, snapshots.balance_amount
    from snapshots
    inner join clients
        on snapshots.client_id = clients.client_id
        and snapshots.month_start_date = clients.last_month_start_date

)

select
    claims.claim_id,
    claims.balance_amount,
    last_month.balance_amount as snapshot_balance_amount

from claims
left join last_month
    on claims.claim_id = last_month.claim_id
where not claims.is_voided
    and claims.balance_amount <> coalesce(last_month.balance_amount, 0)
