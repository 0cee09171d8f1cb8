"""Figures of the "Live MobileNetV2" page: pure builders, data in, go.Figure out.

A dimension *profile* is described in ``figures.profiles``, which draws it (shared with the
block page); ``compare_figure`` and the probe names are re-exported here.
Every figure names the weights it shows in its title.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from i18n import t

from .plain import colorscale, layout_once, unvalidated_figure
from .profiles import (ESTIMATORS, LOG_TICKS, PROBE_COLORS, PROBES, by_probe, counted,  # noqa: F401
                       compare_figure, depth_x, profile_traces)
from .slides import wrap
from .style import BASE_FONT, TEMPLATE, TEMPLATE_DICT, TITLE_FONT, subplot_titles


@layout_once
def _profile_layout(lang: str, estimator: str) -> go.Figure:
    """``profile_figure``'s empty figure (the title is filled in per network)."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        row_heights=[0.62, 0.38], subplot_titles=(
                            t("live.fig.ed_vs_ambient", lang, est=t(f"live.est.{estimator}", lang)),
                            t("live.fig.ratio", lang)))
    fig.update_yaxes(type="log", title_text=t("live.fig.dimension", lang), tickvals=LOG_TICKS,
                     row=1, col=1)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text=t("live.fig.block", lang), dtick=1, row=2, col=1)
    subplot_titles(fig)
    fig.update_layout(template=TEMPLATE, title="title", height=560,
                      # At the bottom of the figure, below the x-axis title (paper-anchored it sat on it).
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom"),
                      margin=dict(t=80, b=10, l=60, r=20))
    return fig


def profile_figure(profile: Sequence[dict], estimator: str, weights_label: str,
                   lang: str = "en") -> go.Figure:
    """ED at each probe point along the depth of the network (top, log scale, ambient dimension
    dotted) and ED / ambient (bottom)."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {estimator!r}")
    layout = _profile_layout(lang, estimator)
    layout["title"]["text"] = t("live.fig.profile_title", lang, weights=weights_label)
    traces = profile_traces(profile, True, lang)
    for probe in PROBES:
        rows = by_probe(profile, probe)
        if rows:
            traces.append({
                "type": "scatter", "x": depth_x(rows), "y": [r["value"] / r["ambient"] for r in rows],
                "mode": "lines+markers", "line": {"color": PROBE_COLORS[probe]},
                # Hollow where the estimate has no more points than channels, as above: the
                # summary's medians leave those blocks out.
                "marker": {"symbol": ["circle" if counted(r) else "circle-open" for r in rows],
                           "size": 8},
                "legendgroup": probe, "showlegend": False,
                "hovertemplate": "%{y:.1%}<extra></extra>", "xaxis": "x2", "yaxis": "y2"})
    return unvalidated_figure(traces, layout)


def zeros_figure(profile: Sequence[dict], weights_label: str, lang: str = "en") -> go.Figure:
    """Fraction of exact zeros after each ReLU6 (expansion and depthwise), per block."""
    traces = []
    for probe in ("expansion", "depthwise"):
        rows = [r for r in by_probe(profile, probe) if r.get("zero_fraction") is not None]
        traces.append(dict(type="bar", x=[r["block"] for r in rows],
                           y=[r["zero_fraction"] for r in rows],
                           name=t(f"live.probe.{probe}", lang),
                           marker=dict(color=PROBE_COLORS[probe])))
    return unvalidated_figure(traces, dict(
        template=TEMPLATE_DICT, title=dict(text=t("live.fig.zeros_title", lang, weights=weights_label)),
        height=360, barmode="group",
        yaxis=dict(tickformat=".0%", range=[0, 1], title=dict(text=t("live.fig.zero_fraction", lang))),
        xaxis=dict(title=dict(text=t("live.fig.block", lang)), dtick=1),
        legend=dict(orientation="h", y=-0.25), margin=dict(t=70, b=80, l=60, r=20)))


COLUMN_PX = 250
"""Width a title in one of the live page's narrow columns may take (a third of the page's
content at 1280 x 720, less the chart's margins): longer titles are wrapped to it."""
LINE_PX = 24
"""Height added to a chart for each line its wrapped title gains."""


