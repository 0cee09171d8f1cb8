"""Every exportable figure of the app: ``FigureSpec`` and the list of figure sources.

A figure source is a callable ``(lang: str, seed: int) -> list[FigureSpec]`` that builds one
page's figures at that page's default settings. ``python -m app.export`` calls every source
in ``FIGURE_SOURCES``. To add a page's figures, add ONE line to ``FIGURE_SOURCES``:

    lazy_source("figures.block:figure_specs"),

Sources are named by "module:function" and imported only when called, so importing this
module (as the ReLU page does) never imports torch through another page's figures.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable, Collection

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


FigureSource = Callable[[str, int], "list[FigureSpec]"]


def lazy_source(target: str, prefix: str = "") -> FigureSource:
    """A figure source named "package.module:function", imported on first call.

    ``prefix`` is the start every one of its figure names shares ("relu_"): ``--only`` then
    builds only the sources that can hold a wanted name."""
    module_name, _, func_name = target.partition(":")
    if not module_name or not func_name:
        raise ValueError(f"a figure source is named 'module:function', got {target!r}")

    def source(lang: str, seed: int) -> list[FigureSpec]:
        return getattr(importlib.import_module(module_name), func_name)(lang, seed)

    source.__name__ = source.__qualname__ = target
    source.prefix = prefix
    return source


FIGURE_SOURCES: list[FigureSource] = [
    lazy_source("figures.relu:figure_specs", prefix="relu_"),
    lazy_source("figures.relu_frames:figure_specs", prefix="relu_"),
    lazy_source("figures.live_specs:figure_specs", prefix="live_"),
    lazy_source("figures.block_specs:figure_specs", prefix="block_"),
    lazy_source("figures.evidence_specs:figure_specs", prefix="evidence_"),
]


def all_figure_specs(lang: str = "en", seed: int = 0, *,
                     progress: Callable[[int, int, str], None] | None = None,
                     only: Collection[str] = ()) -> list[FigureSpec]:
    """Every registered figure, in page order. Raises ValueError on duplicate names.

    ``only``: figure names wanted; sources whose prefix none of them has are not built (the
    caller still filters the returned specs). ``progress(i, n, source_name)`` is called after
    source i of n has built its figures."""
    sources = [s for s in FIGURE_SOURCES
               if not only or any(name.startswith(getattr(s, "prefix", "")) for name in only)]
    specs = []
    for i, source in enumerate(sources):
        specs.extend(source(lang, seed))
        if progress:
            progress(i, len(sources), source.__name__)
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"figure names must be unique, these repeat: {dupes}")
    return specs
