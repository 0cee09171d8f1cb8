"""One lecture slide drawn full-screen: what presenter mode shows the teacher and what a live
class shows every student who follows (``app/views/presenter.py``, ``app/class_student.py``).

Figures come from the same registered builders as the pages and the export, at the lecture's
seed (``LECTURE_SEED``: the handout's, whatever seed a visitor set in the hidden sidebar),
built once per language for the whole server, the next slide's in the background.
"""
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from app.notices import notice
from app.ui import tr
from figures.catalog import FigureSpec
from app.figure_sources.lecture import measured_text, source_specs
from figures.lecture import LECTURE, LECTURE_SEED, SlideUnavailable, for_projection, pick
from i18n import t

MAX_PREPARED = 8     # figure sets kept: 3 sources x 2 languages, and a spare

CHART_CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}

# Hide Streamlit's chrome (sidebar, its toggle, toolbar, footer), trim its padding, and size the
# chart to the window: controls, title, chart and two or three lines of text fit 1280 x 720 and
# 1024 x 768 without scrolling (tests/test_presenter_browser.py measures it). Plotly's
# "responsive" config makes the chart fill the container's CSS height. Streamlit pulls each
# markdown block up by the 1rem its paragraphs no longer have (margin 0 here), which ran the
# slide's text into its bold measured line and set "Slide n of 7" below the buttons: a quarter
# rem between text blocks, none in the row of controls.
PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"],
button[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"],
div[data-testid="stToolbar"], footer { display: none !important; }
div[data-testid="stMainBlockContainer"], .block-container {
  padding: 0.75rem 2rem 0.5rem !important; max-width: 100% !important; }
div[data-testid="stMainBlockContainer"] div[data-testid="stVerticalBlock"] { gap: 0.5rem; }
h1 { font-size: 2.2rem !important; line-height: 1.2 !important; padding: 0 !important;
  margin: 0 !important; }
div[data-testid="stMarkdownContainer"] p { font-size: 1.3rem; line-height: 1.4; margin: 0; }
div[data-testid="stMarkdownContainer"] { margin-bottom: -0.25rem !important; }
div[data-testid="stHorizontalBlock"] div[data-testid="stMarkdownContainer"] {
  margin-bottom: 0 !important; }
.stButton button { min-height: 2.75rem; }
.stButton button p, .stButton button span, a[data-testid="stPageLink-NavLink"] p {
  font-size: 1.25rem !important; }
div[data-testid="stElementContainer"]:has(h1), div[data-testid="stHeading"],
div[data-testid="stHeading"] div { height: auto !important; margin: 0 !important; }
div[data-testid="stElementContainer"]:has(div[data-testid="stPlotlyChart"]) {
  height: calc(100vh - 15rem - var(--more-notices, 0rem)) !important; flex: 0 0 auto !important;
  min-height: 15rem; }
div[data-testid="stElementContainer"] div:has(> div[data-testid="stPlotlyChart"]),
div[data-testid="stPlotlyChart"], div[data-testid="stPlotlyChart"] .js-plotly-plot {
  height: 100% !important; }
div[data-testid="stCaptionContainer"] p { font-size: 1rem !important; }
div[data-testid="stMainBlockContainer"]:has(div[data-testid="stAlert"])
  div[data-testid="stElementContainer"]:has(div[data-testid="stPlotlyChart"]) {
  height: calc(100vh - 19.5rem - var(--more-notices, 0rem)) !important; }
</style>
"""
# A notice above the slide (a link's bad slide number, say) takes about 4.5rem: the chart gives
# up that room, so the slide's text stays inside the window on that first screen; each further
# line of the link's notice box sets --more-notices (``notices_room``).
# A measured slide adds what its numbers say and how many stand behind them: the chart gives
# up the room of those lines, and a third more per line of the link's notice box, down to
# 14rem (at 1280 x 720 its English text scrolled by 8-15 px with two to four notices).
MEASURED_CSS = """
<style>
div[data-testid="stElementContainer"]:has(div[data-testid="stPlotlyChart"]) {
  height: calc(100vh - 22.5rem - var(--more-notices, 0rem)) !important; }
div[data-testid="stMainBlockContainer"]:has(div[data-testid="stAlert"])
  div[data-testid="stElementContainer"]:has(div[data-testid="stPlotlyChart"]) {
  height: calc(100vh - 25rem - 1.3 * var(--more-notices, 0rem)) !important; min-height: 14rem; }
</style>
"""

NOTICE_LINE_REM = 1.85
"""The height of one more line in the link's notice box above the slide (rem)."""


def notices_room(lines: int) -> str:
    """CSS giving the chart's room to the lines of the link's notice box beyond the first
    (the box of one line is the room ``PRESENTER_CSS`` and ``MEASURED_CSS`` leave): four
    notices, a box each, pushed the slide's text out of a 1280 x 720 window. "" for fewer
    than two."""
    if lines < 2:
        return ""
    return f"<style>:root {{ --more-notices: {NOTICE_LINE_REM * (lines - 1):g}rem; }}</style>"


# Clickers send arrow keys and Page Up / Down: one listener on the document clicks the Back /
# Next buttons (found by their key's class), installed once per browser tab. The slide number
# in the body makes Streamlit run the script again on every slide, which scrolls to the top.
KEYS_AND_SCROLL = """
<span hidden data-slide="{slide}"></span>
<script>
(() => {{
  const main = document.querySelector('[data-testid="stMain"]');
  if (main) main.scrollTo(0, 0);
  window.scrollTo(0, 0);
  if (window.__presenterKeys) return;
  window.__presenterKeys = true;
  const STEP = {{ArrowRight: "next", PageDown: "next", ArrowLeft: "back", PageUp: "back"}};
  document.addEventListener("keydown", (event) => {{
    const which = STEP[event.key];
    if (!which || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], [role=slider]")) return;
    const button = document.querySelector(".st-key-presenter_" + which + " button");
    if (!button) return;  // another page of the app
    event.preventDefault();
    if (!button.disabled) button.click();
  }});
}})();
</script>
"""


BUILDERS = 2   # figure sets built at once, whatever the number of visitors


@st.cache_resource(show_spinner=False)
def _prepared():
    """The figure sets built or being built, for the whole server:
    {(source, lang, seed): Future of list[FigureSpec]}, its lock, and the one pool of
    ``BUILDERS`` threads that builds them (a thread per set let 30 students with 30 seeds
    start 30 builds of the data-set evidence at once: bench/load.py --explore)."""
    return {}, threading.Lock(), ThreadPoolExecutor(BUILDERS, thread_name_prefix="lecture")


def _prepare(target: str, language: str, seed_value: int) -> Future:
    """The (possibly still running) build of one registered source's figures, in the pool.
    A failed build is tried again; at most MAX_PREPARED sets are kept."""
    prepared, lock, pool = _prepared()
    key = (target, language, seed_value)
    with lock:
        future = prepared.get(key)
        if future is None or (future.done() and future.exception() is not None):
            prepared.pop(key, None)
            while len(prepared) >= MAX_PREPARED:
                prepared.pop(next(iter(prepared)))
            future = prepared[key] = pool.submit(source_specs, target, language, seed_value)
        return future


def _slide_specs(index: int, language: str, seed_value: int) -> list[FigureSpec]:
    """The figures of slide ``index``'s source, shared by every session. The next slide's
    source starts building at once in the background, so that when the teacher presses Next
    the block page's timings or the live model's profile are already there."""
    current = _prepare(LECTURE[index].source, language, seed_value)
    if index + 1 < len(LECTURE):
        _prepare(LECTURE[index + 1].source, language, seed_value)
    return current.result()


_sized: dict[tuple[int, bool], tuple[FigureSpec, object]] = {}
_sized_lock = threading.Lock()


def _slide_figure(spec: FigureSpec, compact: bool):
    """The figure for a projector (``for_projection``: a third larger type), or for a
    student's own screen, phone to laptop (``compact``: the builder's 16:9 arrangement when
    it has one, Figure 1's six panels as 2 x 3, at the page's type size). Made once per
    figure for the whole server, under the lock: a class of 60 asks for it at the same
    moment at every step, and 60 builds at once delayed every redraw; a projector's copy
    took 0.1-0.2 s of the server's CPU at every run of presenter mode (bench/RESULTS.md)."""
    key = (id(spec), compact)
    with _sized_lock:
        kept = _sized.get(key)
        if kept is not None and kept[0] is spec:
            return kept[1]
        if compact:
            build = spec.layouts.get("16:9")
            figure = for_projection(build() if build else spec.figure, scale=1.0)
        else:
            figure = for_projection(spec.figure)
        if len(_sized) >= 4 * MAX_PREPARED:
            _sized.clear()
        _sized[key] = (spec, figure)
        return figure


def draw_slide(number: int, language: str, chart_key: str = "presenter",
               hidden: bool = False, compact: bool = False) -> FigureSpec | None:
    """Slide ``number`` (1-based) in ``language``: its title, figure sized to the window, text
    and measured lines. Returns its FigureSpec (None when the figure could not be made).
    ``hidden``: the title only and a line saying the figure comes after the question (a
    class predicts before it sees the result). ``compact``: laid out for a student's screen
    (``_slide_figure``) rather than a projector."""
    slide = LECTURE[number - 1]
    st.title(t(f"lecture.{slide.key}.title", language))
    if hidden:
        _prepare(slide.source, language, LECTURE_SEED)   # built meanwhile, for the reveal
        st.caption(tr("class.poll.figure_after"))
        return None
    with st.spinner(tr("presenter.building")):
        try:
            spec = pick(_slide_specs(number - 1, language, LECTURE_SEED), slide)
        except SlideUnavailable:
            spec = None
            st.info(tr("presenter.unavailable"))
        except Exception as e:  # noqa: BLE001 - one broken figure must not stop the lecture
            spec = None
            notice("error", "presenter.failed", error=e)
    if spec is not None:
        figure = _slide_figure(spec, compact)
        st.plotly_chart(figure, width="stretch", theme=None,
                        config=CHART_CONFIG, key=f"{chart_key}_{slide.figure}")
    st.markdown(t(f"lecture.{slide.key}.text", language))
    if spec is not None:
        claim, sample = measured_text(slide, language, LECTURE_SEED)
        if claim or sample:
            st.html(MEASURED_CSS)
        if claim:
            st.markdown(claim)
        if sample:
            st.caption(sample)
    return spec
