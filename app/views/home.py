"""Home: what the app is and what each page shows."""
import streamlit as st

from app.navigation import PAGES
from app.ui import page_settings, tr

page_settings()
st.title(tr("app.title"))
st.write(tr("app.tagline"))
st.page_link("views/presenter.py", label=tr("home.start_presenting"), icon=":material/slideshow:")
st.subheader(tr("home.pages"))
for path, title, icon, url in PAGES[1:]:
    st.page_link(path, label=tr(title), icon=icon)
    st.markdown(tr(f"home.desc.{url}"))
st.caption(tr("home.paper"))
