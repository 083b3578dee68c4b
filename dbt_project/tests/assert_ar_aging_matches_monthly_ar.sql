-- The AR aging table and the monthly KPI table report the same AR and credit balances for
-- every client and month end.

with

aging as (

    select * from {{ ref('kpi_ar_aging_month_end') }}

),

monthly as (

    select * from {{ ref('kpi_client_monthly') }}

),

aging_totals as (

    select
        client_id,
        month_start_date,
        sum(ar_amount) as ar_amount,
        sum(ar_amount) filter (where ar_responsibility = 'patient') as ar_patient_amount,
        sum(credit_balance_amount) as credit_balance_amount

    from aging
    group by 1, 2

)

select
    monthly.client_id,
    monthly.month_start_date,
    monthly.ar_amount,
    aging_totals.ar_amount as aging_ar_amount

from monthly
left join aging_totals
    on monthly.client_id = aging_totals.client_id
    and monthly.month_start_date = aging_totals.month_start_date
where monthly.ar_amount <> coalesce(aging_totals.ar_amount, 0)
    or monthly.ar_patient_amount <> coalesce(aging_totals.ar_patient_amount, 0)
    or monthly.credit_balance_amount <> coalesce(aging_totals.credit_balance_amount, 0)
