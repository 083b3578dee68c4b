-- One row per 835 claim payment with the claim it answers (docs/metrics.md, "Remittance"):
-- CLP01 = the CLM01 of one of the claim's submissions (the original's, as the TR3 asks, or a
-- replacement's that carried its own); else CLP07 = the REF*F8 of one of the claim's
-- replacements or voids; else CLP07 = a payer claim number the claim already received.

with

remittances as (

    select * from {{ ref('int_remittances__sequenced') }}

),

submissions as (

    select * from {{ ref('int_claim_submissions__linked') }}
    where claim_id is not null

),

control_numbers as (

    select distinct
        client_id,
        patient_control_number,
        claim_id,
        submission_kind = 'original' as is_original

    from submissions

),

by_patient_control_number as (

    select
        remittances.remittance_id,
        control_numbers.claim_id

    from remittances
    inner join control_numbers
        on remittances.client_id = control_numbers.client_id
        and remittances.patient_control_number = control_numbers.patient_control_number
    qualify row_number() over (
        partition by remittances.remittance_id
        order by control_numbers.is_original desc, control_numbers.claim_id
    ) = 1

),

payer_claim_numbers_on_submissions as (

    select distinct
        client_id,
        payer_claim_control_number,
        claim_id

    from submissions
    where payer_claim_control_number is not null

),

payer_claim_numbers_on_remittances as (

    select distinct
        remittances.client_id,
        remittances.payer_claim_control_number,
        by_patient_control_number.claim_id

    from by_patient_control_number
    inner join remittances
        on by_patient_control_number.remittance_id = remittances.remittance_id
    where remittances.payer_claim_control_number is not null

),

unmatched as (

    select remittances.*
    from remittances
    anti join by_patient_control_number
        on remittances.remittance_id = by_patient_control_number.remittance_id

),

by_payer_claim_number as (

    select
        unmatched.remittance_id,
        coalesce(on_submissions.claim_id, on_remittances.claim_id) as claim_id,
        case when on_submissions.claim_id is not null
            then 'replacement_payer_claim_number' else 'earlier_payer_claim_number'
        end as match_method

    from unmatched
    left join payer_claim_numbers_on_submissions as on_submissions
        on unmatched.client_id = on_submissions.client_id
        and unmatched.payer_claim_control_number = on_submissions.payer_claim_control_number
    left join payer_claim_numbers_on_remittances as on_remittances
        on unmatched.client_id = on_remittances.client_id
        and unmatched.payer_claim_control_number = on_remittances.payer_claim_control_number
    where coalesce(on_submissions.claim_id, on_remittances.claim_id) is not null
    qualify row_number() over (
        partition by unmatched.remittance_id
        order by on_submissions.claim_id nulls last, on_remittances.claim_id
    ) = 1

),

final as (

    select
        remittances.remittance_id,
        remittances.payment_id,
        remittances.client_id,
        remittances.file_id,
        remittances.segment_index,
        remittances.patient_control_number,
        remittances.payer_claim_control_number,
        remittances.payer_id,
        remittances.payer_name,
        remittances.claim_status_code,
        remittances.claim_filing_indicator_code,
        remittances.claim_frequency_code,
        remittances.payer_sequence,
        remittances.effective_payer_sequence,
        remittances.claim_charge_amount,
        remittances.claim_payment_amount,
        remittances.patient_responsibility_amount,
        remittances.denied_amount,
        remittances.statement_from_date,
        remittances.payment_date,
        remittances.is_reversal,
        remittances.is_reversed,
        remittances.is_reversed_by_rework,
        remittances.reversal_remittance_id,
        remittances.reversed_remittance_id,
        remittances.carries_denial,
        remittances.is_duplicate_rejection,
        remittances.is_primary_adjudication,
        coalesce(by_patient_control_number.claim_id, by_payer_claim_number.claim_id)
            as claim_id,
        case
            when by_patient_control_number.claim_id is not null then 'patient_control_number'
            when by_payer_claim_number.claim_id is not null
                then by_payer_claim_number.match_method
            else 'unmatched'
        end as claim_match_method

    from remittances
    left join by_patient_control_number
        on remittances.remittance_id = by_patient_control_number.remittance_id
    left join by_payer_claim_number
        on remittances.remittance_id = by_payer_claim_number.remittance_id

)

select * from final
