"""The teacher's side of a live class, inside presenter mode: start it, show the join code,
move the class with the slides, open and close each slide's question, see the answers come
in and the measured value beside them, end it.

The teacher's session holds the class's code and the teacher key (``TEACHER``); the key never
leaves this session but for the scheduler (``services.live_class``), and is never drawn.
"""
from __future__ import annotations

import html

import streamlit as st

from app.class_links import join_link, qr_image
from app.notices import notice
from app.ui import lang, tr
from figures.catalog import FigureSpec
from figures.lecture import LECTURE
from figures.lecture_questions import QUESTIONS, measured, poll_figure
from services import live_class
from services.live_class import ClassUnavailable

TEACHER = "_class_teacher"         # session: {"code": ..., "key": ...}
JOIN_SHOWN = "_class_join_shown"   # session: the join screen is up instead of the slide
NOTICE = "_class_notice"           # session: a refusal a button's callback met
LIVE_COUNTS_S = 1.0                # the histogram's refresh while answers come in
POLL_CHART = {"displaylogo": False, "displayModeBar": False, "responsive": True,
              "staticPlot": True}

# With a class, a second row of controls: the chart gives up its height.
CLASS_CSS = """
<style>
div[data-testid="stElementContainer"]:has(div[data-testid="stPlotlyChart"]) {
  height: calc(100vh - 19rem) !important; }
.class-code { font-size: clamp(3rem, 12vh, 8rem); font-weight: 700; letter-spacing: 0.3em;
  text-align: center; margin: 0; font-family: monospace; }
.class-link { font-size: 1.4rem; overflow-wrap: anywhere; text-align: center; }
.st-key-class_poll_chart { height: calc(100vh - 26rem) !important; min-height: 12rem; }
div[data-testid="stElementContainer"]:has(div[data-testid="stMarkdownContainer"]) {
  flex-shrink: 0 !important; }
</style>
"""


def teaching() -> dict | None:
    """This session's class as its teacher ({"code", "key"}), or None."""
    return st.session_state.get(TEACHER)


def _refused(answer: dict, code: str = "") -> None:
    """Keep a refusal from the class's state for the next run to show."""
    st.session_state[NOTICE] = (f"class.error.{answer.get('error', 'bad_request')}", code)


def _call(action: str, **values) -> dict | None:
    """``live_class.call`` with the teacher's code and key; None (and a notice kept) when
    it was refused or the classes are unavailable. A class that is gone is forgotten."""
    mine = teaching()
    if mine is None:
        return None
    try:
        answer = live_class.call(action, code=mine["code"], key=mine["key"], **values)
    except ClassUnavailable:
        st.session_state[NOTICE] = ("refusal.class.unavailable", "")
        return None
    if not answer["ok"]:
        if answer["error"] in ("unknown", "not_teacher", "format"):
            st.session_state.pop(TEACHER, None)
            st.session_state[NOTICE] = ("class.lost", "")
        else:
            _refused(answer, mine["code"])
        return None
    live_class.forget_view(mine["code"])     # this replica's followers see it at once
    return answer


def _start(number: int) -> None:
    try:
        answer = live_class.call("start", slide=number, lang=lang())
    except ClassUnavailable:
        st.session_state[NOTICE] = ("refusal.class.unavailable", "")
        return
    if not answer["ok"]:
        _refused(answer)
        return
    st.session_state[TEACHER] = {"code": answer["code"], "key": answer["key"]}
    st.session_state[JOIN_SHOWN] = True


def _end() -> None:
    if _call("end") is not None:
        st.session_state[NOTICE] = ("class.ended_teacher", "")
    st.session_state.pop(TEACHER, None)
    st.session_state.pop(JOIN_SHOWN, None)


def _toggle_join() -> None:
    st.session_state[JOIN_SHOWN] = not st.session_state.get(JOIN_SHOWN, False)


def _open_poll(number: int) -> None:
    _call("open_poll", slide=number, question=QUESTIONS[LECTURE[number - 1].key].shape())
    st.session_state[JOIN_SHOWN] = False


def _close_poll(number: int) -> None:
    _call("close_poll", slide=number)


