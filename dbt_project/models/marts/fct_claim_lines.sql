-- One row per service line of each claim's current version: what was billed, what each payer
-- paid and allowed on it net of reversals, its line-level adjustments, its denial on the
-- first remittance, and what the payer should have allowed (contract or fee schedule) and
-- usually allows (docs/metrics.md, "Underpayments").

with

claim_lines as (

    select * from {{ ref('int_claim_lines__current_version_selected') }}

),

adjudications as (

    select * from {{ ref('int_claim_lines__adjudications_summarized') }}

),

expected as (

    select * from {{ ref('int_claim_lines__expected_allowed_priced') }}

),

claims as (

    select * from {{ ref('int_claims__originals_identified') }}

),

joined as (

    select
        claim_lines.*,
        claims.patient_control_number,
        expected.payer_id,
        expected.payer_class,
        expected.mppr_role,
        expected.applies_assistant_reduction,
        expected.expected_allowed_basis,
        expected.payer_rate,
        expected.medicare_allowed_amount,
        expected.expected_allowed_amount,
        expected.usual_allowed_amount,
        adjudications.payer_paid_amount,
        adjudications.primary_paid_amount,
        adjudications.secondary_paid_amount,
        adjudications.allowed_amount,
        adjudications.patient_responsibility_amount,
        {% for category in var('adjustment_categories') -%}
        adjudications.{{ category }}_adjustment_amount,
        {% endfor -%}
        adjudications.net_denied_amount,
        adjudications.is_initially_denied,
        adjudications.initially_denied_amount,
        adjudications.adjudicated_date,
        adjudications.adjudicated_hcpcs_code,
        adjudications.adjudicated_unit_count,
        adjudications.adjudicated_paid_amount,
        adjudications.adjudicated_allowed_amount,
        coalesce(adjudications.adjudicated_carries_denial, false) as adjudicated_carries_denial

    from claim_lines
    inner join claims
        on claim_lines.claim_id = claims.claim_id
    left join expected
        on claim_lines.claim_line_id = expected.claim_line_id
    left join adjudications
        on claim_lines.claim_line_id = adjudications.claim_line_id

),

flagged as (

    select
        *,
        adjudicated_allowed_amount is not null
            and not adjudicated_carries_denial
            and expected_allowed_amount is not null
            and expected_allowed_amount - adjudicated_allowed_amount > greatest(
                {{ var('underpayment_tolerance_amount') }},
                expected_allowed_amount * {{ var('underpayment_tolerance_share') }}
            ) as is_underpaid,
        adjudicated_allowed_amount is not null
            and not adjudicated_carries_denial
            and usual_allowed_amount is not null
            and adjudicated_allowed_amount < usual_allowed_amount * {{ var('below_usual_share') }}
            as is_below_usual_amount

    from joined

),

final as (

    select
        ---------- ids
        claim_line_id,
        claim_id,
        client_id,
        patient_control_number,
        claim_line_number,
        line_item_control_number,
        payer_id,
        coalesce(payer_class, 'other') as payer_class,
        rendering_provider_npi,

        ---------- codes
        hcpcs_code,
        hcpcs_modifier_1,
        hcpcs_modifier_2,
        hcpcs_modifier_3,
        hcpcs_modifier_4,
        place_of_service_code,
        adjudicated_hcpcs_code,
        mppr_role,
        expected_allowed_basis,

        ---------- flags
        is_assistant_service,
        coalesce(applies_assistant_reduction, false) as applies_assistant_reduction,
        adjudicated_date is not null as is_adjudicated,
        coalesce(is_initially_denied, false) as is_initially_denied,
        coalesce(net_denied_amount, 0) > 0 as is_finally_denied,
        is_underpaid,
        is_below_usual_amount,

        ---------- quantities
        service_unit_count,
        adjudicated_unit_count,
        payer_rate,

        ---------- money
        charge_amount,
        coalesce(payer_paid_amount, 0) as payer_paid_amount,
        coalesce(primary_paid_amount, 0) as primary_paid_amount,
        coalesce(secondary_paid_amount, 0) as secondary_paid_amount,
        coalesce(allowed_amount, 0) as allowed_amount,
        coalesce(patient_responsibility_amount, 0) as patient_responsibility_amount,
        {% for category in var('adjustment_categories') -%}
        coalesce({{ category }}_adjustment_amount, 0) as {{ category }}_adjustment_amount,
        {% endfor -%}
        coalesce(initially_denied_amount, 0) as initially_denied_amount,
        coalesce(net_denied_amount, 0) as finally_denied_amount,
        adjudicated_paid_amount,
        adjudicated_allowed_amount,
        medicare_allowed_amount,
        expected_allowed_amount,
        usual_allowed_amount,
        cast(case when is_underpaid
            then expected_allowed_amount - adjudicated_allowed_amount
        end as decimal(18, 2)) as underpaid_amount,
        cast(case when is_below_usual_amount
            then usual_allowed_amount - adjudicated_allowed_amount
        end as decimal(18, 2)) as below_usual_amount,

        ---------- dates
        service_date,
        adjudicated_date

    from flagged

)

select * from final
