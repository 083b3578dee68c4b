"""Monthly KPIs for one client: the KPI row for the chosen month and the trend behind it."""

import polars as pl
import streamlit as st
from rcm_dash import formatting, queries
from rcm_dash.definitions import help_text
from rcm_dash.warehouse import WarehouseMissing, query

try:
    clients = query(queries.CLIENTS)
except WarehouseMissing as exc:
    st.error(str(exc))
    st.stop()

if clients.is_empty():
    st.info("The warehouse holds no clients yet. Add files to the inbox and run `revaudit run`.")
    st.stop()

names = dict(zip(clients["client_id"], clients["client_name"], strict=True))
client_id = st.sidebar.selectbox("Client", list(names), format_func=names.get, key="client_id")
months = query(queries.CLIENT_MONTHS, [client_id])["month"].to_list()
if not months:
    st.info("No claims or remittances for this client yet.")
    st.stop()
month = st.sidebar.selectbox("Month", months, key="month")

kpis = query(queries.MONTHLY_KPIS, [client_id])
current = kpis.filter(pl.col("month") == month).row(0, named=True)
earlier = kpis.filter(pl.col("month") < month)
previous = earlier.row(-1, named=True) if earlier.height else None

st.caption(f"{names[client_id]} · {month}")
with st.container(horizontal=True):
    st.metric("Claims submitted", formatting.count(current["claims_submitted_count"]),
              border=True, help=help_text("claims_submitted_count"))
    st.metric("Billed charges", formatting.money(current["billed_amount"]), border=True,
              help=help_text("billed_amount"))
    st.metric("Payer paid", formatting.money(current["payer_paid_amount"]), border=True,
              help=help_text("payer_paid_amount"))
    st.metric(
        "Initial denial rate", formatting.percent(current["initial_denial_rate"]),
        delta=formatting.delta_percent_points(
            current["initial_denial_rate"], previous and previous["initial_denial_rate"]),
        delta_color="inverse", border=True, help=help_text("initial_denial_rate"),
    )

st.subheader("Billed and paid by month")
trend = kpis.select(
    "month",
    pl.col("billed_amount").cast(pl.Float64).alias("Billed"),
    pl.col("payer_paid_amount").cast(pl.Float64).alias("Payer paid"),
)
st.line_chart(trend, x="month", y=["Billed", "Payer paid"], y_label="USD")
st.subheader("Initial denial rate by month")
st.bar_chart(
    kpis.select("month", (pl.col("initial_denial_rate") * 100).alias("Initial denial rate %")),
    x="month", y="Initial denial rate %",
)
with st.expander("Monthly table"):
    st.dataframe(kpis.drop("client_id", "month_start_date"), hide_index=True)
