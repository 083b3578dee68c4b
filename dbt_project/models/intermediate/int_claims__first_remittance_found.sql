-- One row per claim that has been adjudicated: its first remittance, i.e. the earliest
-- primary adjudication not cancelled by a reversal (docs/metrics.md, "First remittance").

with

remittances as (

    select * from {{ ref('int_remittances__sequenced') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by client_id, patient_control_number
            order by payment_date, file_id, segment_index
        ) as adjudication_rank

    from remittances
    where is_primary_adjudication

),

final as (

    select
        client_id,
        patient_control_number,
        remittance_id as first_remittance_id,
        payment_date as first_remittance_date,
        claim_status_code as first_claim_status_code,
        claim_charge_amount as first_remittance_charge_amount,
        claim_payment_amount as first_remittance_paid_amount,
        denied_amount as first_remittance_denied_amount,
        carries_denial as is_initially_denied

    from ranked
    where adjudication_rank = 1

)

select * from final
