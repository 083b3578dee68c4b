-- One row per denial: a CAS triplet of category `denial` with a positive amount on a
-- remittance that is not itself a reversal (docs/metrics.md, "Denial"), with its CARC and
-- RARC, root cause, dollars, the claim line it hit, and whether and when the payer later paid
-- the line (or the claim, for a claim-level denial).

with

adjustments as (

    select * from {{ ref('fct_adjustments') }}

),

remittances as (

    select * from {{ ref('int_remittances__matched_to_claims') }}

),

remittance_lines as (

    select * from {{ ref('int_remittance_lines__matched_to_claim_lines') }}

),

remarks as (

    select * from {{ ref('stg_edi_835__remarks') }}

),

carc as (

    select * from {{ ref('carc') }}

),

rarc as (

    select * from {{ ref('rarc') }}

),

claims as (

    select * from {{ ref('int_claims__originals_identified') }}

),

claim_lines as (

    select * from {{ ref('int_claim_lines__current_version_selected') }}

),

payers as (

    select * from {{ ref('int_payers__classified') }}

),

denials as (

    select adjustments.*
    from adjustments
    where adjustments.adjustment_category = 'denial'
        and adjustments.adjustment_amount > 0
        and not adjustments.is_reversal

),

line_remarks as (

    select
        remittance_line_id,
        string_agg(remark_code, ',' order by segment_index, remark_code) as remark_codes,
        arg_min(remark_code, segment_index) as first_remark_code

    from remarks
    where remittance_line_id is not null
    group by 1

),

claim_remarks as (

    select
        remittance_id,
        string_agg(remark_code, ',' order by segment_index, remark_code) as remark_codes,
        arg_min(remark_code, segment_index) as first_remark_code

    from remarks
    where remittance_line_id is null
    group by 1

),

later_payments as (

    -- every later payment on the denied line (line-level) or claim (claim-level)
    select
        denials.adjustment_id,
        min(later.payment_date) filter (where coalesce(later_line.paid_amount,
            case when denials.claim_line_id is null then later.claim_payment_amount end) > 0)
            as recovered_date,
        sum(coalesce(later_line.paid_amount,
            case when denials.claim_line_id is null then later.claim_payment_amount end))
            as recovered_amount

    from denials
    inner join remittances as denied_remittance
        on denials.remittance_id = denied_remittance.remittance_id
    inner join remittances as later
        on denials.claim_id = later.claim_id
        and (later.payment_date > denied_remittance.payment_date
            or (later.payment_date = denied_remittance.payment_date
                and (later.file_id > denied_remittance.file_id
                    or (later.file_id = denied_remittance.file_id
                        and later.segment_index > denied_remittance.segment_index))))
    left join remittance_lines as later_line
        on later.remittance_id = later_line.remittance_id
        and denials.claim_line_id = later_line.claim_line_id
    group by 1

),

final as (

    select
        ---------- ids
        denials.adjustment_id as denial_id,
        denials.client_id,
        denials.claim_id,
        denials.claim_line_id,
        denials.remittance_id,
        denials.payer_id,
        coalesce(payers.payer_class, 'other') as payer_class,
        coalesce(claim_lines.rendering_provider_npi, claims.rendering_provider_npi)
            as rendering_provider_npi,

        ---------- codes
        denials.adjustment_level as denial_level,
        denials.group_code,
        denials.reason_code as carc_code,
        coalesce(line_remarks.first_remark_code, claim_remarks.first_remark_code) as rarc_code,
        coalesce(line_remarks.remark_codes, claim_remarks.remark_codes) as remark_codes,
        coalesce(carc.root_cause, 'unknown') as root_cause,
        rarc.root_cause as rarc_root_cause,
        coalesce(carc.is_preventable, 'unknown') as is_preventable,
        coalesce(remittance_lines.billed_hcpcs_code, claim_lines.hcpcs_code) as hcpcs_code,
        denied_remittance.claim_status_code,

        ---------- flags
        denials.is_on_first_remittance as is_initial_denial,
        denied_remittance.claim_payment_amount = 0 as is_full_claim_denial,
        denials.is_reversed as is_remittance_reversed,
        later_payments.recovered_date is not null as is_recovered,

        ---------- money
        denials.adjustment_amount as denied_amount,
        cast(case when later_payments.recovered_date is not null
            then later_payments.recovered_amount end as decimal(18, 2)) as recovered_amount,

        ---------- dates
        denials.payment_date as denial_date,
        later_payments.recovered_date,
        datediff('day', denials.payment_date, later_payments.recovered_date)
            as days_to_recovery

    from denials
    inner join remittances as denied_remittance
        on denials.remittance_id = denied_remittance.remittance_id
    left join remittance_lines
        on denials.remittance_line_id = remittance_lines.remittance_line_id
    left join claims
        on denials.claim_id = claims.claim_id
    left join claim_lines
        on denials.claim_line_id = claim_lines.claim_line_id
    left join payers
        on denials.payer_id = payers.payer_id
    left join line_remarks
        on denials.remittance_line_id = line_remarks.remittance_line_id
    left join claim_remarks
        on denials.remittance_id = claim_remarks.remittance_id
    left join carc
        on denials.reason_code = carc.carc_code
    left join rarc
        on coalesce(line_remarks.first_remark_code, claim_remarks.first_remark_code)
            = rarc.rarc_code
    left join later_payments
        on denials.adjustment_id = later_payments.adjustment_id

)

select * from final
