with

source as (

    select * from {{ source('pm', 'pm_adjustments') }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        coalesce(nullif(trim(adjustment_id), ''), file_id || ':' || cast(row_number() over () as varchar))
            as pm_adjustment_id,
        nullif(trim(patient_id), '') as patient_id,
        nullif(trim(visit_id), '') as visit_id,
        nullif(trim(claim_id), '') as patient_control_number,

        ---------- codes
        lower(trim(adjustment_type)) as adjustment_type,
        lower(coalesce(nullif(trim(applies_to), ''), 'patient')) as applies_to,

        ---------- numerics
        cast(amount as decimal(18, 2)) as adjustment_amount,

        ---------- dates
        posting_date

    from source

)

select * from renamed
