with

source as (

    select * from {{ source('pm', 'pm_patient_payments') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        coalesce(nullif(trim(payment_id), ''), file_id || ':' || cast(row_number() over () as varchar))
            as patient_payment_id,
        nullif(trim(patient_id), '') as patient_id,
        nullif(trim(visit_id), '') as visit_id,
        nullif(trim(claim_id), '') as patient_control_number,

        ---------- codes
        method as payment_method,

        ---------- numerics
        cast(amount as decimal(18, 2)) as payment_amount,

        ---------- dates
        posting_date

    from source

)

select * from renamed
