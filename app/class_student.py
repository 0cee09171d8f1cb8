"""The students' side of a live class: join by link or code, follow the teacher's slide and
language, answer the slide's question once, explore the slide's page on one's own and come
back.

Following is a fragment that runs every ``FOLLOW_EVERY_S`` in each student's browser and asks
this replica's cached view of the class (``services.live_class.cached_view``: one scheduler
call per class and replica however many follow); when the teacher changed something the page
runs again and draws the new slide. A student's session holds a random token (the class
knows the student by it, anonymously) and the class's code; nothing a student does changes
what the class sees: the only calls a student's session makes are join, view and answer.
"""
from __future__ import annotations

import secrets
import time

import streamlit as st

from app.class_links import checked_code, explore_query, failed_try
from app.notices import notice
from app.slide_view import draw_slide
from app.ui import SEED, lang, tr
from app.urlstate import widget_key
from figures.lecture import LECTURE, LECTURE_SEED
from figures.lecture_questions import QUESTIONS, measured, poll_figure
from services import live_class
from services.live_class import ClassUnavailable

FOLLOWING = "_class"            # session: {"code": ..., "token": ..., "seen": monotonic}
ANSWERED = "_class_answered"    # session: {(code, slide)} this session answered
EXPLORE = "_class_explore"      # session: the (page, query) "Explore from here" asked for
DRAWN = "_class_drawn"          # session: (slide, its FigureSpec) last drawn
FOLLOW_EVERY_S = 0.5
SEEN_EVERY_S = 60               # a follower tells the class it is there (a place is kept)
STUDENT_CSS = """
<style>
/* Streamlit pulls a Markdown block up by 1rem (a -1rem bottom margin that cancels its last
   paragraph's 1rem margin); the slide's CSS takes the paragraphs' margins off, so without this
   every text block ran 0.5rem into the next one (the slide's text under the question, the
   question under the results chart). */
div[data-testid="stMarkdownContainer"] { margin-bottom: 0 !important; }
@media (max-width: 640px) {
  div[data-testid="stMainBlockContainer"], .block-container {
    padding: 0.5rem 0.75rem !important; }
  h1 { font-size: 1.5rem !important; }
  div[data-testid="stMarkdownContainer"] p { font-size: 1.05rem; }
  div[data-testid="stMainBlockContainer"]
  div[data-testid="stElementContainer"]:has(div[data-testid="stPlotlyChart"]) {
    height: 55vh !important; }
  /* A slide's figure keeps a readable width and scrolls sideways on a phone. Streamlit draws a
     chart at the width of the chart's parent (its fullscreen frame), not of the chart's own
     box: the minimum goes on that frame. */
  div[data-testid="stElementContainer"][class*="st-key-follow_"] {
    overflow-x: auto !important; overflow-y: hidden !important; }
  div[data-testid="stElementContainer"][class*="st-key-follow_"]
  div:has(> div[data-testid="stPlotlyChart"]) { min-width: 720px; }
}
</style>
"""


def following() -> dict | None:
    """The class this session follows ({"code", "token"}), or None."""
    return st.session_state.get(FOLLOWING)


def _refusal(key: str, code) -> None:
    """A join that did not happen, in the page's language, with a way home."""
    if key == "slow_down":
        notice("error", "class.error.slow_down", s=st.session_state.get("_class_wait_s", 60))
    else:
        notice("error", f"class.error.{key}", code=code)
    st.page_link("views/home.py", label=tr("nav.home"), icon=":material/home:")


def _join(code: str) -> dict | None:
    """Join ``code`` (or be seen again); the answer, or None after showing the refusal."""
    mine = following()
    token = mine["token"] if mine else secrets.token_urlsafe(18)
    try:
        answer = live_class.call("join", code=code, token=token)
    except ClassUnavailable as e:
        notice("error", "refusal.class.unavailable", error=e)
        return None
    if not answer["ok"]:
        if answer["error"] == "unknown":
            failed_try()
        st.session_state.pop(FOLLOWING, None)
        _refusal(answer["error"], code)
        return None
    st.session_state[FOLLOWING] = {"code": code, "token": token, "seen": time.monotonic()}
    return answer


def _explore(slide: int) -> None:
    """"Explore from here": the slide's page with the settings its figure was drawn with."""
    # A callback runs before the sidebar's widgets: the seed can still be set to the slide's.
    st.session_state[widget_key(SEED)] = LECTURE_SEED
    drawn = st.session_state.get(DRAWN)
    spec = drawn[1] if drawn and drawn[0] == slide else None
    st.session_state[EXPLORE] = explore_query(slide, spec, lang())


def _leave() -> None:
    st.session_state.pop(FOLLOWING, None)
    st.session_state[EXPLORE] = ("views/home.py", {})


