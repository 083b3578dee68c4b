-- One row per client per calendar month, from the client's first to its last month of
-- activity: every monthly KPI of docs/metrics.md, each on its own date basis (submission,
-- first remittance, first payment, payment, posting or service date, or month end).

with

clients as (

    select * from {{ ref('int_clients__activity_spanned') }}

),

claims as (

    select * from {{ ref('fct_claims') }}

),

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}

),

adjustments as (

    select * from {{ ref('int_adjustments__categorized') }}

),

provider_adjustments as (

    select * from {{ ref('stg_edi_835__provider_adjustments') }}

),

payments as (

    select * from {{ ref('stg_edi_835__payments') }}

),

patient_transactions as (

    select * from {{ ref('int_patient_transactions__attributed_to_claims') }}

),

balances as (

    select * from {{ ref('int_claim_balances__snapshotted_month_end') }}

),

month_spine as (

    select
        client_id,
        cast(unnest(generate_series(
            first_month_start_date, last_month_start_date, interval 1 month
        )) as date) as month_start_date

    from clients

),

submitted as (

    select
        client_id,
        cast(date_trunc('month', submission_date) as date) as month_start_date,
        count(*) as claims_submitted_count,
        sum(original_billed_amount) as billed_amount,
        avg(charge_lag_days) as charge_lag_days

    from claims
    group by 1, 2

),

adjudicated as (

    select
        client_id,
        cast(date_trunc('month', first_remittance_date) as date) as month_start_date,
        count(*) as claims_adjudicated_count,
        count(*) filter (where is_initially_denied) as claims_initially_denied_count,
        count(*) filter (where is_first_pass) as claims_first_pass_count,
        count(*) filter (where is_finally_denied) as claims_finally_denied_count,
        sum(initially_denied_amount) as initially_denied_amount,
        sum(finally_denied_amount) as finally_denied_amount,
        sum(first_remittance_charge_amount) as first_remittance_charge_amount,
        avg(days_to_first_remit) as days_to_first_remit

    from claims
    where first_remittance_date is not null
    group by 1, 2

),

first_paid as (

    select
        client_id,
        cast(date_trunc('month', first_payment_date) as date) as month_start_date,
        avg(days_to_payment) as days_to_payment

    from claims
    where first_payment_date is not null
    group by 1, 2

),

remittance_money as (

    select
        client_id,
        cast(date_trunc('month', payment_date) as date) as month_start_date,
        sum(claim_payment_amount) as payer_paid_amount,
        sum(claim_payment_amount + patient_responsibility_amount)
            filter (where effective_payer_sequence = 'primary') as allowed_amount,
        sum(patient_responsibility_amount) filter (where effective_payer_sequence = 'primary')
            as patient_responsibility_amount

    from remittances
    where payment_date is not null
    group by 1, 2

),

adjustment_money as (

    select
        remittances.client_id,
        cast(date_trunc('month', remittances.payment_date) as date) as month_start_date,
        {% for category in var('adjustment_categories') -%}
        sum(case when adjustments.adjustment_category = '{{ category }}'
            then adjustments.adjustment_amount else 0 end) as {{ category }}_adjustment_amount
        {%- if not loop.last %},{% endif %}
        {% endfor %}

    from adjustments
    inner join remittances
        on adjustments.remittance_id = remittances.remittance_id
    where remittances.payment_date is not null
    group by 1, 2

),

provider_level as (

    select
        payments.client_id,
        cast(date_trunc('month', payments.payment_date) as date) as month_start_date,
        sum(provider_adjustments.adjustment_amount) as provider_adjustment_amount

    from provider_adjustments
    inner join payments
        on provider_adjustments.payment_id = payments.payment_id
    where payments.payment_date is not null
    group by 1, 2

),

patient_money as (

    select
        client_id,
        cast(date_trunc('month', posting_date) as date) as month_start_date,
        sum(transaction_amount) filter (where transaction_kind = 'payment')
            as patient_paid_amount,
        sum(transaction_amount) filter (where transaction_kind = 'write_off')
            as patient_write_off_amount

    from patient_transactions
    where posting_date is not null
    group by 1, 2

),

collection_cohorts as (

    select
        client_id,
        cast(date_trunc('month', service_date) as date) as month_start_date,
        sum(payer_paid_amount + patient_paid_amount) as collected_amount,
        sum(billed_amount) as cohort_billed_amount,
        sum(billed_amount - contractual_adjustment_amount - sequestration_adjustment_amount)
            as cohort_adjusted_charges_amount

    from claims
    where not is_voided
        and service_date is not null
    group by 1, 2

),

