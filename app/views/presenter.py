"""Presenter mode: the prepared lecture (figures/lecture.py), one figure per screen.

For projecting in a classroom: the sidebar and Streamlit's toolbar are hidden, type is large,
and a slide fits the window (1280 x 720 and up). Back / Next buttons at the top step through
the slides, and so do the arrow and Page Up / Down keys a clicker sends. The slide number is
in the URL (``?slide=3``), so a link opens the lecture where it was left. Figures come from
the same registered builders as the pages and the export, at the lecture's seed
(``LECTURE_SEED``: the handout's, whatever seed a visitor set in the hidden sidebar), built once
per language for the whole server.
"""
import threading
from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from app.notices import notice
from app.ui import LANG, lang, page_done, page_settings, tr
from app.urlstate import Param, widget_key
from figures.catalog import FigureSpec
from i18n import LANG_NAMES, LANGS
from figures.lecture import (LECTURE, LECTURE_SEED, SlideUnavailable, for_projection,
                             measured_text, pick, source_specs)

SLIDE = Param("slide", 1, kind="int", lo=1, hi=len(LECTURE))
CHART_CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}
MAX_PREPARED = 8     # figure sets kept: 3 sources x 2 languages, and a spare

# Hide Streamlit's chrome (sidebar, its toggle, toolbar, footer), trim its padding, and size the
# chart to the window: controls, title, chart and two or three lines of text fit 1280 x 720 and
# 1024 x 768 without scrolling (tests/test_presenter_browser.py measures it). Plotly's
# "responsive" config makes the chart fill the container's CSS height.
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
.stButton button { min-height: 2.75rem; }
.stButton button p, .stButton button span, a[data-testid="stPageLink-NavLink"] p {
  font-size: 1.25rem !important; }
div[data-testid="stElementContainer"]:has(h1), div[data-testid="stHeading"],
div[data-testid="stHeading"] div { height: auto !important; margin: 0 !important; }
div[data-testid="stElementContainer"]:has(div[data-testid="stPlotlyChart"]) {
  height: calc(100vh - 15rem) !important; flex: 0 0 auto !important; min-height: 15rem; }
div[data-testid="stElementContainer"] div:has(> div[data-testid="stPlotlyChart"]),
div[data-testid="stPlotlyChart"], div[data-testid="stPlotlyChart"] .js-plotly-plot {
  height: 100% !important; }
div[data-testid="stCaptionContainer"] p { font-size: 1rem !important; }
</style>
"""
# A measured slide adds what its numbers say and how many stand behind them: the chart gives
# up the room of those lines.
MEASURED_CSS = """
<style>
div[data-testid="stElementContainer"]:has(div[data-testid="stPlotlyChart"]) {
  height: calc(100vh - 21rem) !important; }
</style>
"""

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


def _go(step: int) -> None:
    key = widget_key(SLIDE)
    st.session_state[key] = min(max(int(st.session_state[key]) + step, SLIDE.lo), SLIDE.hi)


def _set_language(code: str) -> None:
    st.session_state[widget_key(LANG)] = code


def _controls(number: int) -> None:
    """Back, the position, Next, the language switch and the way out, in one row at the top
    (always inside the window, whatever the figure's height)."""
    back, where, forward, switch, leave = st.columns([1.1, 1, 1.1, 0.9, 1.3],
                                                     vertical_alignment="center")
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
    with leave:
        st.page_link("views/home.py", label=tr("presenter.exit"), icon=":material/close:")


page_settings(SLIDE)
st.html(PRESENTER_CSS)
number = int(st.session_state[widget_key(SLIDE)])
slide = LECTURE[number - 1]

_controls(number)
st.title(tr(f"lecture.{slide.key}.title"))
with st.spinner(tr("presenter.building")):
    try:
        spec = pick(_slide_specs(number - 1, lang(), LECTURE_SEED), slide)
    except SlideUnavailable:
        spec = None
        st.info(tr("presenter.unavailable"))
    except Exception as e:  # noqa: BLE001 - one broken figure must not stop the lecture
        spec = None
        notice("error", "presenter.failed", error=e)
if spec is not None:
    st.plotly_chart(for_projection(spec.figure), width="stretch", theme=None,
                    config=CHART_CONFIG, key=f"presenter_{slide.figure}")
st.markdown(tr(f"lecture.{slide.key}.text"))
if spec is not None:
    claim, sample = measured_text(slide, lang(), LECTURE_SEED)
    if claim or sample:
        st.html(MEASURED_CSS)
    if claim:
        st.markdown(claim)
    if sample:
        st.caption(sample)
st.html(KEYS_AND_SCROLL.format(slide=number), unsafe_allow_javascript=True)
page_done(SLIDE, LANG)   # the language too: a presenter link opens in the language it showed
