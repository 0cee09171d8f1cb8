"""Presenter mode: the prepared lecture (figures/lecture.py), one figure per screen, and the
live class that follows it (issue 23).

For projecting in a classroom: the sidebar and Streamlit's toolbar are hidden, type is large,
and a slide fits the window (1280 x 720 and up). Back / Next buttons at the top step through
the slides, and so do the arrow and Page Up / Down keys a clicker sends. The slide number is
in the URL (``?slide=3``), so a link opens the lecture where it was left. The slide itself is
drawn by ``app/slide_view.py``. "Start a class" (``app/class_teacher.py``) makes the students'
screens follow; a join link (``?class=CODE``) opens the follower's view
(``app/class_student.py``) instead of the teacher's.
"""
import streamlit as st

from app import class_student, class_teacher
from app.slide_view import KEYS_AND_SCROLL, PRESENTER_CSS, draw_slide, notices_room
from app.settings.presenter import SLIDE
from app.ui import LANG, lang, page_done, page_settings, tr
from app.urlstate import widget_key
from figures.lecture import LECTURE
from i18n import LANG_NAMES, LANGS


def _go(step: int) -> None:
    key = widget_key(SLIDE)
    st.session_state[key] = min(max(int(st.session_state[key]) + step, SLIDE.lo), SLIDE.hi)


def _set_language(code: str) -> None:
    st.session_state[widget_key(LANG)] = code


def _controls(number: int) -> None:
    """Back, the position, Next, the language switch and the way out, in one row at the top
    (always inside the window, whatever the figure's height)."""
    back, where, forward, switch, start, leave = st.columns(
        [1.1, 1, 1.1, 0.9, 1.2, 1.3], vertical_alignment="center")
    back.button(tr("presenter.back"), on_click=_go, args=(-1,), disabled=number <= SLIDE.lo,
                width="stretch", icon=":material/arrow_back:", key="presenter_back")
    where.markdown(f"<p style='text-align:center'>"
                   f"{tr('presenter.position', i=number, n=len(LECTURE))}</p>",
                   unsafe_allow_html=True)
    forward.button(tr("presenter.next"), on_click=_go, args=(1,), disabled=number >= SLIDE.hi,
                   width="stretch", icon=":material/arrow_forward:", key="presenter_next")
    # The sidebar (and its language menu) is hidden here; a bilingual class switches in one click.
    other = next(code for code in LANGS if code != lang())
    switch.button(LANG_NAMES[other], on_click=_set_language, args=(other,), width="stretch",
                  icon=":material/translate:", key="presenter_language")
    if class_teacher.teaching() is None:
        class_teacher.start_button(start, number)
    with leave:
        st.page_link("views/home.py", label=tr("presenter.exit"), icon=":material/close:")


def teacher_page() -> None:
    """The lecture as the teacher steps through it, with the class when one runs."""
    number = int(st.session_state[widget_key(SLIDE)])
    _controls(number)
    class_teacher.show_notice()
    view = class_teacher.sync(number) if class_teacher.teaching() else None
    if view is not None:
        class_teacher.class_bar(number, view)
    if view is not None and st.session_state.get(class_teacher.JOIN_SHOWN):
        class_teacher.join_screen(view["code"])
    elif view is not None and view.get("poll") is not None:
        # Predict, then see: while the question is open the figure waits.
        slide_column, poll_column = st.columns([3, 2])
        with slide_column:
            spec = draw_slide(number, lang(), hidden=view["poll"]["open"], compact=True)
        with poll_column:
            class_teacher.poll_panel(number, spec, view)
    else:
        draw_slide(number, lang())
    st.html(KEYS_AND_SCROLL.format(slide=number), unsafe_allow_javascript=True)


# A join link's class code is read below (app/class_links.py); the link's notices share one box.
shown = page_settings(SLIDE, also=("class",), together=True)
st.html(PRESENTER_CSS + notices_room(shown))
joined = st.query_params.get("class")
if joined is not None:
    class_student.follow_page(joined)     # a student's view: nothing here moves the class
    page_done(LANG)
else:
    teacher_page()
    page_done(SLIDE, LANG)   # the language too: a presenter link opens in the language it showed
