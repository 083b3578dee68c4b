"""Denials: what the payers refused in the 12 months ending with the chosen month, why,
from whom, on which codes, and the largest denials still open."""

import altair as alt
import polars as pl
import streamlit as st
from rcm_dash import formatting, queries
from rcm_dash.definitions import help_text
from rcm_dash.warehouse import query

client_id, month = st.session_state["client_id"], st.session_state["month"]
st.caption(f"{st.session_state['client_name']} · 12 months ending {month} · initial denials "
           "(first remittance), duplicates excluded")

causes = query(queries.DENIALS_BY_ROOT_CAUSE, [client_id, month, month])
if causes.is_empty():
    st.info("No denials in these 12 months.")
    st.stop()

denied = causes["denied_amount"].sum()
recovered = causes["recovered_amount"].sum()
with st.container(horizontal=True):
    st.metric("Denied", formatting.money(denied), border=True,
              help=help_text("initial_denial_rate_amount"))
    st.metric("Recovered since", formatting.money(recovered), border=True,
              help="Denied dollars a later remittance paid (marts.fct_denials).")
    st.metric("Denials", formatting.count(causes["denial_count"].sum()), border=True)
    st.metric("Preventable", formatting.percent(
        causes["preventable_count"].sum() / causes["denial_count"].sum()), border=True,
        help="Share of denials whose reason code is fixable before submission "
             "(seed carc: is_preventable).")

st.subheader("Denied dollars by root cause")
pareto = causes.with_columns(
    pl.col("denied_amount").cast(pl.Float64),
    (pl.col("denied_amount").cum_sum() / pl.col("denied_amount").sum() * 100)
    .cast(pl.Float64).alias("cumulative_share"),
)
base = alt.Chart(pareto).encode(x=alt.X("root_cause:N", sort=None, title="Root cause"))
bars = base.mark_bar().encode(
    y=alt.Y("denied_amount:Q", title="Denied USD"),
    tooltip=["root_cause", "denial_count", "denied_amount"],
)
line = base.mark_line(point=True, color="#d62728").encode(
    y=alt.Y("cumulative_share:Q", title="Cumulative %", scale=alt.Scale(domain=[0, 100])),
)
st.altair_chart(alt.layer(bars, line).resolve_scale(y="independent"))

left, right = st.columns(2)
for column, dimension, title in ((left, "payer", "By payer"), (right, "hcpcs", "By CPT/HCPCS")):
    with column:
        st.subheader(title)
        rates = query(queries.DENIAL_RATES_BY_DIMENSION, [client_id, dimension, month, month])
        st.dataframe(
            rates, hide_index=True,
            column_config={
                "dimension_value": dimension,
                "initial_denial_rate": st.column_config.NumberColumn(
                    "initial denial rate", format="percent",
                    help=help_text("initial_denial_rate")),
                "denied_amount": st.column_config.NumberColumn("denied", format="dollar"),
            },
        )

st.subheader("Largest denials not recovered")
st.dataframe(query(queries.OPEN_DENIALS, [client_id, month]), hide_index=True,
             column_config={"denied_amount": st.column_config.NumberColumn(format="dollar"),
                            "recovered_amount": st.column_config.NumberColumn(
                                format="dollar")})
