-- One row per provider NPI on any claim (billing or rendering): name, taxonomy, role and how
-- many claims carry it. Names are the practitioners' or organisations' (not patient data).

with

claim_submissions as (

    select * from {{ ref('stg_edi_837__claims') }}

),

claim_lines as (

    select * from {{ ref('int_claim_lines__current_version_selected') }}

),

mentions as (

    select
        billing_provider_npi as provider_npi,
        billing_provider_name as provider_name,
        cast(null as varchar) as taxonomy_code,
        'billing' as provider_role,
        client_id,
        submission_date

    from claim_submissions
    where billing_provider_npi is not null

    union all

    select
        rendering_provider_npi as provider_npi,
        trim(concat_ws(', ', rendering_provider_last_name, rendering_provider_first_name))
            as provider_name,
        rendering_provider_taxonomy_code as taxonomy_code,
        'rendering' as provider_role,
        client_id,
        submission_date

    from claim_submissions
    where rendering_provider_npi is not null

    union all

    select
        rendering_provider_npi as provider_npi,
        cast(null as varchar) as provider_name,
        cast(null as varchar) as taxonomy_code,
        'rendering' as provider_role,
        client_id,
        service_date as submission_date

    from claim_lines
    where rendering_provider_npi is not null

),

final as (

    select
        provider_npi,
        arg_max(provider_name, submission_date) filter (where nullif(provider_name, '') is not null)
            as provider_name,
        arg_max(taxonomy_code, submission_date) filter (where taxonomy_code is not null)
            as taxonomy_code,
        bool_or(provider_role = 'billing') as is_billing_provider,
        bool_or(provider_role = 'rendering') as is_rendering_provider,
        min(client_id) as client_id,
        count(distinct client_id) as client_count,
        min(submission_date) as first_seen_date,
        max(submission_date) as last_seen_date

    from mentions
    group by 1

)

select * from final
