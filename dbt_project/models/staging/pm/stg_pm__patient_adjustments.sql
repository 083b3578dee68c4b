with

source as (

    select * from {{ source('pm', 'pm_patient_adjustments') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        coalesce(adjustment_id, file_id || ':' || cast(row_number() over () as varchar))
            as patient_adjustment_id,
        patient_pseudonym,
        nullif(trim(patient_control_number), '') as patient_control_number,
        visit_id,

        ---------- codes
        reason as adjustment_reason,

        ---------- numerics
        cast(amount as decimal(18, 2)) as adjustment_amount,

        ---------- dates
        posting_date

    from source

)

select * from renamed
