"""Monthly KPIs for one client: volume and cash, the core performance KPIs, and their trend."""

import polars as pl
import streamlit as st
from rcm_dash import queries
from rcm_dash.cards import Kpi, kpi_row
from rcm_dash.definitions import column_help
from rcm_dash.warehouse import query

VOLUME = [
    Kpi("claims_submitted_count", "Claims submitted", "count"),
    Kpi("billed_amount", "Billed charges", "money"),
    Kpi("payer_paid_amount", "Payer paid", "money"),
    Kpi("patient_paid_amount", "Patient paid", "money"),
]
COLLECTION = [
    Kpi("initial_denial_rate", "Initial denial rate", "rate", lower_is_better=True),
    Kpi("first_pass_rate", "First-pass rate", "rate"),
    Kpi("net_collection_rate", "Net collection rate", "rate"),
    Kpi("underpaid_amount", "Underpaid", "money", lower_is_better=True),
]
RECEIVABLES = [
    Kpi("days_in_ar", "Days in AR", "days", lower_is_better=True),
    Kpi("ar_amount", "AR at month end", "money", lower_is_better=True),
    Kpi("ar_over_90_share", "AR over 90 days", "rate", lower_is_better=True),
    Kpi("charge_lag_days", "Charge lag", "days", lower_is_better=True),
]

client_id, month = st.session_state["client_id"], st.session_state["month"]
kpis = query(queries.MONTHLY_KPIS, [client_id])
current = kpis.filter(pl.col("month") == month).row(0, named=True)
earlier = kpis.filter(pl.col("month") < month)
previous = earlier.row(-1, named=True) if earlier.height else None

st.caption(f"{st.session_state['client_name']} · {month}")
kpi_row(VOLUME, current, previous)
notes = {}
if not current["is_collection_cohort_mature"]:
    notes["net_collection_rate"] = ("Immature cohort: services of this month may still be "
                                    "paid, so the rate will rise.")
kpi_row(COLLECTION, current, previous, notes)
kpi_row(RECEIVABLES, current, previous)
if notes:
    st.caption("Net collection rate: this month's services are less than 90 days old and "
               "still being paid; compare mature months.")

left, right = st.columns(2)
with left:
    st.subheader("Billed and paid by month")
    trend = kpis.select(
        "month",
        pl.col("billed_amount").cast(pl.Float64).alias("Billed"),
        pl.col("payer_paid_amount").cast(pl.Float64).alias("Payer paid"),
        pl.col("patient_paid_amount").cast(pl.Float64).alias("Patient paid"),
    )
    st.line_chart(trend, x="month", y=["Billed", "Payer paid", "Patient paid"], y_label="USD")
with right:
    st.subheader("Denial and first-pass rates by month")
    rates = kpis.select(
        "month",
        (pl.col("initial_denial_rate") * 100).alias("Initial denial rate %"),
        (pl.col("first_pass_rate") * 100).alias("First-pass rate %"),
    )
    st.line_chart(rates, x="month", y=["Initial denial rate %", "First-pass rate %"],
                  y_label="%")

with st.expander("Monthly table"):
    table = kpis.drop("client_id", "month_start_date")
    st.dataframe(table, hide_index=True, column_config=column_help(table.columns))
