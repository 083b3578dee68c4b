with

latest as (

    {{ pm_latest_rows('pm_patient_payments', ['payment_id']) }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        payment_id as patient_payment_id,
        patient_id,
        visit_id,
        nullif(trim(claim_id), '') as patient_control_number,

        ---------- codes
        method as payment_method,

        ---------- numerics
        cast(amount as decimal(18, 2)) as payment_amount,

        ---------- dates
        posting_date

    from latest

)

select * from renamed
