"""A hidden page a view passes through when it is opened on the page already shown
(ui.navigate): the router opens the view before this page runs. Opened on its own (a
copied address), it says where to go."""

import streamlit as st

st.caption("Opening the view…")
st.page_link("views/explorer.py", label="Go to the Explorer", icon=":material/show_chart:")
