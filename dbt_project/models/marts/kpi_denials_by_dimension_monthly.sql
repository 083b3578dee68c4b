-- One row per client, month of first remittance, dimension and dimension value: the initial
-- denial rate by count and by dollars broken down by payer, payer class, rendering provider
-- (claims), CARC root cause and CARC (claims whose first remittance carries a denial of that
-- kind, over all claims adjudicated that month) and procedure code (claim lines).

with

claims as (

    select * from {{ ref('fct_claims') }}
    where first_remittance_date is not null

),

claim_lines as (

    select * from {{ ref('fct_claim_lines') }}

),

denials as (

    select * from {{ ref('fct_denials') }}
    where is_initial_denial

),

adjudicated as (

    select
        *,
        cast(date_trunc('month', first_remittance_date) as date) as month_start_date

    from claims

),

client_month_totals as (

    select
        client_id,
        month_start_date,
        count(*) as adjudicated_count,
        sum(first_remittance_charge_amount) as charge_amount

    from adjudicated
    group by 1, 2

),

by_claim_attribute as (

    {% for dimension, column in [('payer', 'payer_id'), ('payer_class', 'payer_class'),
                                 ('provider', 'rendering_provider_npi')] %}
    select
        client_id,
        month_start_date,
        '{{ dimension }}' as dimension,
        coalesce({{ column }}, 'unknown') as dimension_value,
        'claim' as unit,
        count(*) as adjudicated_count,
        count(*) filter (where is_initially_denied) as denied_count,
        sum(initially_denied_amount) as denied_amount,
        sum(first_remittance_charge_amount) as charge_amount

    from adjudicated
    group by 1, 2, 3, 4
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

by_denial_reason as (

    {% for dimension, column in [('carc_root_cause', 'root_cause'), ('carc', 'carc_code')] %}
    select
        adjudicated.client_id,
        adjudicated.month_start_date,
        '{{ dimension }}' as dimension,
        denials.{{ column }} as dimension_value,
        'claim' as unit,
        count(distinct denials.claim_id) as denied_count,
        sum(denials.denied_amount) as denied_amount

    from denials
    inner join adjudicated
        on denials.claim_id = adjudicated.claim_id
    group by 1, 2, 3, 4
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

by_denial_reason_rated as (

    select
        by_denial_reason.client_id,
        by_denial_reason.month_start_date,
        by_denial_reason.dimension,
        by_denial_reason.dimension_value,
        by_denial_reason.unit,
        client_month_totals.adjudicated_count,
        by_denial_reason.denied_count,
        by_denial_reason.denied_amount,
        client_month_totals.charge_amount

    from by_denial_reason
    inner join client_month_totals
        on by_denial_reason.client_id = client_month_totals.client_id
        and by_denial_reason.month_start_date = client_month_totals.month_start_date

),

-- a claim-level denial (no line-level denial on the first remittance) denies every line
claim_level_denials as (

    select
        claim_lines.claim_id

    from claim_lines
    inner join adjudicated
        on claim_lines.claim_id = adjudicated.claim_id
    where adjudicated.is_initially_denied
    group by 1
    having not bool_or(claim_lines.is_initially_denied)

),

lines as (

    select
        adjudicated.client_id,
        adjudicated.month_start_date,
        claim_lines.hcpcs_code,
        claim_lines.charge_amount,
        claim_lines.is_initially_denied or claim_level_denials.claim_id is not null
            as is_denied,
        case
            when claim_lines.is_initially_denied then claim_lines.initially_denied_amount
            when claim_level_denials.claim_id is not null then claim_lines.charge_amount
            else 0
        end as denied_amount

    from claim_lines
    inner join adjudicated
        on claim_lines.claim_id = adjudicated.claim_id
    left join claim_level_denials
        on claim_lines.claim_id = claim_level_denials.claim_id

),

by_procedure as (

    select
        client_id,
        month_start_date,
        'hcpcs' as dimension,
        hcpcs_code as dimension_value,
        'line' as unit,
        count(*) as adjudicated_count,
        count(*) filter (where is_denied) as denied_count,
        sum(denied_amount) as denied_amount,
        sum(charge_amount) as charge_amount

    from lines
    group by 1, 2, 3, 4

),

unioned as (

    select * from by_claim_attribute
    union all
    select * from by_denial_reason_rated
    union all
    select * from by_procedure

),

final as (

    select
        client_id,
        month_start_date,
        strftime(month_start_date, '%Y-%m') as month,
        dimension,
        dimension_value,
        unit,
        adjudicated_count,
        denied_count,
        {{ safe_divide('denied_count', 'adjudicated_count') }} as initial_denial_rate,
        cast(coalesce(denied_amount, 0) as decimal(18, 2)) as denied_amount,
        cast(coalesce(charge_amount, 0) as decimal(18, 2)) as charge_amount,
        {{ safe_divide('denied_amount', 'charge_amount') }} as initial_denial_rate_amount

    from unioned

)

select * from final
