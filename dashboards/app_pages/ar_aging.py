"""AR aging at the chosen month end: insurance by payer class and patient balances apart."""

import polars as pl
import streamlit as st
from rcm_dash import formatting, queries
from rcm_dash.definitions import help_text
from rcm_dash.warehouse import query

BUCKETS = {"ar_0_30_amount": "0-30", "ar_31_60_amount": "31-60", "ar_61_90_amount": "61-90",
           "ar_91_120_amount": "91-120", "ar_over_120_amount": "120+"}

client_id, month = st.session_state["client_id"], st.session_state["month"]
st.caption(f"{st.session_state['client_name']} · balances at the end of {month}, aged from "
           "the date of service")
aging = query(queries.AR_AGING, [client_id, month])
if aging.is_empty():
    st.info("No open balances at this month end.")
    st.stop()

insurance = aging.filter(pl.col("ar_responsibility") == "insurance")
patient = aging.filter(pl.col("ar_responsibility") == "patient")
total = aging["ar_amount"].sum()
over_90 = aging["ar_91_120_amount"].sum() + aging["ar_over_120_amount"].sum()
with st.container(horizontal=True):
    st.metric("AR", formatting.money(total), border=True, help=help_text("ar_amount"))
    st.metric("Insurance", formatting.money(insurance["ar_amount"].sum()), border=True,
              help=help_text("ar_amount"))
    st.metric("Patient", formatting.money(patient["ar_amount"].sum()), border=True,
              help=help_text("ar_amount"))
    st.metric("Over 90 days", formatting.percent(over_90 / total if total else None),
              border=True, help=help_text("ar_over_90_share"))
    st.metric("Credit balances", formatting.money(aging["credit_balance_amount"].sum()),
              border=True, help=help_text("credit_balance_amount"))

st.subheader("Aging by payer class")
long = aging.unpivot(index="payer_class", on=list(BUCKETS), variable_name="bucket",
                     value_name="amount").with_columns(
    pl.col("bucket").replace_strict(BUCKETS), pl.col("amount").cast(pl.Float64))
st.bar_chart(long, x="bucket", y="amount", color="payer_class", stack=True, y_label="USD",
             x_label="days since service", sort=False)
st.dataframe(aging, hide_index=True, column_config={
    column: st.column_config.NumberColumn(format="dollar")
    for column in [*BUCKETS, "ar_amount", "credit_balance_amount"]})