month_end_ar as (

    select
        client_id,
        month_start_date,
        sum(balance_amount) filter (where balance_amount > 0) as ar_amount,
        sum(balance_amount) filter (where balance_amount > 0 and ar_responsibility = 'insurance')
            as ar_insurance_amount,
        sum(balance_amount) filter (where balance_amount > 0 and ar_responsibility = 'patient')
            as ar_patient_amount,
        {% for bucket in ['0_30', '31_60', '61_90', '91_120', 'over_120'] -%}
        sum(balance_amount) filter (where balance_amount > 0 and aging_bucket = '{{ bucket }}')
            as ar_{{ bucket }}_amount,
        {% endfor -%}
        -sum(balance_amount) filter (where balance_amount < 0) as credit_balance_amount

    from balances
    group by 1, 2

),

trailing_charges as (

    select
        month_spine.client_id,
        month_spine.month_start_date,
        sum(claims.original_billed_amount) as trailing_90_day_billed_amount

    from month_spine
    inner join claims
        on month_spine.client_id = claims.client_id
        and claims.submission_date
            > cast(month_spine.month_start_date + interval 1 month - interval 1 day as date) - 90
        and claims.submission_date
            <= cast(month_spine.month_start_date + interval 1 month - interval 1 day as date)
    group by 1, 2

),

underpayments as (

    select
        client_id,
        cast(date_trunc('month', adjudicated_date) as date) as month_start_date,
        count(*) filter (where is_underpaid) as underpaid_line_count,
        sum(underpaid_amount) as underpaid_amount,
        count(*) filter (where is_below_usual_amount) as below_usual_line_count,
        sum(below_usual_amount) as below_usual_amount

    from claim_lines
    where adjudicated_date is not null
    group by 1, 2

),

