-- One row per claim (its original submission and everything that followed): first-pass
-- outcome, final status, billed, allowed, paid by payer order, patient responsibility,
-- adjustments by category, patient payments, balance and timing (docs/metrics.md).

with

originals as (

    select * from {{ ref('int_claims__originals_identified') }}

),

versions as (

    select * from {{ ref('int_claims__versions_resolved') }}

),

first_remittances as (

    select * from {{ ref('int_claims__first_remittance_found') }}

),

remittance_totals as (

    select * from {{ ref('int_claims__remittances_summarized') }}

),

payers as (

    select * from {{ ref('int_payers__classified') }}

),

patient_transactions as (

    select * from {{ ref('int_patient_transactions__attributed_to_claims') }}
    where claim_id is not null

),

events as (

    select * from {{ ref('int_claim_events__unioned') }}

),

patient_totals as (

    select
        claim_id,
        sum(transaction_amount) filter (where transaction_kind = 'payment')
            as patient_paid_amount,
        sum(transaction_amount) filter (where transaction_kind = 'write_off')
            as patient_write_off_amount

    from patient_transactions
    group by 1

),

balances as (

    select
        claim_id,
        sum(balance_delta_amount) as balance_amount

    from events
    group by 1

),

joined as (

    select
        originals.*,
        versions.current_submission_id,
        versions.billed_amount as current_billed_amount,
        versions.replacement_count,
        versions.first_replacement_date,
        versions.resend_count,
        versions.is_voided,
        versions.voided_date,
        versions.secondary_submission_date,
        coalesce(versions.secondary_payer_id, originals.other_payer_id) as secondary_payer_id,
        payers.payer_class,
        first_remittances.first_remittance_id,
        first_remittances.first_remittance_date,
        first_remittances.first_claim_status_code,
        first_remittances.first_remittance_charge_amount,
        first_remittances.first_remittance_paid_amount,
        first_remittances.first_remittance_denied_amount,
        first_remittances.is_initially_denied,
        first_remittances.is_first_pass,
        first_remittances.first_payment_date,
        remittance_totals.payer_paid_amount,
        remittance_totals.primary_paid_amount,
        remittance_totals.secondary_paid_amount,
        remittance_totals.tertiary_paid_amount,
        remittance_totals.allowed_amount,
        remittance_totals.patient_responsibility_amount,
        remittance_totals.remaining_patient_responsibility_amount,
        {% for category in var('adjustment_categories') -%}
        remittance_totals.{{ category }}_adjustment_amount,
        {% endfor -%}
        remittance_totals.net_denied_amount,
        remittance_totals.has_primary_adjudication,
        remittance_totals.has_secondary_adjudication,
        remittance_totals.was_forwarded_by_primary,
        remittance_totals.first_secondary_remittance_date,
        remittance_totals.last_remittance_date,
        remittance_totals.remittance_count,
        remittance_totals.reversal_count,
        remittance_totals.duplicate_rejection_count,
        remittance_totals.latest_claim_status_code,
        remittance_totals.latest_carries_denial,
        patient_totals.patient_paid_amount,
        patient_totals.patient_write_off_amount,
        balances.balance_amount

    from originals
    inner join versions
        on originals.claim_id = versions.claim_id
    left join payers
        on originals.payer_id = payers.payer_id
    left join first_remittances
        on originals.claim_id = first_remittances.claim_id
    left join remittance_totals
        on originals.claim_id = remittance_totals.claim_id
    left join patient_totals
        on originals.claim_id = patient_totals.claim_id
    left join balances
        on originals.claim_id = balances.claim_id

),

final as (

    select
        ---------- ids
        claim_id,
        client_id,
        patient_control_number,
        original_submission_id,
        current_submission_id,
        first_remittance_id,
        patient_pseudonym,
        member_pseudonym,
        payer_id,
        coalesce(payer_class, 'other') as payer_class,
        secondary_payer_id,
        billing_provider_npi,
        rendering_provider_npi,

        ---------- codes
        claim_filing_indicator_code,
        place_of_service_code,
        first_claim_status_code,
        latest_claim_status_code,
        case
            when is_voided then 'voided'
            when not coalesce(has_primary_adjudication, false) then 'unadjudicated'
            when net_denied_amount > 0 and coalesce(payer_paid_amount, 0) <= 0 then 'denied'
            when net_denied_amount > 0 then 'partially_denied'
            when payer_paid_amount > 0 then 'paid'
            when allowed_amount > 0 then 'patient_responsibility'
            else 'zero_paid'
        end as final_status,

        ---------- flags
        first_remittance_id is not null as is_adjudicated,
        coalesce(is_initially_denied, false) as is_initially_denied,
        coalesce(is_first_pass, false) as is_first_pass,
        coalesce(net_denied_amount, 0) > 0 as is_finally_denied,
        is_voided,
        has_other_coverage,
        coalesce(has_secondary_adjudication, false) as has_secondary_adjudication,
        coalesce(was_forwarded_by_primary, false) as was_forwarded_by_primary,

        ---------- counts
        line_count,
        replacement_count,
        resend_count,
        coalesce(remittance_count, 0) as remittance_count,
        coalesce(reversal_count, 0) as reversal_count,
        coalesce(duplicate_rejection_count, 0) as duplicate_rejection_count,

        ---------- money
        billed_amount as original_billed_amount,
        current_billed_amount as billed_amount,
        first_remittance_charge_amount,
        first_remittance_paid_amount,
        cast(coalesce(first_remittance_denied_amount, 0) as decimal(18, 2))
            as initially_denied_amount,
        coalesce(net_denied_amount, 0) as finally_denied_amount,
        coalesce(payer_paid_amount, 0) as payer_paid_amount,
        coalesce(primary_paid_amount, 0) as primary_paid_amount,
        coalesce(secondary_paid_amount, 0) as secondary_paid_amount,
        coalesce(tertiary_paid_amount, 0) as tertiary_paid_amount,
        coalesce(allowed_amount, 0) as allowed_amount,
        coalesce(patient_responsibility_amount, 0) as patient_responsibility_amount,
        coalesce(remaining_patient_responsibility_amount, 0)
            as remaining_patient_responsibility_amount,
        {% for category in var('adjustment_categories') -%}
        coalesce({{ category }}_adjustment_amount, 0) as {{ category }}_adjustment_amount,
        {% endfor -%}
        cast(coalesce(patient_paid_amount, 0) as decimal(18, 2)) as patient_paid_amount,
        cast(coalesce(patient_write_off_amount, 0) as decimal(18, 2))
            as patient_write_off_amount,
        cast(case when is_voided then 0 else balance_amount end as decimal(18, 2))
            as balance_amount,

        ---------- dates
        service_date,
        service_end_date,
        submission_date,
        first_replacement_date,
        voided_date,
        secondary_submission_date,
        first_remittance_date,
        first_payment_date,
        first_secondary_remittance_date,
        last_remittance_date,

        ---------- durations
        datediff('day', service_date, submission_date) as charge_lag_days,
        datediff('day', submission_date, first_remittance_date) as days_to_first_remit,
        datediff('day', submission_date, first_payment_date) as days_to_payment

    from joined

)

select * from final
