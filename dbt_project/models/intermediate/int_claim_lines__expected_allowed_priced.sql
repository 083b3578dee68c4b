-- One row per claim line of the current version: the allowed amount the payer should have
-- allowed, and the allowed amount it usually allows for the same service.
--
-- Expected allowed: from the practice's contract with the payer when one covers the code on
-- the date of service (an amount per unit, or a share of the Medicare fee schedule); else the
-- Medicare national non-facility amount times the payer's own rate (the median ratio of what
-- it allowed to the Medicare amount, per client, payer and year, or across years when a year
-- has too few lines). Payer classes that follow Medicare pricing get the therapy MPPR (the
-- always-therapy unit with the highest practice expense in full, every other unit that day at
-- the reduced amount) and the 85 % assistant (CO/CQ) rule (seed payer_classes).
--
-- Usual allowed: the median allowed amount the same payer gave this client for the same
-- code, units, assistant flag and MPPR role in the same year: a check that needs no contract.

with

claim_lines as (

    select * from {{ ref('int_claim_lines__current_version_selected') }}

),

originals as (

    select * from {{ ref('int_claims__originals_identified') }}

),

adjudications as (

    select * from {{ ref('int_claim_lines__adjudications_summarized') }}

),

payers as (

    select * from {{ ref('int_payers__classified') }}

),

payer_classes as (

    select * from {{ ref('payer_classes') }}

),

fee_schedule as (

    select * from {{ ref('medicare_fee_schedule_ot') }}

),

contracts as (

    select * from {{ ref('stg_pm__payer_contracts') }}

),

lines as (

    select
        claim_lines.claim_line_id,
        claim_lines.claim_id,
        claim_lines.client_id,
        claim_lines.claim_line_number,
        claim_lines.hcpcs_code,
        claim_lines.hcpcs_modifier_1,
        claim_lines.hcpcs_modifier_2,
        claim_lines.hcpcs_modifier_3,
        claim_lines.hcpcs_modifier_4,
        claim_lines.service_unit_count,
        claim_lines.service_date,
        year(claim_lines.service_date) as service_year,
        claim_lines.is_assistant_service,
        coalesce(adjudications.adjudicated_payer_id, originals.payer_id) as payer_id,
        coalesce(payers.payer_class, 'other') as payer_class,
        coalesce(payer_classes.applies_mppr, false) as applies_mppr,
        coalesce(payer_classes.applies_assistant_reduction, false)
            and claim_lines.is_assistant_service as applies_assistant_reduction,
        adjudications.adjudicated_allowed_amount,
        coalesce(adjudications.adjudicated_carries_denial, false) as is_denied,
        fee_schedule.non_facility_national_amount as medicare_unit_amount,
        fee_schedule.mppr_subsequent_unit_amount as medicare_reduced_unit_amount,
        fee_schedule.non_facility_pe_rvu,
        coalesce(fee_schedule.multiple_procedure_indicator = '5', false) as is_mppr_code

    from claim_lines
    inner join originals
        on claim_lines.claim_id = originals.claim_id
    left join adjudications
        on claim_lines.claim_line_id = adjudications.claim_line_id
    left join payers
        on coalesce(adjudications.adjudicated_payer_id, originals.payer_id) = payers.payer_id
    left join payer_classes
        on coalesce(payers.payer_class, 'other') = payer_classes.payer_class
    left join fee_schedule
        on claim_lines.hcpcs_code = fee_schedule.hcpcs_code
        and claim_lines.service_date between fee_schedule.effective_start_date
            and fee_schedule.effective_end_date

),

mppr_roles as (

    select
        *,
        case
            when not (applies_mppr and is_mppr_code and service_unit_count > 0) then 'none'
            when row_number() over (
                partition by claim_id, service_date,
                    (applies_mppr and is_mppr_code and service_unit_count > 0)
                order by non_facility_pe_rvu desc, claim_line_number
            ) = 1 then 'first'
            else 'subsequent'
        end as mppr_role

    from lines

),

at_medicare_rate as (

    -- what Medicare itself would allow (rate 1), used to derive each payer's rate
    select
        *,
        case mppr_role
            when 'first' then medicare_unit_amount
                + medicare_reduced_unit_amount * (service_unit_count - 1)
            when 'subsequent' then medicare_reduced_unit_amount * service_unit_count
            else medicare_unit_amount * service_unit_count
        end
        * case when applies_assistant_reduction then {{ var('assistant_share') }} else 1 end
            as medicare_allowed_amount

    from mppr_roles

),

rate_evidence as (

    select
        client_id,
        payer_id,
        service_year,
        cast(adjudicated_allowed_amount as double) / cast(medicare_allowed_amount as double)
            as allowed_ratio

    from at_medicare_rate
    where adjudicated_allowed_amount > 0
        and medicare_allowed_amount > 0
        and not is_denied

),

