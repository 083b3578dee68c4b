"""SQL the pages run. Only marts are read; parameters are always bound, never formatted in."""

CLIENTS = """
    select client_id, client_name
    from marts.dim_clients
    order by client_name
"""

CLIENT_MONTHS = """
    select month
    from marts.kpi_client_monthly
    where client_id = ?
    order by month desc
"""

MONTHLY_KPIS = """
    select *
    from marts.kpi_client_monthly
    where client_id = ?
    order by month_start_date
"""

# Denials first adjudicated in the 12 months ending with the chosen month.
DENIALS_BY_ROOT_CAUSE = """
    select
        coalesce(root_cause, 'unclassified') as root_cause,
        count(*) as denial_count,
        sum(denied_amount) as denied_amount,
        sum(coalesce(recovered_amount, 0)) as recovered_amount,
        count(*) filter (where is_preventable = 'yes') as preventable_count
    from marts.fct_denials
    where client_id = ?
        and is_initial_denial
        and denial_date > (cast(? || '-01' as date) + interval 1 month - interval 12 month)
        and denial_date < cast(? || '-01' as date) + interval 1 month
    group by 1
    order by denied_amount desc
"""

DENIAL_RATES_BY_DIMENSION = """
    select
        coalesce(any_value(payers.payer_name) || ' (' || dimension_value || ')',
                 dimension_value) as dimension_value,
        sum(adjudicated_count) as adjudicated_count,
        sum(denied_count) as denied_count,
        sum(denied_count) / nullif(sum(adjudicated_count), 0) as initial_denial_rate,
        sum(denied_amount) as denied_amount
    from marts.kpi_denials_by_dimension_monthly as denials
    left join marts.dim_payers as payers
        on denials.dimension = 'payer' and denials.dimension_value = payers.payer_id
    where client_id = ?
        and dimension = ?
        and month_start_date > cast(? || '-01' as date) - interval 12 month
        and month_start_date <= cast(? || '-01' as date)
    group by dimension_value
    order by denied_amount desc
"""

OPEN_DENIALS = """
    select
        denial_date,
        payer_id,
        carc_code,
        rarc_code,
        root_cause,
        hcpcs_code,
        denied_amount,
        coalesce(recovered_amount, 0) as recovered_amount,
        claim_id
    from marts.fct_denials
    where client_id = ?
        and not is_recovered
        and denial_date < cast(? || '-01' as date) + interval 1 month
    order by denied_amount desc, denial_date
    limit 50
"""

AR_AGING = """
    select
        ar_responsibility,
        payer_class,
        sum(open_claim_count) as open_claim_count,
        sum(ar_0_30_amount) as ar_0_30_amount,
        sum(ar_31_60_amount) as ar_31_60_amount,
        sum(ar_61_90_amount) as ar_61_90_amount,
        sum(ar_91_120_amount) as ar_91_120_amount,
        sum(ar_over_120_amount) as ar_over_120_amount,
        sum(ar_amount) as ar_amount,
        sum(credit_balance_amount) as credit_balance_amount
    from marts.kpi_ar_aging_month_end
    where client_id = ? and month = ?
    group by 1, 2
    order by ar_responsibility, ar_amount desc
"""

PAYER_MIX = """
    select
        payer_class,
        claims_submitted_count,
        billed_amount,
        payer_paid_amount,
        billed_share,
        payer_paid_share
    from marts.kpi_payer_mix_monthly
    where client_id = ? and month = ?
    order by billed_amount desc
"""
