"""Payer mix for the chosen month: claims, charges and payments by payer class."""

import polars as pl
import streamlit as st
from rcm_dash import queries
from rcm_dash.warehouse import query

client_id, month = st.session_state["client_id"], st.session_state["month"]
st.caption(f"{st.session_state['client_name']} · {month} · charges by submission date, "
           "payments by payment date")
mix = query(queries.PAYER_MIX, [client_id, month])
if mix.is_empty():
    st.info("No claims or payments this month.")
    st.stop()
st.bar_chart(
    mix.select("payer_class", (pl.col("billed_share") * 100).alias("Billed %"),
               (pl.col("payer_paid_share") * 100).alias("Paid %")),
    x="payer_class", y=["Billed %", "Paid %"], stack=False, y_label="% of month",
)
st.dataframe(mix, hide_index=True, column_config={
    "billed_share": st.column_config.NumberColumn(format="percent"),
    "payer_paid_share": st.column_config.NumberColumn(format="percent"),
    "billed_amount": st.column_config.NumberColumn(format="dollar"),
    "payer_paid_amount": st.column_config.NumberColumn(format="dollar"),
})
