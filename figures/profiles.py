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

from .style import TEMPLATE, subplot_titles

PROBES = ("input", "expansion", "depthwise", "projection")
PROBE_COLORS = {"input": "#4c78a8", "expansion": "#f58518", "depthwise": "#e45756",
                "projection": "#54a24b"}
# Where each probe point sits inside its block on the depth axis.
PROBE_OFFSET = {"input": 0.0, "expansion": 0.25, "depthwise": 0.5, "projection": 0.75}
LOG_TICKS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]


def by_probe(profile: Sequence[dict], probe: str) -> list[dict]:
    """The rows of ``profile`` at ``probe``, in block order."""
    return sorted((r for r in profile if r["probe"] == probe), key=lambda r: r["block"])


def depth_x(rows: Sequence[dict]) -> list[float]:
    """Each row's place on the depth axis: its block plus the probe's offset inside it."""
    return [r["block"] + PROBE_OFFSET[r["probe"]] for r in rows]


def add_profile_traces(fig, profile, row, col, showlegend, lang, ambient=True):
    """One line per probe point (the estimate) and, dotted, its channel count."""
    block = t("live.fig.block", lang)
    for probe in PROBES:
        rows = by_probe(profile, probe)
        if not rows:
            continue
        name = t(f"live.probe.{probe}", lang)
        color = PROBE_COLORS[probe]
        # Hollow markers: fewer points than channels, so the estimate is capped by the
        # number of points (deep blocks of a small image have only a few pixels).
        symbols = ["circle" if r.get("n_points", r["ambient"] + 1) > r["ambient"] else "circle-open"
                   for r in rows]
        fig.add_trace(go.Scatter(
            x=depth_x(rows), y=[r["value"] for r in rows], mode="lines+markers", name=name,
            legendgroup=probe, showlegend=showlegend, line=dict(color=color),
            marker=dict(symbol=symbols, size=8),
            customdata=[[r["block"], r["ambient"]] for r in rows],
            hovertemplate=f"{name}<br>{block} %{{customdata[0]}}: %{{y:.1f}} / %{{customdata[1]}}"
                          "<extra></extra>"), row=row, col=col)
        if ambient:
            fig.add_trace(go.Scatter(
                x=depth_x(rows), y=[r["ambient"] for r in rows], mode="lines",
                name=t("live.fig.ambient_of", lang, probe=name), legendgroup=probe,
                showlegend=showlegend, line=dict(color=color, dash="dot", width=1),
                hoverinfo="skip"), row=row, col=col)


def compare_figure(profiles: dict, estimator: str, lang: str = "en",
                   title: str | None = None) -> go.Figure:
    """Side by side: the profile of each weight source ({label: profile}) on the same images,
    with a shared y axis. ``title`` replaces the default title."""
    labels = list(profiles)
    fig = make_subplots(rows=1, cols=len(labels), shared_yaxes=True, subplot_titles=labels,
                        horizontal_spacing=0.04)
    for i, label in enumerate(labels, 1):
        add_profile_traces(fig, profiles[label], 1, i, i == 1, lang)
        fig.update_xaxes(title_text=t("live.fig.block", lang), dtick=2, row=1, col=i)
    fig.update_yaxes(type="log", title_text=t("live.fig.dimension", lang), tickvals=LOG_TICKS)
    est = t(f"live.est.{estimator}", lang)
    subplot_titles(fig)
    fig.update_layout(template=TEMPLATE, title=title or t("live.fig.compare_title", lang, est=est),
                      height=520, legend=dict(orientation="h", y=-0.2),
                      margin=dict(t=90, b=90, l=60, r=20))
    return fig