yearly_rates as (

    select
        client_id,
        payer_id,
        service_year,
        round(median(allowed_ratio), 3) as payer_rate,
        count(*) as evidence_line_count

    from rate_evidence
    group by 1, 2, 3
    having count(*) >= {{ var('payer_rate_min_lines') }}

),

overall_rates as (

    select
        client_id,
        payer_id,
        round(median(allowed_ratio), 3) as payer_rate,
        count(*) as evidence_line_count

    from rate_evidence
    group by 1, 2
    having count(*) >= {{ var('payer_rate_min_lines') }}

),

matched_contracts as (

    select
        at_medicare_rate.claim_line_id,
        contracts.contract_unit_amount,
        contracts.contract_medicare_share

    from at_medicare_rate
    inner join contracts
        on at_medicare_rate.client_id = contracts.client_id
        and at_medicare_rate.payer_id = contracts.payer_id
        and at_medicare_rate.hcpcs_code = contracts.hcpcs_code
        and at_medicare_rate.service_date between contracts.effective_start_date
            and contracts.effective_end_date
        and (contracts.hcpcs_modifier is null
            or contracts.hcpcs_modifier in (
                at_medicare_rate.hcpcs_modifier_1, at_medicare_rate.hcpcs_modifier_2,
                at_medicare_rate.hcpcs_modifier_3, at_medicare_rate.hcpcs_modifier_4))
    qualify row_number() over (
        partition by at_medicare_rate.claim_line_id
        order by contracts.hcpcs_modifier nulls last, contracts.effective_start_date desc
    ) = 1

),

priced as (

    select
        at_medicare_rate.*,
        case
            when matched_contracts.contract_unit_amount is not null then 'contract_amount'
            when matched_contracts.contract_medicare_share is not null
                and at_medicare_rate.medicare_unit_amount is not null then 'contract_share'
            when at_medicare_rate.medicare_unit_amount is not null
                and coalesce(yearly_rates.payer_rate, overall_rates.payer_rate) is not null
                then 'fee_schedule_payer_rate'
        end as expected_allowed_basis,
        coalesce(
            matched_contracts.contract_medicare_share,
            yearly_rates.payer_rate,
            overall_rates.payer_rate
        ) as payer_rate,
        matched_contracts.contract_unit_amount

    from at_medicare_rate
    left join matched_contracts
        on at_medicare_rate.claim_line_id = matched_contracts.claim_line_id
    left join yearly_rates
        on at_medicare_rate.client_id = yearly_rates.client_id
        and at_medicare_rate.payer_id = yearly_rates.payer_id
        and at_medicare_rate.service_year = yearly_rates.service_year
    left join overall_rates
        on at_medicare_rate.client_id = overall_rates.client_id
        and at_medicare_rate.payer_id = overall_rates.payer_id

),

expected as (

    select
        *,
        case
            when expected_allowed_basis is null then null
            when expected_allowed_basis = 'contract_amount'
                then contract_unit_amount * service_unit_count
            else case mppr_role
                when 'first' then round(medicare_unit_amount * payer_rate, 2)
                    + round(medicare_reduced_unit_amount * payer_rate, 2)
                        * (service_unit_count - 1)
                when 'subsequent' then round(medicare_reduced_unit_amount * payer_rate, 2)
                    * service_unit_count
                else round(medicare_unit_amount * payer_rate, 2) * service_unit_count
            end
        end as unreduced_expected_amount

    from priced

),

usual as (

    select
        client_id,
        payer_id,
        hcpcs_code,
        service_year,
        is_assistant_service,
        mppr_role,
        service_unit_count,
        median(adjudicated_allowed_amount) as usual_allowed_amount

    from expected
    where adjudicated_allowed_amount > 0
        and not is_denied
    group by all
    having count(*) >= {{ var('usual_amount_min_lines') }}

),

final as (

    select
        expected.claim_line_id,
        expected.claim_id,
        expected.client_id,
        expected.payer_id,
        expected.payer_class,
        expected.mppr_role,
        expected.applies_assistant_reduction,
        expected.expected_allowed_basis,
        case when expected.expected_allowed_basis <> 'contract_amount'
            then expected.payer_rate
        end as payer_rate,
        cast(expected.medicare_allowed_amount as decimal(18, 2)) as medicare_allowed_amount,
        cast(case
            when expected.applies_assistant_reduction
                then round(expected.unreduced_expected_amount * {{ var('assistant_share') }}, 2)
            else expected.unreduced_expected_amount
        end as decimal(18, 2)) as expected_allowed_amount,
        cast(usual.usual_allowed_amount as decimal(18, 2)) as usual_allowed_amount,
        expected.adjudicated_allowed_amount,
        expected.is_denied

    from expected
    left join usual
        on expected.client_id = usual.client_id
        and expected.payer_id = usual.payer_id
        and expected.hcpcs_code = usual.hcpcs_code
        and expected.service_year = usual.service_year
        and expected.is_assistant_service = usual.is_assistant_service
        and expected.mppr_role = usual.mppr_role
        and expected.service_unit_count = usual.service_unit_count

)

select * from final
