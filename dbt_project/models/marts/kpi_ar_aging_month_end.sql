-- One row per client, month end and party owing (a payer, or the patient): open claim
-- balances at month end split into aging buckets by days since the date of service
-- (docs/metrics.md, "Claim balance", `ar_amount`). Patient balances are apart (payer_class
-- 'patient', payer_id null).

with

balances as (

    select * from {{ ref('int_claim_balances__snapshotted_month_end') }}

),

payers as (

    select * from {{ ref('int_payers__classified') }}

),

owed as (

    select
        balances.client_id,
        balances.month_start_date,
        balances.month_end_date,
        balances.ar_responsibility,
        balances.responsible_payer_id as payer_id,
        case
            when balances.ar_responsibility = 'patient' then 'patient'
            else coalesce(payers.payer_class, 'other')
        end as payer_class,
        balances.balance_amount,
        balances.aging_bucket

    from balances
    left join payers
        on balances.responsible_payer_id = payers.payer_id
    where balances.balance_amount <> 0

),

final as (

    select
        client_id,
        month_start_date,
        strftime(month_start_date, '%Y-%m') as month,
        month_end_date,
        ar_responsibility,
        payer_class,
        payer_id,
        count(*) filter (where balance_amount > 0) as open_claim_count,
        cast(coalesce(sum(balance_amount) filter (where balance_amount > 0), 0)
            as decimal(18, 2)) as ar_amount,
        {% for bucket in ['0_30', '31_60', '61_90', '91_120', 'over_120'] -%}
        cast(coalesce(sum(balance_amount)
            filter (where balance_amount > 0 and aging_bucket = '{{ bucket }}'), 0)
            as decimal(18, 2)) as ar_{{ bucket }}_amount,
        {% endfor -%}
        cast(coalesce(-sum(balance_amount) filter (where balance_amount < 0), 0)
            as decimal(18, 2)) as credit_balance_amount

    from owed
    group by 1, 2, 3, 4, 5, 6, 7

)

select * from final
