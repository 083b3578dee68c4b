-- One row per payer id seen on claims (2010BB and 2330B) or remittances (N1*PR): its most
-- used name and claim filing indicator, and the payer class that indicator maps to. Claims'
-- indicators (SBR09) win over remittances' (CLP06).

with

claim_submissions as (

    select * from {{ ref('stg_edi_837__claims') }}

),

other_payers as (

    select * from {{ ref('stg_edi_837__other_payers') }}

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}

),

filing_indicators as (

    select * from {{ ref('claim_filing_indicator') }}

),

mentions as (

    select payer_id, payer_name, claim_filing_indicator_code, 1 as source_rank
    from claim_submissions
    union all
    select other_payer_id, other_payer_name, claim_filing_indicator_code, 1 as source_rank
    from other_payers
    union all
    select payer_id, payer_name, claim_filing_indicator_code, 2 as source_rank
    from remittances

),

names as (

    select payer_id, payer_name
    from mentions
    where payer_id is not null and payer_name is not null
    group by 1, 2
    qualify row_number() over (
        partition by payer_id order by count(*) desc, payer_name
    ) = 1

),

indicators as (

    select payer_id, claim_filing_indicator_code
    from mentions
    where payer_id is not null and claim_filing_indicator_code is not null
    group by payer_id, claim_filing_indicator_code, source_rank
    qualify row_number() over (
        partition by payer_id
        order by source_rank, count(*) desc, claim_filing_indicator_code
    ) = 1

),

summarized as (

    select
        mentions.payer_id,
        names.payer_name,
        indicators.claim_filing_indicator_code,
        count(*) filter (where mentions.source_rank = 1) as claim_mention_count,
        count(*) filter (where mentions.source_rank = 2) as remittance_mention_count

    from mentions
    left join names
        on mentions.payer_id = names.payer_id
    left join indicators
        on mentions.payer_id = indicators.payer_id
    where mentions.payer_id is not null
    group by 1, 2, 3

),

final as (

    select
        summarized.payer_id,
        summarized.payer_name,
        summarized.claim_filing_indicator_code,
        coalesce(filing_indicators.payer_class, 'other') as payer_class,
        summarized.claim_mention_count,
        summarized.remittance_mention_count

    from summarized
    left join filing_indicators
        on summarized.claim_filing_indicator_code
            = filing_indicators.claim_filing_indicator_code

)

select * from final
