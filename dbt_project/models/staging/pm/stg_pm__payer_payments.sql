with

latest as (

    {{ pm_latest_rows('pm_payer_payments', ['payment_id']) }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        payment_id as payer_payment_id,
        patient_id,
        visit_id,
        charge_id,
        nullif(trim(claim_id), '') as patient_control_number,
        nullif(trim(check_number), '') as check_number,

        ---------- parties
        nullif(trim(payer_id), '') as payer_id,

        ---------- numerics
        cast(amount as decimal(18, 2)) as payment_amount,

        ---------- dates
        posting_date

    from latest

)

select * from renamed
