"""A figure's downloads in the app: PNG, SVG, PDF, self-contained HTML and CSV, laid out as on
the page or for a 16:9 slide, optionally with the caption and source inside the image.

The menu's widgets exist only while it is open, and every file is made only when its button
is clicked (Streamlit's deferred download data), so a rerun pays almost nothing for export;
PNG/SVG/PDF then start Chromium for that one file (~1-2 s).
"""
from __future__ import annotations

import streamlit as st

from app.notices import plain_text
from app.ui import lang, tr
from figures.catalog import FigureSpec
from figures.render import FORMATS, MIME, STATIC_FORMATS, export_bytes, file_name, static_problem
from figures.slides import ASPECTS


def _deferred(spec: FigureSpec, fmt: str, language: str, aspect: str, caption: bool):
    """The callable Streamlit runs on click (on its own thread, no Streamlit calls inside)."""
    return lambda: export_bytes(spec, fmt, language, aspect=aspect, caption=caption)


def figure_downloads(spec: FigureSpec, key: str) -> None:
    """Download buttons for ``spec`` in a popover; ``key`` must be unique on the page.

    Where Chromium (or, for Korean, a Hangul font) is missing, the static formats are left
    out and the page says how to install them; HTML and CSV always work.
    """
    # Its contents are drawn only while it is open (it reruns the page when opened): seven
    # widgets for each of a page's eight figures were a tenth of every rerun under a class's
    # load (py-spy, bench/load.py --explore).
    # A short label (the full wording in its tooltip): the ReLU page draws it in a narrow column.
    menu = st.popover(tr("downloads.label"), icon=":material/download:", key=f"download_{key}",
                      help=tr("downloads.help"), on_change="rerun")
    if not menu.open:
        return
    language = lang()
    problem = static_problem(language)
    with menu:
        plain_text(tr("downloads.caption", caption=spec.caption), small=True)
        aspect = st.radio(tr("downloads.aspect"), ASPECTS, horizontal=True,
                          format_func=lambda a: tr(f"downloads.aspect.{a}"),
                          key=f"download_{key}_aspect") or ASPECTS[0]
        caption = False if problem else st.checkbox(tr("downloads.with_caption"),
                                                    key=f"download_{key}_caption")
        formats = [f for f in FORMATS if not (problem and f in STATIC_FORMATS)]
        for column, fmt in zip(st.columns(len(formats)), formats):
            with column:
                st.download_button(fmt.upper(),
                                   data=_deferred(spec, fmt, language, aspect, caption),
                                   file_name=file_name(spec, fmt, language, aspect),
                                   mime=MIME[fmt], on_click="ignore",
                                   key=f"download_{key}_{fmt}")
        if problem:
            st.warning(problem)


def show_figure(spec: FigureSpec, caption: bool = True) -> None:
    """Draw a spec's chart, its caption and its download buttons (keyed by the spec's name)."""
    # theme=None: the figure's own template (figures/style.py, 14 px text), as exported;
    # Streamlit's theme would draw ticks and legends at 12 px.
    st.plotly_chart(spec.figure, key=spec.name, theme=None)
    if caption:
        plain_text(spec.caption)   # an explanation: full-size text
    figure_downloads(spec, key=spec.name)
