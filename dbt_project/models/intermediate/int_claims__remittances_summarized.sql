-- One row per claim with at least one matched remittance: what each payer paid, allowed and
-- left to the patient, net of reversals (a reversal counts for the payer of the remittance
-- it reverses), adjustments by category, net denied dollars and the claim's latest
-- adjudication (docs/metrics.md, "Reversal netting").

with

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}
    where claim_id is not null

),

adjustments as (

    select * from {{ ref('int_adjustments__categorized') }}

),

adjustment_totals as (

    select
        remittances.claim_id,
        {% for category in var('adjustment_categories') -%}
        sum(case when adjustments.adjustment_category = '{{ category }}'
            then adjustments.adjustment_amount else 0 end) as {{ category }}_adjustment_amount,
        {% endfor -%}
        sum(case when adjustments.adjustment_category = 'denial'
                and remittances.effective_payer_sequence = 'primary'
            then adjustments.adjustment_amount else 0 end) as net_denied_amount

    from adjustments
    inner join remittances
        on adjustments.remittance_id = remittances.remittance_id
    group by 1

),

payer_totals as (

    select
        claim_id,
        sum(claim_payment_amount) as payer_paid_amount,
        sum(claim_payment_amount) filter (where effective_payer_sequence = 'primary')
            as primary_paid_amount,
        sum(claim_payment_amount) filter (where effective_payer_sequence = 'secondary')
            as secondary_paid_amount,
        sum(claim_payment_amount) filter (where effective_payer_sequence = 'tertiary')
            as tertiary_paid_amount,
        sum(claim_payment_amount + patient_responsibility_amount)
            filter (where effective_payer_sequence = 'primary') as allowed_amount,
        sum(patient_responsibility_amount) filter (where effective_payer_sequence = 'primary')
            as patient_responsibility_amount,
        sum(patient_responsibility_amount)
            filter (where effective_payer_sequence = 'secondary')
            as secondary_patient_responsibility_amount,
        sum(patient_responsibility_amount)
            filter (where effective_payer_sequence = 'tertiary')
            as tertiary_patient_responsibility_amount,
        -- standing adjudications: remittances minus the reversals that cancel them
        sum(case
            when is_duplicate_rejection then 0
            when is_reversal then -1
            else 1
        end) filter (where effective_payer_sequence = 'primary') as standing_primary_count,
        sum(case when is_reversal then -1 else 1 end)
            filter (where effective_payer_sequence = 'secondary') as standing_secondary_count,
        sum(case when is_reversal then -1 else 1 end)
            filter (where effective_payer_sequence = 'tertiary') as standing_tertiary_count,
        bool_or(claim_status_code = '19') as was_forwarded_by_primary,
        min(payment_date) filter (where payer_sequence in ('secondary', 'tertiary'))
            as first_secondary_remittance_date,
        max(payment_date) as last_remittance_date,
        count(*) as remittance_count,
        count(*) filter (where is_reversal) as reversal_count,
        count(*) filter (where is_duplicate_rejection) as duplicate_rejection_count

    from remittances
    group by 1

),

latest_primary as (

    select
        claim_id,
        claim_status_code as latest_claim_status_code,
        carries_denial as latest_carries_denial,
        payment_date as latest_adjudication_date

    from remittances
    where payer_sequence = 'primary'
        and not is_reversed
        and not is_duplicate_rejection
    qualify row_number() over (
        partition by claim_id
        order by payment_date desc, file_id desc, segment_index desc
    ) = 1

),

final as (

    select
        payer_totals.claim_id,
        cast(payer_totals.payer_paid_amount as decimal(18, 2)) as payer_paid_amount,
        cast(coalesce(payer_totals.primary_paid_amount, 0) as decimal(18, 2))
            as primary_paid_amount,
        cast(coalesce(payer_totals.secondary_paid_amount, 0) as decimal(18, 2))
            as secondary_paid_amount,
        cast(coalesce(payer_totals.tertiary_paid_amount, 0) as decimal(18, 2))
            as tertiary_paid_amount,
        cast(coalesce(payer_totals.allowed_amount, 0) as decimal(18, 2)) as allowed_amount,
        cast(coalesce(payer_totals.patient_responsibility_amount, 0) as decimal(18, 2))
            as patient_responsibility_amount,
        cast(case
            when coalesce(payer_totals.standing_tertiary_count, 0) > 0
                then payer_totals.tertiary_patient_responsibility_amount
            when coalesce(payer_totals.standing_secondary_count, 0) > 0
                then payer_totals.secondary_patient_responsibility_amount
            else coalesce(payer_totals.patient_responsibility_amount, 0)
        end as decimal(18, 2)) as remaining_patient_responsibility_amount,
        {% for category in var('adjustment_categories') -%}
        cast(coalesce(adjustment_totals.{{ category }}_adjustment_amount, 0) as decimal(18, 2))
            as {{ category }}_adjustment_amount,
        {% endfor -%}
        cast(coalesce(adjustment_totals.net_denied_amount, 0) as decimal(18, 2))
            as net_denied_amount,
        coalesce(payer_totals.standing_primary_count, 0) > 0 as has_primary_adjudication,
        coalesce(payer_totals.standing_secondary_count, 0)
            + coalesce(payer_totals.standing_tertiary_count, 0) > 0
            as has_secondary_adjudication,
        coalesce(payer_totals.was_forwarded_by_primary, false) as was_forwarded_by_primary,
        payer_totals.first_secondary_remittance_date,
        payer_totals.last_remittance_date,
        payer_totals.remittance_count,
        payer_totals.reversal_count,
        payer_totals.duplicate_rejection_count,
        latest_primary.latest_claim_status_code,
        coalesce(latest_primary.latest_carries_denial, false) as latest_carries_denial,
        latest_primary.latest_adjudication_date

    from payer_totals
    left join adjustment_totals
        on payer_totals.claim_id = adjustment_totals.claim_id
    left join latest_primary
        on payer_totals.claim_id = latest_primary.claim_id

)

select * from final
