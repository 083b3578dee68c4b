-- One row per client with dated activity: the first and last date on which anything happened
-- (a claim submitted, a remittance paid, a patient transaction posted) and the month spine
-- bounds the monthly KPIs and month-end snapshots use.

with

submissions as (

    select * from {{ ref('stg_edi_837__claims') }}

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}

),

patient_transactions as (

    select * from {{ ref('int_patient_transactions__attributed_to_claims') }}

),

activity as (

    select client_id, submission_date as activity_date from submissions
    union all
    select client_id, payment_date as activity_date from remittances
    union all
    select client_id, posting_date as activity_date from patient_transactions

),

final as (

    select
        client_id,
        min(activity_date) as first_activity_date,
        max(activity_date) as last_activity_date,
        cast(date_trunc('month', min(activity_date)) as date) as first_month_start_date,
        cast(date_trunc('month', max(activity_date)) as date) as last_month_start_date

    from activity
    where activity_date is not null
    group by 1

)

select * from final
