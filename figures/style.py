"""The one look every figure builder shares: plotly's "plotly_white", set explicitly, with
type large enough for a projector.

Plotly's default template changes when Streamlit is imported (it makes "streamlit" the
default), and exports must not depend on that, so every builder sets ``template=TEMPLATE``.
Only the parts these figures use are in it: assigning the full "plotly_white" deep-copies it
for every trace type, about 10 ms per figure on each slider move.

Sizes are CSS pixels of the figure as drawn. A 1280 px projector shows a chart at about its
own width, so no text may be smaller than ``MIN_FONT`` (14 px, issue 9).
"""
from __future__ import annotations

import plotly.graph_objects as go

MIN_FONT = 14
"""The smallest chart text: ticks, legend, hover, annotations, colour bars."""
BASE_FONT = 14
TITLE_FONT = 18
SUBTITLE_FONT = 16
"""Subplot titles (plotly draws them as annotations, 16 px by default)."""
FONT_COLOR = "#2a3f5f"

_AXIS = dict(gridcolor="#EBF0F8", linecolor="#EBF0F8", zerolinecolor="#EBF0F8", zerolinewidth=2,
             automargin=True, ticks="", tickfont=dict(size=BASE_FONT),
             title=dict(font=dict(size=BASE_FONT)))
_SCENE_AXIS = dict(backgroundcolor="white", gridcolor="#DFE8F3", gridwidth=2, linecolor="#EBF0F8",
                   showbackground=True, ticks="", zerolinecolor="#EBF0F8",
                   tickfont=dict(size=BASE_FONT), title=dict(font=dict(size=BASE_FONT)))

TEMPLATE = go.layout.Template(layout=dict(
    paper_bgcolor="white", plot_bgcolor="white",
    font=dict(color=FONT_COLOR, size=BASE_FONT),
    title=dict(x=0.05, font=dict(size=TITLE_FONT)),
    legend=dict(font=dict(size=BASE_FONT)),
    hoverlabel=dict(font=dict(size=BASE_FONT)),
    xaxis=_AXIS, yaxis=_AXIS, scene=dict(xaxis=_SCENE_AXIS, yaxis=_SCENE_AXIS, zaxis=_SCENE_AXIS),
    hovermode="closest"))
"""The shared template: white background, light grid, 14 px text, 18 px titles."""
TEMPLATE_DICT = TEMPLATE.to_plotly_json()
"""``TEMPLATE`` as plotly writes it, once, for the figures assembled from plain dicts
(``figures.plain``)."""


def subplot_titles(fig: go.Figure, size: int = SUBTITLE_FONT) -> None:
    """Give the subplot titles of ``fig`` (annotations make_subplots added) one size."""
    for annotation in fig.layout.annotations:
        if annotation.font.size is None or annotation.font.size < size:
            annotation.font.size = size
