with

latest as (

    {{ pm_latest_rows('pm_adjustments', ['adjustment_id']) }}

),

renamed as (

    select
        ---------- ids
        client_id,
        file_id,
        adjustment_id as pm_adjustment_id,
        patient_id,
        visit_id,
        nullif(trim(claim_id), '') as patient_control_number,

        ---------- codes
        adjustment_type,
        applies_to,

        ---------- numerics
        cast(amount as decimal(18, 2)) as adjustment_amount,

        ---------- dates
        posting_date

    from latest

)

select * from renamed
