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
