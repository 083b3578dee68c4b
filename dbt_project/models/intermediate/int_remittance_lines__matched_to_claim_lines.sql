-- One row per 835 service payment (SVC) of a matched remittance, with the claim line it
-- answers: by line item control number (REF*6R) first, else by procedure, service date and
-- units, else by procedure and service date. Duplicates within a
-- remittance pair up in order. claim_line_id is null when no line of the claim fits.

with

service_payments as (

    select * from {{ ref('stg_edi_835__service_payments') }}

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}

),

claim_lines as (

    select * from {{ ref('int_claim_lines__current_version_selected') }}

),

remittance_lines as (

    select
        service_payments.*,
        remittances.claim_id,
        coalesce(service_payments.original_procedure_code, service_payments.hcpcs_code)
            as billed_hcpcs_code,
        coalesce(
            service_payments.original_unit_count, service_payments.paid_unit_count, 1
        ) as billed_unit_count,
        coalesce(service_payments.service_date, remittances.statement_from_date)
            as billed_service_date

    from service_payments
    inner join remittances
        on service_payments.remittance_id = remittances.remittance_id
    where remittances.claim_id is not null

),

by_control_number as (

    select
        remittance_lines.remittance_line_id,
        remittance_lines.remittance_id,
        claim_lines.claim_line_id

    from remittance_lines
    inner join claim_lines
        on remittance_lines.claim_id = claim_lines.claim_id
        and remittance_lines.line_item_control_number = claim_lines.line_item_control_number
    qualify row_number() over (
        partition by remittance_lines.remittance_line_id order by claim_lines.claim_line_number
    ) = 1
        and row_number() over (
            partition by remittance_lines.remittance_id, claim_lines.claim_line_id
            order by remittance_lines.segment_index
        ) = 1

),

open_lines_1 as (

    select remittance_lines.*
    from remittance_lines
    anti join by_control_number
        on remittance_lines.remittance_line_id = by_control_number.remittance_line_id

),

-- the claim's lines not yet matched within each remittance that still has unmatched lines
open_candidates_1 as (

    select
        open_remittances.remittance_id,
        claim_lines.*

    from (select distinct remittance_id, claim_id from open_lines_1) as open_remittances
    inner join claim_lines
        on open_remittances.claim_id = claim_lines.claim_id
    anti join by_control_number
        on open_remittances.remittance_id = by_control_number.remittance_id
        and claim_lines.claim_line_id = by_control_number.claim_line_id

),

by_procedure_date_units as (

    select
        remits.remittance_line_id,
        remits.remittance_id,
        lines.claim_line_id

    from (
        select
            *,
            row_number() over (
                partition by remittance_id, billed_hcpcs_code, billed_service_date,
                    billed_unit_count
                order by segment_index
            ) as ordinal
        from open_lines_1
    ) as remits
    inner join (
        select
            *,
            row_number() over (
                partition by remittance_id, hcpcs_code, service_date, service_unit_count
                order by claim_line_number
            ) as ordinal
        from open_candidates_1
    ) as lines
        on remits.remittance_id = lines.remittance_id
        and remits.billed_hcpcs_code = lines.hcpcs_code
        and remits.billed_service_date = lines.service_date
        and remits.billed_unit_count = lines.service_unit_count
        and remits.ordinal = lines.ordinal

),

open_lines_2 as (

    select open_lines_1.*
    from open_lines_1
    anti join by_procedure_date_units
        on open_lines_1.remittance_line_id = by_procedure_date_units.remittance_line_id

),

open_candidates_2 as (

    select open_candidates_1.*
    from open_candidates_1
    anti join by_procedure_date_units
        on open_candidates_1.remittance_id = by_procedure_date_units.remittance_id
        and open_candidates_1.claim_line_id = by_procedure_date_units.claim_line_id

),

by_procedure_date as (

    select
        remits.remittance_line_id,
        remits.remittance_id,
        lines.claim_line_id

    from (
        select
            *,
            row_number() over (
                partition by remittance_id, billed_hcpcs_code, billed_service_date
                order by segment_index
            ) as ordinal
        from open_lines_2
    ) as remits
    inner join (
        select
            *,
            row_number() over (
                partition by remittance_id, hcpcs_code, service_date
                order by claim_line_number
            ) as ordinal
        from open_candidates_2
    ) as lines
        on remits.remittance_id = lines.remittance_id
        and remits.billed_hcpcs_code = lines.hcpcs_code
        and remits.billed_service_date = lines.service_date
        and remits.ordinal = lines.ordinal

),

matches as (

    select *, 'line_control_number' as line_match_method from by_control_number
    union all
    select *, 'procedure_date_units' as line_match_method from by_procedure_date_units
    union all
    select *, 'procedure_date' as line_match_method from by_procedure_date

),

final as (

    select
        remittance_lines.remittance_line_id,
        remittance_lines.remittance_id,
        remittance_lines.claim_id,
        matches.claim_line_id,
        coalesce(matches.line_match_method, 'unmatched') as line_match_method,
        remittance_lines.line_item_control_number,
        remittance_lines.hcpcs_code,
        remittance_lines.hcpcs_modifier_1,
        remittance_lines.hcpcs_modifier_2,
        remittance_lines.hcpcs_modifier_3,
        remittance_lines.hcpcs_modifier_4,
        remittance_lines.billed_hcpcs_code,
        remittance_lines.billed_unit_count,
        remittance_lines.paid_unit_count,
        remittance_lines.charge_amount,
        remittance_lines.paid_amount,
        remittance_lines.allowed_amount,
        remittance_lines.billed_service_date as service_date

    from remittance_lines
    left join matches
        on remittance_lines.remittance_line_id = matches.remittance_line_id

)

select * from final