def follow_page(raw_code) -> None:
    """The page a join link opens: the teacher's slide, the slide's question, the way out."""
    pending = st.session_state.pop(EXPLORE, None)
    if pending:
        st.switch_page(pending[0], query_params=pending[1])
    st.html(STUDENT_CSS)
    code, refused = checked_code(raw_code)
    if refused:
        _refusal(refused, raw_code)
        return
    mine = following()
    if mine is None or mine["code"] != code or time.monotonic() - mine["seen"] > SEEN_EVERY_S:
        if _join(code) is None:
            return
    answer = live_class.cached_view(code)
    if not answer["ok"]:
        st.session_state.pop(FOLLOWING, None)
        _refusal(answer["error"], code)
        return
    view = answer["view"]
    _bar(code, view)
    poll = view.get("poll")
    if poll is not None and poll["open"]:
        _answer_box(code, view["slide"])
    spec = draw_slide(view["slide"], view["lang"], chart_key="follow",
                      hidden=poll is not None and poll["open"], compact=True)
    st.session_state[DRAWN] = (view["slide"], spec)
    if poll is not None and not poll["open"]:
        _closed_poll(view, spec)
    # what the page drew, for the bench and the tests (not shown)
    st.html(f'<span hidden data-class-slide="{view["slide"]}" '
            f'data-class-version="{view["version"]}"></span>')
    _watch(code, view["version"])


def _bar(code: str, view: dict) -> None:
    """Which class, "Explore from here" (the slide's page with its settings), leave."""
    about, explore, leave = st.columns([2, 1.2, 1], vertical_alignment="center")
    about.markdown(tr("class.following", code=code) + " · " +
                   tr("presenter.position", i=view["slide"], n=len(LECTURE)))
    explore.button(tr("class.explore"), on_click=_explore, args=(view["slide"],), width="stretch",
                   icon=":material/explore:", key="class_explore")
    leave.button(tr("class.leave"), on_click=_leave, width="stretch", icon=":material/logout:",
                 key="class_leave")


def _answer_box(code: str, slide: int) -> None:
    """The open question: choices or a number, sent once."""
    question = QUESTIONS[LECTURE[slide - 1].key]
    st.markdown(f"**{tr(f'lecture.{question.slide}.q')}**")
    answered = st.session_state.setdefault(ANSWERED, set())
    if (code, slide) in answered:
        st.success(tr("class.sent"), icon=":material/check:")
        return
    if question.choices:
        labels = question.labels(lang())
        value = st.radio(tr("class.your_answer"), range(question.choices), index=None,
                         format_func=labels.__getitem__, key=f"class_answer_{slide}",
                         horizontal=True)
    else:
        value = st.number_input(tr("class.your_answer") + f" ({question.unit.strip() or '#'})",
                                min_value=float(question.lo), max_value=float(question.hi),
                                value=None, step=1.0, key=f"class_answer_{slide}")
    if st.button(tr("class.send"), disabled=value is None, key=f"class_send_{slide}",
                 type="primary", icon=":material/send:"):
        _send(code, slide, value)


def _send(code: str, slide: int, value) -> None:
    """Send the answer; a refusal is said, "answered" counts as sent (the first one counts)."""
    mine = following()
    try:
        answer = live_class.call("answer", code=code, token=mine["token"], slide=slide,
                                 answer=value)
    except ClassUnavailable as e:
        notice("error", "refusal.class.unavailable", error=e)
        return
    if answer["ok"] or answer["error"] == "answered":
        st.session_state[ANSWERED].add((code, slide))
        st.rerun()
    notice("warning", f"class.error.{answer['error']}", code=code)


def _closed_poll(view: dict, spec) -> None:
    """After the teacher closed the question: the class's counts and the measured value."""
    question = QUESTIONS[LECTURE[view["slide"] - 1].key]
    counts = view["poll"].get("counts") or []
    st.markdown(f"**{tr(f'lecture.{question.slide}.q')}**")
    st.plotly_chart(poll_figure(question, counts, lang(), measured(question, spec)
                                if spec is not None else None),
                    width="stretch", theme=None, key="class_results",
                    config={"displayModeBar": False, "staticPlot": True})


@st.fragment(run_every=FOLLOW_EVERY_S)
def _watch(code: str, drawn_version: int) -> None:
    """Run the page again when the class changed (or ended) since it was drawn."""
    try:
        answer = live_class.cached_view(code)
    except ClassUnavailable:
        return
    if not answer["ok"] or answer["view"]["version"] != drawn_version:
        st.rerun()
    mine = following()
    if mine and time.monotonic() - mine["seen"] > SEEN_EVERY_S:
        st.rerun()       # the full run joins again: the class keeps this student's place


def back_banner(page_path: str) -> None:
    """On the other pages of a student who explores: the way back to the class."""
    mine = following()
    if mine is None or page_path == "presenter":
        return
    info, back = st.columns([3, 1], vertical_alignment="center")
    info.info(tr("class.exploring", code=mine["code"]), icon=":material/explore:")
    back.page_link("views/presenter.py", label=tr("class.back"), icon=":material/groups:",
                   query_params={"class": mine["code"], "lang": lang()})
