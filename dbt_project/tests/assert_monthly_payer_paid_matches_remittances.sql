-- Nothing paid is lost or counted twice: per client, the monthly payer paid amounts add up
-- to every CLP04 on the client's dated 835s.

with

monthly as (

    select * from {{ ref('kpi_client_monthly') }}

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}

),

monthly_totals as (

    select client_id, sum(payer_paid_amount) as payer_paid_amount
    from monthly
    group by 1

),

remittance_totals as (

    select client_id, sum(claim_payment_amount) as payer_paid_amount
    from remittances
    where payment_date is not null
    group by 1

)

select
    remittance_totals.client_id,
    remittance_totals.payer_paid_amount,
    monthly_totals.payer_paid_amount as monthly_payer_paid_amount

from remittance_totals
left join monthly_totals
    on remittance_totals.client_id = monthly_totals.client_id
where remittance_totals.payer_paid_amount <> coalesce(monthly_totals.payer_paid_amount, 0)
