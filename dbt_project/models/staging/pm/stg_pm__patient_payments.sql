with

source as (

    select * from {{ source('pm', 'pm_patient_payments') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        coalesce(payment_id, file_id || ':' || cast(row_number() over () as varchar))
            as patient_payment_id,
        patient_pseudonym,
        nullif(trim(patient_control_number), '') as patient_control_number,
        visit_id,

        ---------- codes
        payment_method,

        ---------- numerics
        cast(amount as decimal(18, 2)) as payment_amount,

        ---------- dates
        posting_date

    from source

)

select * from renamed
