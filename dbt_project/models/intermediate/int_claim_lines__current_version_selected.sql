-- One row per service line of each claim's current version (the original submission, or its
-- latest replacement): the lines the payer is answering and revaudit reports on. A line's id
-- is the key of its 837 line (file and position).

with

versions as (

    select * from {{ ref('int_claims__versions_resolved') }}

),

originals as (

    select * from {{ ref('int_claims__originals_identified') }}

),

service_lines as (

    select * from {{ ref('stg_edi_837__service_lines') }}

),

claim_submissions as (

    select * from {{ ref('stg_edi_837__claims') }}

),

final as (

    select
        service_lines.claim_line_submission_id as claim_line_id,
        versions.claim_id,
        originals.client_id,
        service_lines.claim_line_number,
        service_lines.line_item_control_number,
        service_lines.hcpcs_code,
        service_lines.hcpcs_modifier_1,
        service_lines.hcpcs_modifier_2,
        service_lines.hcpcs_modifier_3,
        service_lines.hcpcs_modifier_4,
        coalesce(service_lines.service_unit_count, 1) as service_unit_count,
        service_lines.charge_amount,
        service_lines.service_date,
        coalesce(
            service_lines.rendering_provider_npi,
            claim_submissions.rendering_provider_npi,
            claim_submissions.billing_provider_npi
        ) as rendering_provider_npi,
        coalesce(service_lines.place_of_service_code, claim_submissions.place_of_service_code)
            as place_of_service_code,
        coalesce(
            service_lines.hcpcs_modifier_1 in ('CO', 'CQ')
            or service_lines.hcpcs_modifier_2 in ('CO', 'CQ')
            or service_lines.hcpcs_modifier_3 in ('CO', 'CQ')
            or service_lines.hcpcs_modifier_4 in ('CO', 'CQ'),
            false
        ) as is_assistant_service

    from versions
    inner join originals
        on versions.claim_id = originals.claim_id
    inner join service_lines
        on versions.current_submission_id = service_lines.claim_submission_id
    inner join claim_submissions
        on versions.current_submission_id = claim_submissions.claim_submission_id

)

select * from final
