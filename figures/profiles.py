"""Dimension profiles drawn along the depth of the network: shared by the live page
(``figures.live``) and the block page's ablation (``figures.block_specs``), so neither page's
figure module imports the other's.

A dimension *profile* is a list of dicts, one per (block, probe point):
    block (1..17), probe ("input" | "expansion" | "depthwise" | "projection"),
    ambient (channels), value (the chosen estimator's dimension), zero_fraction (or None),
    and optionally n_points (points behind the estimate; fewer than ambient draws hollow).
"""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from i18n import t

from .plain import layout_once, unvalidated_figure
from .style import TEMPLATE, subplot_titles

PROBES = ("input", "expansion", "depthwise", "projection")
PROBE_COLORS = {"input": "#4c78a8", "expansion": "#f58518", "depthwise": "#e45756",
                "projection": "#54a24b"}
# Where each probe point sits inside its block on the depth axis.
PROBE_OFFSET = {"input": 0.0, "expansion": 0.25, "depthwise": 0.5, "projection": 0.75}
LOG_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
ESTIMATORS = ("pca", "pr", "twonn")


def counted(record: dict) -> bool:
    """Whether a profile record's estimate counts: backed by more points (pixels) than
    channels; the charts draw the others hollow. The same rule as ``services.live.counted``
    (which leaves them out of the page's summary); tests/test_plain_figures.py holds the two
    together, so figures/ need not import the service."""
    return record.get("n_points", record["ambient"] + 1) > record["ambient"]


def by_probe(profile: Sequence[dict], probe: str) -> list[dict]:
    """The rows of ``profile`` at ``probe``, in block order."""
    return sorted((r for r in profile if r["probe"] == probe), key=lambda r: r["block"])


def depth_x(rows: Sequence[dict]) -> list[float]:
    """Each row's place on the depth axis: its block plus the probe's offset inside it."""
    return [r["block"] + PROBE_OFFSET[r["probe"]] for r in rows]


def profile_traces(profile, showlegend: bool, lang: str, ambient: bool = True,
                   cell: int = 1) -> list[dict]:
    """Plain scatter dicts (``figures.plain``): one line per probe point (the estimate) and,
    dotted, its channel count, in subplot ``cell`` (1, 2, ...)."""
    block = t("live.fig.block", lang)
    axes = {"xaxis": f"x{'' if cell == 1 else cell}", "yaxis": f"y{'' if cell == 1 else cell}"}
    traces = []
    for probe in PROBES:
        rows = by_probe(profile, probe)
        if not rows:
            continue
        name = t(f"live.probe.{probe}", lang)
        color = PROBE_COLORS[probe]
        x = depth_x(rows)
        # Hollow markers: fewer points than channels, so the estimate is capped by the
        # number of points (deep blocks of a small image have only a few pixels).
        symbols = ["circle" if counted(r) else "circle-open" for r in rows]
        traces.append({
            "type": "scatter", "x": x, "y": [r["value"] for r in rows], "mode": "lines+markers",
            "name": name, "legendgroup": probe, "showlegend": showlegend,
            "line": {"color": color}, "marker": {"symbol": symbols, "size": 8},
            "customdata": [[r["block"], r["ambient"]] for r in rows],
            "hovertemplate": f"{name}<br>{block} %{{customdata[0]}}: %{{y:.1f}} / %{{customdata[1]}}"
                             "<extra></extra>", **axes})
        if ambient:
            traces.append({
                "type": "scatter", "x": x, "y": [r["ambient"] for r in rows], "mode": "lines",
                "name": t("live.fig.ambient_of", lang, probe=name), "legendgroup": probe,
                "showlegend": showlegend, "line": {"color": color, "dash": "dot", "width": 1},
                "hoverinfo": "skip", **axes})
    return traces


@layout_once
def _compare_layout(count: int, lang: str, estimator: str) -> go.Figure:
    """``compare_figure``'s empty figure for ``count`` panels, placeholder panel titles."""
    fig = make_subplots(rows=1, cols=count, shared_yaxes=True,
                        subplot_titles=[f"panel {i}" for i in range(count)],
                        horizontal_spacing=0.04)
    for i in range(1, count + 1):
        fig.update_xaxes(title_text=t("live.fig.block", lang), dtick=2, row=1, col=i)
    fig.update_yaxes(type="log", tickvals=LOG_TICKS)
    # One axis title, on the left panel's axis that carries the shared ticks: the other
    # panels' own title stood in the gap between the panels, belonging to neither.
    fig.update_yaxes(title_text=t("live.fig.dimension", lang), row=1, col=1)
    subplot_titles(fig)
    fig.update_layout(template=TEMPLATE, title=t("live.fig.compare_title", lang,
                                                 est=t(f"live.est.{estimator}", lang)),
                      height=520, legend=dict(orientation="h", y=-0.2),
                      margin=dict(t=90, b=90, l=60, r=20))
    return fig


def compare_figure(profiles: dict, estimator: str, lang: str = "en",
                   title: str | None = None) -> go.Figure:
    """Side by side: the profile of each weight source ({label: profile}) on the same images,
    with a shared y axis. ``title`` replaces the default title."""
    labels = list(profiles)
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {estimator!r}")
    layout = _compare_layout(len(labels), lang, estimator)
    for annotation, label in zip(layout["annotations"], labels):
        annotation["text"] = label
    if title:
        layout["title"]["text"] = title
    return unvalidated_figure([trace for i, label in enumerate(labels, 1)
                               for trace in profile_traces(profiles[label], i == 1, lang, cell=i)],
                              layout)
