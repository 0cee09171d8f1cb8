"""Presenter mode: the prepared lecture (figures/lecture.py), one figure per screen.

For projecting in a classroom: the sidebar and Streamlit's toolbar are hidden, type is large,
and big Back / Next buttons step through the slides (no keyboard needed). The slide number is
in the URL (``?slide=3``), so a link opens the lecture where it was left. Figures come from
the same registered builders as the pages and the export, cached per language and seed.
"""
import threading
from concurrent.futures import Future

import streamlit as st

from app.ui import LANG, lang, page_done, page_settings, seed, tr
from app.urlstate import Param, widget_key
from figures.catalog import FigureSpec
from i18n import LANG_NAMES, LANGS
from figures.lecture import LECTURE, SlideUnavailable, for_projection, pick, source_specs

SLIDE = Param("slide", 1, kind="int", lo=1, hi=len(LECTURE))
CHART_CONFIG = {"displaylogo": False, "displayModeBar": False}
MAX_PREPARED = 12    # figure sets kept: 3 sources x a few (language, seed) pairs

# Hide Streamlit's chrome (sidebar, its toggle, toolbar, footer) and enlarge the type.
PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], div[data-testid="stSidebarCollapsedControl"],
button[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"],
div[data-testid="stToolbar"], footer { display: none !important; }
div[data-testid="stMainBlockContainer"], .block-container {
  padding-top: 1rem !important; max-width: 100% !important; }
div[data-testid="stMarkdownContainer"] p { font-size: 1.6rem; line-height: 1.45; }
h1 { font-size: 3rem !important; }
.stButton button { min-height: 4rem; }
.stButton button p, .stButton button span, a[data-testid="stPageLink-NavLink"] p {
  font-size: 1.7rem !important; }
</style>
"""


@st.cache_resource(show_spinner=False)
def _prepared():
    """The figure sets built or being built, for the whole server:
    {(source, lang, seed): Future of list[FigureSpec]}, and its lock."""
    return {}, threading.Lock()


def _build(future: Future, target: str, language: str, seed_value: int) -> None:
    try:
        future.set_result(source_specs(target, language, seed_value))
    except BaseException as e:  # noqa: BLE001 - handed to whoever waits for the slide
        future.set_exception(e)


def _prepare(target: str, language: str, seed_value: int) -> Future:
    """The (possibly still running) build of one registered source's figures, on a daemon
    thread. A failed build is tried again; at most MAX_PREPARED sets are kept."""
    prepared, lock = _prepared()
    key = (target, language, seed_value)
    with lock:
        future = prepared.get(key)
        if future is None or (future.done() and future.exception() is not None):
            prepared.pop(key, None)
            while len(prepared) >= MAX_PREPARED:
                prepared.pop(next(iter(prepared)))
            future = prepared[key] = Future()
            threading.Thread(target=_build, args=(future, target, language, seed_value),
                             name=f"lecture {target}", daemon=True).start()
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


page_settings(SLIDE)
st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
number = int(st.session_state[widget_key(SLIDE)])
slide = LECTURE[number - 1]

st.title(tr(f"lecture.{slide.key}.title"))
with st.spinner(tr("presenter.building")):
    try:
        spec = pick(_slide_specs(number - 1, lang(), seed()), slide)
    except SlideUnavailable:
        spec = None
        st.info(tr("presenter.unavailable"))
    except Exception as e:  # noqa: BLE001 - one broken figure must not stop the lecture
        spec = None
        st.error(tr("presenter.failed", error=e))
if spec is not None:
    st.plotly_chart(for_projection(spec.figure), width="stretch", theme=None,
                    config=CHART_CONFIG, key=f"presenter_{slide.figure}")
st.markdown(tr(f"lecture.{slide.key}.text"))

back, where, forward = st.columns([1, 1, 1], vertical_alignment="center")
back.button(tr("presenter.back"), on_click=_go, args=(-1,), disabled=number <= SLIDE.lo,
            width="stretch", icon=":material/arrow_back:", key="presenter_back")
where.markdown(f"<p style='text-align:center'>{tr('presenter.position', i=number, n=len(LECTURE))}"
               "</p>", unsafe_allow_html=True)
forward.button(tr("presenter.next"), on_click=_go, args=(1,), disabled=number >= SLIDE.hi,
               width="stretch", icon=":material/arrow_forward:", key="presenter_next")
leave, switch = st.columns([3, 1], vertical_alignment="center")
with leave:
    st.page_link("views/home.py", label=tr("presenter.exit"), icon=":material/close:")
# The sidebar (and its language menu) is hidden here; a bilingual class switches in one click.
other = next(code for code in LANGS if code != lang())
switch.button(LANG_NAMES[other], on_click=_set_language, args=(other,), width="stretch",
              icon=":material/translate:", key="presenter_language")
page_done(SLIDE, LANG)   # the language too: a presenter link opens in the language it showed
