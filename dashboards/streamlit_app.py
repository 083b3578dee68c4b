"""revaudit dashboard entry point: page config, navigation and the shared sidebar filters
(client and month, kept in st.session_state for every page)."""

from pathlib import Path

import streamlit as st
from rcm_dash import queries
from rcm_dash.warehouse import WarehouseMissing, query

st.set_page_config(page_title="revaudit", page_icon=":bar_chart:", layout="wide")

PAGES = Path(__file__).parent / "app_pages"
page = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Monthly KPIs", icon=":material/monitoring:",
                default=True),
        st.Page(PAGES / "denials.py", title="Denials", icon=":material/block:"),
        st.Page(PAGES / "ar_aging.py", title="AR aging", icon=":material/hourglass_bottom:"),
        st.Page(PAGES / "payers.py", title="Payer mix", icon=":material/account_balance:"),
    ],
    position="top",
)
st.title(page.title)

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
if st.session_state.get("month") not in months:
    st.session_state["month"] = months[0]
st.sidebar.selectbox("Month", months, key="month")
st.session_state["client_name"] = names[client_id]
page.run()
