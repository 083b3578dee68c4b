"""revaudit dashboard entry point: page config, navigation and the shared sidebar filters."""

from pathlib import Path

import streamlit as st

st.set_page_config(page_title="revaudit", page_icon=":bar_chart:", layout="wide")

PAGES = Path(__file__).parent / "app_pages"
page = st.navigation(
    [st.Page(PAGES / "overview.py", title="Monthly KPIs", icon=":material/monitoring:",
             default=True)],
    position="top",
)
st.title(page.title)
page.run()
