-- One row per CAS triplet on an 835 (claim or line level): group, reason, category, root
-- cause and amount, with the claim, line, payer and payment date it belongs to. Reversal
-- remittances carry negated amounts, so sums net to what stands.

with

adjustments as (

    select * from {{ ref('int_adjustments__categorized') }}

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}

),

remittance_lines as (

    select * from {{ ref('int_remittance_lines__matched_to_claim_lines') }}

),

first_remittances as (

    select * from {{ ref('int_claims__first_remittance_found') }}

),

final as (

    select
        ---------- ids
        adjustments.adjustment_id,
        adjustments.client_id,
        remittances.claim_id,
        remittance_lines.claim_line_id,
        adjustments.remittance_id,
        adjustments.remittance_line_id,
        remittances.payment_id,
        remittances.payer_id,

        ---------- codes
        adjustments.adjustment_level,
        adjustments.group_code,
        adjustments.reason_code,
        adjustments.adjustment_category,
        adjustments.root_cause,
        remittances.claim_status_code,
        remittances.effective_payer_sequence as payer_sequence,

        ---------- flags
        remittances.is_reversal,
        remittances.is_reversed,
        first_remittances.first_remittance_id is not null as is_on_first_remittance,

        ---------- numerics
        adjustments.adjustment_amount,
        adjustments.adjustment_quantity,

        ---------- dates
        remittances.payment_date

    from adjustments
    inner join remittances
        on adjustments.remittance_id = remittances.remittance_id
    left join remittance_lines
        on adjustments.remittance_line_id = remittance_lines.remittance_line_id
    left join first_remittances
        on adjustments.remittance_id = first_remittances.first_remittance_id

)

select * from final
