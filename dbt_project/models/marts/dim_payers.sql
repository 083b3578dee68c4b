-- One row per payer id seen on any claim or remittance: its name, claim filing indicator,
-- payer class and the filing limit revaudit assumes for that class.

with

payers as (

    select * from {{ ref('int_payers__classified') }}

),

payer_classes as (

    select * from {{ ref('payer_classes') }}

),

filing_limits as (

    select * from {{ ref('timely_filing_defaults') }}

),

claims as (

    select * from {{ ref('int_claims__originals_identified') }}

),

claim_counts as (

    select
        payer_id,
        count(*) as primary_claim_count,
        count(distinct client_id) as client_count

    from claims
    group by 1

),

final as (

    select
        payers.payer_id,
        payers.payer_name,
        payers.claim_filing_indicator_code,
        payers.payer_class,
        payer_classes.payer_class_name,
        filing_limits.filing_limit_days as default_filing_limit_days,
        coalesce(claim_counts.primary_claim_count, 0) as primary_claim_count,
        coalesce(claim_counts.client_count, 0) as client_count

    from payers
    left join payer_classes
        on payers.payer_class = payer_classes.payer_class
    left join filing_limits
        on payers.payer_class = filing_limits.payer_class
    left join claim_counts
        on payers.payer_id = claim_counts.payer_id

)

select * from final