final as (

    select
        month_spine.client_id,
        month_spine.month_start_date,
        strftime(month_spine.month_start_date, '%Y-%m') as month,
        cast(month_spine.month_start_date + interval 1 month - interval 1 day as date)
            as month_end_date,

        ---------- submission date basis
        coalesce(submitted.claims_submitted_count, 0) as claims_submitted_count,
        cast(coalesce(submitted.billed_amount, 0) as decimal(18, 2)) as billed_amount,
        submitted.charge_lag_days,

        ---------- first remittance date basis
        coalesce(adjudicated.claims_adjudicated_count, 0) as claims_adjudicated_count,
        coalesce(adjudicated.claims_initially_denied_count, 0) as claims_initially_denied_count,
        {{ safe_divide('adjudicated.claims_initially_denied_count',
                       'adjudicated.claims_adjudicated_count') }} as initial_denial_rate,
        {{ safe_divide('adjudicated.initially_denied_amount',
                       'adjudicated.first_remittance_charge_amount') }}
            as initial_denial_rate_amount,
        coalesce(adjudicated.claims_first_pass_count, 0) as claims_first_pass_count,
        {{ safe_divide('adjudicated.claims_first_pass_count',
                       'adjudicated.claims_adjudicated_count') }} as first_pass_rate,
        coalesce(adjudicated.claims_finally_denied_count, 0) as claims_finally_denied_count,
        {{ safe_divide('adjudicated.claims_finally_denied_count',
                       'adjudicated.claims_adjudicated_count') }} as final_denial_rate,
        {{ safe_divide('adjudicated.finally_denied_amount',
                       'adjudicated.first_remittance_charge_amount') }}
            as final_denial_rate_amount,
        adjudicated.days_to_first_remit,

        ---------- first payment date basis
        first_paid.days_to_payment,

        ---------- payment date basis
        cast(coalesce(remittance_money.payer_paid_amount, 0) as decimal(18, 2))
            as payer_paid_amount,
        cast(coalesce(remittance_money.allowed_amount, 0) as decimal(18, 2)) as allowed_amount,
        cast(coalesce(remittance_money.patient_responsibility_amount, 0) as decimal(18, 2))
            as patient_responsibility_amount,
        {% for category in var('adjustment_categories') -%}
        cast(coalesce(adjustment_money.{{ category }}_adjustment_amount, 0) as decimal(18, 2))
            as {{ category }}_adjustment_amount,
        {% endfor -%}
        cast(coalesce(provider_level.provider_adjustment_amount, 0) as decimal(18, 2))
            as provider_adjustment_amount,
        coalesce(underpayments.underpaid_line_count, 0) as underpaid_line_count,
        cast(coalesce(underpayments.underpaid_amount, 0) as decimal(18, 2)) as underpaid_amount,
        coalesce(underpayments.below_usual_line_count, 0) as below_usual_line_count,
        cast(coalesce(underpayments.below_usual_amount, 0) as decimal(18, 2))
            as below_usual_amount,

        ---------- posting date basis
        cast(coalesce(patient_money.patient_paid_amount, 0) as decimal(18, 2))
            as patient_paid_amount,
        cast(coalesce(patient_money.patient_write_off_amount, 0) as decimal(18, 2))
            as patient_write_off_amount,

        ---------- service date cohort, as of the client's last activity date
        {{ safe_divide('collection_cohorts.collected_amount',
                       'collection_cohorts.cohort_adjusted_charges_amount') }}
            as net_collection_rate,
        {{ safe_divide('collection_cohorts.collected_amount',
                       'collection_cohorts.cohort_billed_amount') }}
            as gross_collection_rate,
        datediff('day',
            cast(month_spine.month_start_date + interval 1 month - interval 1 day as date),
            clients.last_activity_date) >= 90 as is_collection_cohort_mature,

        ---------- month end
        cast(coalesce(month_end_ar.ar_amount, 0) as decimal(18, 2)) as ar_amount,
        cast(coalesce(month_end_ar.ar_insurance_amount, 0) as decimal(18, 2))
            as ar_insurance_amount,
        cast(coalesce(month_end_ar.ar_patient_amount, 0) as decimal(18, 2)) as ar_patient_amount,
        {% for bucket in ['0_30', '31_60', '61_90', '91_120', 'over_120'] -%}
        cast(coalesce(month_end_ar.ar_{{ bucket }}_amount, 0) as decimal(18, 2))
            as ar_{{ bucket }}_amount,
        {% endfor -%}
        cast(coalesce(month_end_ar.credit_balance_amount, 0) as decimal(18, 2))
            as credit_balance_amount,
        {{ safe_divide('coalesce(month_end_ar.ar_91_120_amount, 0)'
                       ' + coalesce(month_end_ar.ar_over_120_amount, 0)',
                       'month_end_ar.ar_amount') }} as ar_over_90_share,
        cast(coalesce(trailing_charges.trailing_90_day_billed_amount, 0) as decimal(18, 2))
            as trailing_90_day_billed_amount,
        {{ safe_divide('coalesce(month_end_ar.ar_amount, 0)',
                       'trailing_charges.trailing_90_day_billed_amount / 90.0') }}
            as days_in_ar

    from month_spine
    inner join clients
        on month_spine.client_id = clients.client_id
    left join submitted
        on month_spine.client_id = submitted.client_id
        and month_spine.month_start_date = submitted.month_start_date
    left join adjudicated
        on month_spine.client_id = adjudicated.client_id
        and month_spine.month_start_date = adjudicated.month_start_date
    left join first_paid
        on month_spine.client_id = first_paid.client_id
        and month_spine.month_start_date = first_paid.month_start_date
    left join remittance_money
        on month_spine.client_id = remittance_money.client_id
        and month_spine.month_start_date = remittance_money.month_start_date
    left join adjustment_money
        on month_spine.client_id = adjustment_money.client_id
        and month_spine.month_start_date = adjustment_money.month_start_date
    left join provider_level
        on month_spine.client_id = provider_level.client_id
        and month_spine.month_start_date = provider_level.month_start_date
    left join underpayments
        on month_spine.client_id = underpayments.client_id
        and month_spine.month_start_date = underpayments.month_start_date
    left join patient_money
        on month_spine.client_id = patient_money.client_id
        and month_spine.month_start_date = patient_money.month_start_date
    left join collection_cohorts
        on month_spine.client_id = collection_cohorts.client_id
        and month_spine.month_start_date = collection_cohorts.month_start_date
    left join month_end_ar
        on month_spine.client_id = month_end_ar.client_id
        and month_spine.month_start_date = month_end_ar.month_start_date
    left join trailing_charges
        on month_spine.client_id = trailing_charges.client_id
        and month_spine.month_start_date = trailing_charges.month_start_date

)

select * from final