def start_button(container, number: int) -> None:
    """The "Start a class" button (presenter's controls row), when no class runs."""
    container.button(tr("class.start"), on_click=_start, args=(number,), width="stretch",
                     icon=":material/groups:", help=tr("class.start_help"), key="class_start")


def show_notice() -> None:
    """What a button's callback met (a refusal, the end of the class), once."""
    kept = st.session_state.pop(NOTICE, None)
    if kept:
        key, code = kept
        kind = "success" if key == "class.ended_teacher" else "warning"
        notice(kind, key, code=code)       # a template without {code} leaves it out


def sync(number: int) -> dict | None:
    """Move the class to the teacher's slide and language (nothing when they are already
    there); the class as its students see it, or None without a class."""
    answer = _call("show", slide=number, lang=lang())
    return answer["view"] if answer else None


def class_bar(number: int, view: dict) -> None:
    """The class's row: its code and following, the join screen, the slide's question, end."""
    st.html(CLASS_CSS)
    about, join, ask, end = st.columns([1.6, 1.1, 1.1, 1], vertical_alignment="center")
    about.markdown(tr("class.code_is", code=view["code"]) + " · "
                   + tr("class.students", n=view["students"]))
    shown = st.session_state.get(JOIN_SHOWN, False)
    join.button(tr("class.hide_join" if shown else "class.show_join"), on_click=_toggle_join,
                width="stretch", icon=":material/qr_code_2:", key="class_join_toggle")
    poll = view.get("poll")
    if poll is None or not poll["open"]:
        label = "class.poll.open" if poll is None else "class.poll.reopen"
        ask.button(tr(label), on_click=_open_poll, args=(number,), width="stretch",
                   icon=":material/how_to_vote:", key="class_poll_open")
    else:
        ask.button(tr("class.poll.close"), on_click=_close_poll, args=(number,),
                   width="stretch", icon=":material/bar_chart:", key="class_poll_close",
                   type="primary")
    end.button(tr("class.end"), on_click=_end, width="stretch", icon=":material/stop_circle:",
               key="class_end")


def join_screen(code: str) -> None:
    """The join code, its QR code and the link, large enough for the back of a room."""
    link = join_link(code, lang())
    st.title(tr("class.join_title"))
    qr, words = st.columns([3, 2], vertical_alignment="center")
    with qr:
        st.html(qr_image(link))
    with words:
        st.html(f'<p class="class-code">{code}</p>')      # the alphabet of CODE_ALPHABET only
        st.markdown(tr("class.join_how"))
        # the address comes from the teacher's browser (its Host): shown as text, with room
        # to break before its query and each parameter (not inside "lang", as break-all did)
        shown = html.escape(link).replace("?", "<wbr>?").replace("&amp;", "<wbr>&amp;")
        st.html(f'<p class="class-link">{shown}</p>')


def poll_panel(number: int, spec: FigureSpec | None, view: dict) -> None:
    """The slide's question and, live, the class's answers; once closed, the measured value
    beside them (the slide's own figure's number)."""
    question = QUESTIONS[LECTURE[number - 1].key]
    st.markdown(f"**{tr(f'lecture.{question.slide}.q')}**")
    value = measured(question, spec) if spec is not None else None
    _live_counts(number, value, bool(view["poll"] and view["poll"]["open"]))


@st.fragment(run_every=LIVE_COUNTS_S)
def _live_counts(number: int, value: float | None, drawn_open: bool) -> None:
    """The answers' chart, asked of the class every ``LIVE_COUNTS_S`` (the teacher's
    session alone does this)."""
    answer = _call("results", slide=number)
    if answer is None or answer["poll"] is None:
        return
    poll = answer["poll"]
    question = QUESTIONS[LECTURE[number - 1].key]
    shown = None if poll["open"] else value
    st.plotly_chart(poll_figure(question, poll["counts"], lang(), shown), width="stretch",
                    theme=None, config=POLL_CHART, key="class_poll_chart")
    if not poll["open"] and value is None:
        st.caption(tr("class.poll.not_measured"))
    if poll["open"] != drawn_open:
        st.rerun()     # the class bar's button follows a poll closed in another tab
