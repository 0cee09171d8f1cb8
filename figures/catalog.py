"""An exportable figure (``FigureSpec``: figure, caption, settings, plotted data) and where in
the paper each comes from.

The pages' spec builders (``figures/*_specs.py``, ``figures.relu``) make them from numbers;
what computes those numbers at a page's defaults, and the list of them that
``python -m app.export`` builds, are the figure sources in ``app.figure_sources``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
import plotly.graph_objects as go


@dataclass
class FigureSpec:
    """One exportable figure.

    name: file stem, unique across the app, [a-z0-9_-] (e.g. "relu_figure1").
    caption: one sentence in the export's language, for slides and manifest.json.
    params: the settings that reproduce it (JSON-serialisable values).
    figure: the Plotly figure. data: the numbers drawn, one row per plotted point or bar.
    layouts: other arrangements of the same figure by aspect ("16:9": a callable returning a
    new go.Figure), for a figure that a resize alone would spoil (Figure 1's six-panel strip
    becomes a 2 x 3 grid on a slide); see ``figures.slides.for_aspect``.
    """
    name: str
    caption: str
    params: dict[str, Any]
    figure: go.Figure
    data: pd.DataFrame = field(default_factory=pd.DataFrame)
    layouts: dict[str, Callable[[], go.Figure]] = field(default_factory=dict, repr=False,
                                                        compare=False)


PAPER = {
    "relu_figure1": "§3.2, Figure 1", "relu_figure1_slider": "§3.2, Figure 1",
    "relu_one_width": "§3.2, Figure 1", "relu_information_loss": "Appendix A",
    "live_input": "§6.1", "live_top5": "§6.1", "live_profile": "§3.2, §6",
    "live_zeros": "§3.2", "live_compare": "§3.2, §6", "live_mosaic": "§3.2",
    "block_table1": "§3.3, Table 1", "block_options": "§3.1, §3.3", "block_table2": "§4, Table 2",
    "block_tfslim": "§6.1, TF-slim checkpoints", "block_table3": "§5, Table 3",
    "block_split": "§5.1", "block_ablation": "§6.4, Figure 6a",
    "evidence_figure7": "Appendix A, Figure 7", "evidence_recovery": "§3.2",
    "evidence_profile": "§3.2",
}
"""Where in the paper each figure comes from, by figure name or name prefix (the source line
of an exported caption)."""


def paper_section(name: str) -> str:
    """The paper section of figure ``name`` (the longest matching key of PAPER), or ""."""
    keys = [k for k in PAPER if name == k or name.startswith(k + "_")]
    return PAPER[max(keys, key=len)] if keys else ""