def topk_figure(names: Sequence[str], probs: Sequence[float], weights_label: str,
                lang: str = "en") -> go.Figure:
    """Top-k predictions as horizontal bars, best on top."""
    bars = dict(type="bar", x=[float(p) for p in probs][::-1], y=list(names)[::-1],
                orientation="h", marker=dict(color="#4c78a8"),
                text=[f"{p:.1%}" for p in list(probs)[::-1]],
                # Inside a bar long enough to hold it: outside, 89.0% was cut off at the
                # column's edge (1280 px, Korean).
                textposition="auto", insidetextanchor="end", cliponaxis=False)
    # The weights' name on lines of its own, wrapped: the chart sits in a narrow column
    # (a third of the page at 1280 px), and plotly cuts a title off at the chart's edge.
    name = wrap(weights_label, COLUMN_PX, BASE_FONT)
    lines = "<br>".join(f"<span style='font-size:{BASE_FONT}px'>{n}</span>" for n in name)
    # Hung from the top (not centred in the margin): the charts side by side start level.
    return unvalidated_figure([bars], dict(
        template=TEMPLATE_DICT, title=dict(text=f"{t('live.fig.topk', lang)}<br>{lines}",
                                       yref="container", y=1, yanchor="top", pad=dict(t=24)),
        height=300 + LINE_PX * (len(name) - 1),
        xaxis=dict(range=[0, 1.3], tickformat=".0%", tickvals=[0, 1]),
        margin=dict(t=60 + LINE_PX * (len(name) - 1), b=40, l=160, r=30)))


def input_figure(image: np.ndarray, title: str) -> go.Figure:
    """An image (h, w, 3) uint8 as the network sees it (after resizing and cropping); ``title``
    is wrapped to the column (``COLUMN_PX``), its ``<br>`` kept."""
    image = np.asarray(image)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"image must be uint8 (h, w, 3), got {image.dtype} {image.shape}")
    lines = [w for part in title.split("<br>") for w in wrap(part, COLUMN_PX, TITLE_FONT)]
    extra = LINE_PX * max(len(lines) - 2, 0)
    return unvalidated_figure([dict(type="image", z=image)], dict(
        xaxis=dict(visible=False), yaxis=dict(visible=False), template=TEMPLATE_DICT,
        title=dict(text="<br>".join(lines)), height=340 + extra,
        margin=dict(t=70 + extra, b=10, l=10, r=10)))


MOSAIC_TILE = 56
"""Largest tile side sent: the chart is 520 px high, so eight rows of tiles get about 55 px
each; a 112 x 112 channel (block 1 at 224 px) would send four times the values it can show
(4 MB of figure data for 64 channels)."""


def pooled(a: np.ndarray, max_side: int = MOSAIC_TILE) -> np.ndarray:
    """a (c, h, w) averaged over k x k blocks, with k the smallest integer that brings h and w
    to at most ``max_side``; edge rows and columns that do not fill a block are dropped.
    Unchanged when h, w <= max_side."""
    c, h, w = a.shape
    k = -(-max(h, w) // int(max_side))
    if k <= 1:
        return a
    h, w = h // k, w // k
    return a[:, :h * k, :w * k].reshape(c, h, k, w, k).mean(axis=(2, 4))


def mosaic(acts: np.ndarray, max_channels: int = 64,
           max_side: int = MOSAIC_TILE) -> tuple[np.ndarray, int]:
    """Tile the first ``max_channels`` channels of acts (c, h, w), each pooled to at most
    ``max_side`` pixels a side (``pooled``), into one 2-D array with a 1-pixel NaN gap;
    returns (array, columns)."""
    acts = np.asarray(acts, dtype=np.float32)
    if acts.ndim != 3:
        raise ValueError(f"acts must have shape (channels, h, w), got {acts.shape}")
    c = min(acts.shape[0], int(max_channels))
    acts = pooled(acts[:c], max_side)
    cols = int(np.ceil(np.sqrt(c)))
    rows = int(np.ceil(c / cols))
    h, w = acts.shape[1:]
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan, dtype=np.float32)
    for i in range(c):
        r, q = divmod(i, cols)
        out[r * (h + 1):r * (h + 1) + h, q * (w + 1):q * (w + 1) + w] = acts[i]
    return out, cols


def mosaic_figure(acts: np.ndarray, block: int, probe: str, weights_label: str,
                  lang: str = "en", max_channels: int = 64) -> go.Figure:
    """One block's channels at one probe point as a grid of heat maps (shared colour scale)."""
    tiled, _ = mosaic(acts, max_channels)
    shown = min(acts.shape[0], max_channels)
    heatmap = dict(type="heatmap", z=tiled[::-1], colorscale=colorscale("Viridis"),
                   hoverinfo="skip",
                   # The scale's name above the bar, level: drawn up its right side, Korean
                   # "활성값" sat on the tick label "3". 2×10⁻⁶, not plotly's SI "2µ" (a
                   # random network's last blocks carry values that small).
                   colorbar=dict(thickness=14, exponentformat="power", title=dict(
                       text=t("live.fig.mosaic_scale", lang), side="top")))
    return unvalidated_figure([heatmap], dict(
        xaxis=dict(visible=False), yaxis=dict(visible=False, scaleanchor="x"),
        template=TEMPLATE_DICT,
        title=dict(text=t("live.fig.mosaic_title", lang, block=block,
                          probe=t(f"live.probe.{probe}", lang), shown=shown,
                          total=acts.shape[0], weights=weights_label)),
        height=520, margin=dict(t=90, b=10, l=10, r=10), plot_bgcolor="white"))
