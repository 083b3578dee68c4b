-- One row per claim line with at least one remittance line matched to it: what each payer
-- paid and allowed on it net of reversals, its line-level adjustments by category, its denial
-- on the claim's first remittance, and the latest standing primary adjudication of the line
-- (the one an underpayment is judged on).

with

remittance_lines as (

    select * from {{ ref('int_remittance_lines__matched_to_claim_lines') }}
    where claim_line_id is not null

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}

),

first_remittances as (

    select * from {{ ref('int_claims__first_remittance_found') }}

),

adjustments as (

    select * from {{ ref('int_adjustments__categorized') }}
    where remittance_line_id is not null

),

line_adjustments as (

    select
        remittance_line_id,
        {% for category in var('adjustment_categories') -%}
        sum(case when adjustment_category = '{{ category }}' then adjustment_amount else 0 end)
            as {{ category }}_adjustment_amount,
        {% endfor -%}
        coalesce(bool_or(adjustment_category = 'denial' and adjustment_amount > 0), false)
            as carries_denial

    from adjustments
    group by 1

),

lines as (

    select
        remittance_lines.*,
        remittances.payment_date,
        remittances.payer_id,
        remittances.effective_payer_sequence,
        remittances.payer_sequence,
        remittances.is_reversal,
        remittances.is_reversed,
        remittances.is_duplicate_rejection,
        remittances.file_id,
        remittances.segment_index as remittance_segment_index,
        first_remittances.first_remittance_id is not null as is_on_first_remittance,
        {% for category in var('adjustment_categories') -%}
        coalesce(line_adjustments.{{ category }}_adjustment_amount, 0)
            as {{ category }}_adjustment_amount,
        {% endfor -%}
        coalesce(line_adjustments.carries_denial, false) as carries_denial,
        -- allowed: AMT*B6 when sent, else what the payer paid plus what it left to the patient
        -- and withheld for sequestration
        coalesce(
            remittance_lines.allowed_amount,
            remittance_lines.paid_amount
                + coalesce(line_adjustments.patient_responsibility_adjustment_amount, 0)
                + coalesce(line_adjustments.sequestration_adjustment_amount, 0)
        ) as line_allowed_amount

    from remittance_lines
    inner join remittances
        on remittance_lines.remittance_id = remittances.remittance_id
    left join first_remittances
        on remittance_lines.remittance_id = first_remittances.first_remittance_id
    left join line_adjustments
        on remittance_lines.remittance_line_id = line_adjustments.remittance_line_id

),

totals as (

    select
        claim_line_id,
        sum(paid_amount) as payer_paid_amount,
        sum(paid_amount) filter (where effective_payer_sequence = 'primary')
            as primary_paid_amount,
        sum(paid_amount) filter (where effective_payer_sequence in ('secondary', 'tertiary'))
            as secondary_paid_amount,
        sum(line_allowed_amount) filter (where effective_payer_sequence = 'primary')
            as allowed_amount,
        sum(patient_responsibility_adjustment_amount)
            filter (where effective_payer_sequence = 'primary')
            as patient_responsibility_amount,
        {% for category in var('adjustment_categories') -%}
        sum({{ category }}_adjustment_amount) as {{ category }}_adjustment_amount,
        {% endfor -%}
        sum(denial_adjustment_amount) filter (where effective_payer_sequence = 'primary')
            as net_denied_amount,
        coalesce(bool_or(carries_denial) filter (where is_on_first_remittance), false)
            as is_initially_denied,
        coalesce(sum(denial_adjustment_amount) filter (where is_on_first_remittance), 0)
            as initially_denied_amount,
        bool_or(is_on_first_remittance) as is_on_first_remittance

    from lines
    group by 1

),

latest_primary as (

    select
        claim_line_id,
        remittance_line_id as adjudicated_remittance_line_id,
        payment_date as adjudicated_date,
        payer_id as adjudicated_payer_id,
        hcpcs_code as adjudicated_hcpcs_code,
        paid_unit_count as adjudicated_unit_count,
        paid_amount as adjudicated_paid_amount,
        line_allowed_amount as adjudicated_allowed_amount,
        carries_denial as adjudicated_carries_denial

    from lines
    where payer_sequence = 'primary'
        and not is_reversal
        and not is_reversed
        and not is_duplicate_rejection
    qualify row_number() over (
        partition by claim_line_id
        order by payment_date desc, file_id desc, remittance_segment_index desc,
            remittance_line_id desc
    ) = 1

),

final as (

    select
        totals.claim_line_id,
        {% for column in ['payer_paid_amount', 'primary_paid_amount', 'secondary_paid_amount',
                          'allowed_amount', 'patient_responsibility_amount'] -%}
        cast(coalesce(totals.{{ column }}, 0) as decimal(18, 2)) as {{ column }},
        {% endfor -%}
        {% for category in var('adjustment_categories') -%}
        cast(totals.{{ category }}_adjustment_amount as decimal(18, 2))
            as {{ category }}_adjustment_amount,
        {% endfor -%}
        cast(coalesce(totals.net_denied_amount, 0) as decimal(18, 2)) as net_denied_amount,
        totals.is_initially_denied,
        cast(totals.initially_denied_amount as decimal(18, 2)) as initially_denied_amount,
        totals.is_on_first_remittance,
        latest_primary.adjudicated_remittance_line_id,
        latest_primary.adjudicated_date,
        latest_primary.adjudicated_payer_id,
        latest_primary.adjudicated_hcpcs_code,
        latest_primary.adjudicated_unit_count,
        latest_primary.adjudicated_paid_amount,
        cast(latest_primary.adjudicated_allowed_amount as decimal(18, 2))
            as adjudicated_allowed_amount,
        latest_primary.adjudicated_carries_denial

    from totals
    left join latest_primary
        on totals.claim_line_id = latest_primary.claim_line_id

)

select * from final
