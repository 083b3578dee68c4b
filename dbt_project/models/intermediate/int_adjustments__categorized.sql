-- One row per CAS triplet of an 835, with its adjustment category (docs/metrics.md,
-- "Adjustment category": the first rule that applies wins).

with

adjustments as (

    select * from {{ ref('stg_edi_835__adjustments') }}

),

carc as (

    select * from {{ ref('carc') }}

),

categorized as (

    select
        adjustments.*,
        carc.root_cause,
        case
            when adjustments.group_code = 'PR' then 'patient_responsibility'
            when adjustments.reason_code in ('18', 'B13') then 'duplicate'
            when adjustments.group_code = 'OA'
                and adjustments.reason_code = '23' then 'prior_payer'
            when adjustments.reason_code = '253' then 'sequestration'
            when carc.category = 'contractual' then 'contractual'
            when adjustments.group_code in ('CO', 'OA', 'PI', 'CR')
                and carc.category = 'denial' then 'denial'
            else 'other'
        end as adjustment_category

    from adjustments
    left join carc
        on adjustments.reason_code = carc.carc_code

)

select * from categorized
