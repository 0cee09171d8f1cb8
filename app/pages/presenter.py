"""Presenter mode: the prepared lecture (figures/lecture.py), one figure per screen.

For projecting in a classroom: the sidebar and Streamlit's toolbar are hidden, type is large,
and big Back / Next buttons step through the slides (no keyboard needed). The slide number is
in the URL (``?slide=3``), so a link opens the lecture where it was left. Figures come from
the same registered builders as the pages and the export, cached per language and seed.
"""
import streamlit as st

from app.ui import lang, page_done, page_settings, seed, tr
from app.urlstate import Param, widget_key
from figures.catalog import FigureSpec
from figures.lecture import LECTURE, SlideUnavailable, for_projection, pick, source_specs

SLIDE = Param("slide", 1, kind="int", lo=1, hi=len(LECTURE))
CHART_CONFIG = {"displaylogo": False, "displayModeBar": False}

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


@st.cache_resource(max_entries=8, show_spinner=False)
def _source_specs(target: str, language: str, seed_value: int) -> list[FigureSpec]:
    """One page's figures (its registered source), shared by every session and slide."""
    return source_specs(target, language, seed_value)


def _go(step: int) -> None:
    key = widget_key(SLIDE)
    st.session_state[key] = min(max(int(st.session_state[key]) + step, SLIDE.lo), SLIDE.hi)


page_settings(SLIDE)
st.markdown(PRESENTER_CSS, unsafe_allow_html=True)
number = int(st.session_state[widget_key(SLIDE)])
slide = LECTURE[number - 1]

st.title(tr(f"lecture.{slide.key}.title"))
with st.spinner(tr("presenter.building")):
    try:
        spec = pick(_source_specs(slide.source, lang(), seed()), slide)
    except SlideUnavailable:
        spec = None
        st.info(tr("presenter.unavailable"))
    except (ValueError, ImportError, OSError) as e:
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
st.page_link("pages/home.py", label=tr("presenter.exit"), icon=":material/close:")
page_done(SLIDE)
