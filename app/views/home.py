"""Home: what the app is and what each page shows."""
import streamlit as st

from app.class_links import checked_code, failed_try
from app.navigation import PAGES
from app.notices import notice
from app.ui import lang, page_settings, tr
from services import live_class
from services.live_class import ClassUnavailable


def join_form() -> None:
    """A class code typed by a student: checked here (shape, then the class), then the
    class's page, as a join link opens it."""
    with st.form("class_join", border=False):
        typed, go = st.columns([3, 1], vertical_alignment="bottom")
        raw = typed.text_input(tr("class.join_code"), max_chars=16, key="class_join_code",
                               placeholder=tr("class.join_placeholder"))
        pressed = go.form_submit_button(tr("class.join_button"), icon=":material/login:",
                                        width="stretch")
    if not pressed:
        return
    code, refused = checked_code(raw)
    if refused:
        notice("error", f"class.error.{refused}", code=raw,
               s=st.session_state.get("_class_wait_s", 60))
        return
    try:
        answer = live_class.call("view", code=code)
    except ClassUnavailable as e:
        notice("error", "refusal.class.unavailable", error=e)
        return
    if not answer["ok"]:
        if answer["error"] == "unknown":
            failed_try()
        notice("error", f"class.error.{answer['error']}", code=code)
        return
    st.switch_page("views/presenter.py", query_params={"class": code, "lang": lang()})

page_settings()
st.title(tr("app.title"))
st.write(tr("app.tagline"))
st.page_link("views/presenter.py", label=tr("home.start_presenting"), icon=":material/slideshow:")
st.subheader(tr("class.join"))
join_form()
st.subheader(tr("home.pages"))
for path, title, icon, url in PAGES[1:]:
    st.page_link(path, label=tr(title), icon=icon)
    st.markdown(tr(f"home.desc.{url}"))
st.caption(tr("home.paper"))
