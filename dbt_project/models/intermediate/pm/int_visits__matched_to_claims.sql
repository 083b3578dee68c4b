-- One row per PM visit with the original 837 claim that billed it, found by patient
-- pseudonym and date of service and ranked by provider and procedures (docs/pm-profiles.md,
-- "Matching visits to claims"). Visits of every status are kept: a cancelled visit with a
-- claim is a finding too.

with

visits as (

    select * from {{ ref('stg_pm__visits') }}

),

services as (

    select * from {{ ref('stg_pm__services') }}

),

charges as (

    select * from {{ ref('stg_pm__charges') }}

),

claim_submissions as (

    select * from {{ ref('stg_edi_837__claims') }}

),

claim_lines as (

    select * from {{ ref('stg_edi_837__service_lines') }}

),

original_claims as (

    select
        client_id,
        patient_control_number,
        claim_submission_id,
        patient_pseudonym,
        coalesce(rendering_provider_npi, billing_provider_npi) as claim_provider_npi

    from claim_submissions
    where claim_frequency_code = '1'
        and coalesce(payer_responsibility_code, 'P') = 'P'
    qualify row_number() over (
        partition by client_id, patient_control_number
        order by submission_date, file_id, segment_index
    ) = 1

),

claim_days as (

    select
        original_claims.client_id,
        original_claims.patient_control_number,
        original_claims.patient_pseudonym,
        claim_lines.service_date,
        list_sort(list_distinct(list(claim_lines.hcpcs_code))) as claim_procedures,
        list_distinct(list(coalesce(claim_lines.rendering_provider_npi,
                                    original_claims.claim_provider_npi))) as claim_provider_npis

    from original_claims
    inner join claim_lines
        on original_claims.claim_submission_id = claim_lines.claim_submission_id
    group by all

),

visit_procedures as (

    select
        client_id,
        visit_id,
        list_sort(list_distinct(list(hcpcs_code))) as visit_procedures

    from services
    where documented_unit_count > 0
    group by all

),

pm_claim_links as (

    select
        client_id,
        visit_id,
        min(patient_control_number) as pm_patient_control_number

    from charges
    where patient_control_number is not null
        and charge_status = 'billed'
    group by all

),

candidates as (

    select
        visits.client_id,
        visits.visit_id,
        claim_days.patient_control_number,
        list_contains(claim_days.claim_provider_npis, visits.supervising_npi)
            or list_contains(claim_days.claim_provider_npis, visits.provider_npi)
            as has_same_provider,
        coalesce(visit_procedures.visit_procedures, []) as visit_procedures,
        claim_days.claim_procedures,
        len(list_intersect(coalesce(visit_procedures.visit_procedures, []),
                           claim_days.claim_procedures)) as shared_procedure_count,
        claim_days.patient_control_number
            is not distinct from pm_claim_links.pm_patient_control_number as is_pm_linked

    from visits
    inner join claim_days
        on visits.client_id = claim_days.client_id
        and visits.patient_pseudonym = claim_days.patient_pseudonym
        and visits.visit_date = claim_days.service_date
    left join visit_procedures
        on visits.client_id = visit_procedures.client_id
        and visits.visit_id = visit_procedures.visit_id
    left join pm_claim_links
        on visits.client_id = pm_claim_links.client_id
        and visits.visit_id = pm_claim_links.visit_id

),

classified as (

    select
        *,
        case
            when has_same_provider and visit_procedures = claim_procedures
                then 'patient_date_provider_procedures'
            when has_same_provider and shared_procedure_count > 0
                then 'patient_date_provider_some_procedures'
            when shared_procedure_count > 0
                then 'patient_date_procedures_other_provider'
            else 'patient_date_only'
        end as match_rule

    from candidates

),

ranked as (

    select
        *,
        case match_rule
            when 'patient_date_provider_procedures' then 'exact'
            when 'patient_date_provider_some_procedures' then 'partial'
            else 'weak'
        end as match_quality,
        count(*) over (partition by client_id, visit_id) as candidate_claim_count,
        row_number() over (
            partition by client_id, visit_id
            order by
                case match_rule
                    when 'patient_date_provider_procedures' then 1
                    when 'patient_date_provider_some_procedures' then 2
                    when 'patient_date_procedures_other_provider' then 3
                    else 4
                end,
                shared_procedure_count desc,
                is_pm_linked desc,
                patient_control_number
        ) as candidate_rank

    from classified

),

final as (

    select
        visits.client_id,
        visits.visit_id,
        visits.patient_pseudonym,
        visits.visit_date,
        visits.visit_status,
        visits.provider_npi,
        visits.supervising_npi,
        ranked.patient_control_number,
        coalesce(ranked.match_rule, 'unmatched') as match_rule,
        coalesce(ranked.match_quality, 'unmatched') as match_quality,
        ranked.patient_control_number is not null as is_matched,
        coalesce(ranked.has_same_provider, false) as has_same_provider,
        coalesce(ranked.shared_procedure_count, 0) as shared_procedure_count,
        len(coalesce(visit_procedures.visit_procedures, [])) as visit_procedure_count,
        coalesce(len(ranked.claim_procedures), 0) as claim_procedure_count,
        coalesce(ranked.candidate_claim_count, 0) as candidate_claim_count,
        pm_claim_links.pm_patient_control_number,
        case
            when pm_claim_links.pm_patient_control_number is null then null
            else ranked.patient_control_number
                is not distinct from pm_claim_links.pm_patient_control_number
        end as agrees_with_pm_charges

    from visits
    left join ranked
        on visits.client_id = ranked.client_id
        and visits.visit_id = ranked.visit_id
        and ranked.candidate_rank = 1
    left join visit_procedures
        on visits.client_id = visit_procedures.client_id
        and visits.visit_id = visit_procedures.visit_id
    left join pm_claim_links
        on visits.client_id = pm_claim_links.client_id
        and visits.visit_id = pm_claim_links.visit_id

)

select * from final
