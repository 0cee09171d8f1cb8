"""Charts of the evidence over a data set (``model.evidence``): the paper's Figure 7 inside
every block, the information kept through the non-linearity, and the dimension profile with
its bootstrap intervals and the null reference. Data in (plain dicts of ``Evidence.to_dict``,
one per network), ``go.Figure`` out.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from i18n import t

from .slides import wrap
from .style import SUBTITLE_FONT, TEMPLATE, subplot_titles

DECADES = [1, 10, 100, 1000, 10000]     # log-axis labels

# One colour per network, in the order the page compares them (chosen, twin, random).
COLORS = ("#1f77b4", "#d62728", "#7f7f7f")
NULL_COLOR = "#2ca02c"
IMAGES_PROBE = "input"   # the images-as-points view drawn: each block's bottleneck input
PROFILE_TOP = 64         # the profile's top margin: its title and one line of panel titles
SUBTITLE_LINE = 20       # and each further line of a wrapped panel title


def _color(i: int) -> str:
    return COLORS[i % len(COLORS)]


def _panel_title(text: str, panels: int) -> str:
    """A subplot title broken into lines that fit its panel at 1280 px (the chart is about
    820 px wide there), so neighbouring titles never run into each other."""
    return "<br>".join(wrap(text, 760 / panels, SUBTITLE_FONT))


def figure7_figure(blocks: Mapping[str, Sequence[dict]], lang: str = "en") -> go.Figure:
    """Per block, the share of expansion channels positive after ReLU6 at a pixel: mean with
    the range over all pixels (min..max), one series per network (``blocks``: label -> block
    records), against Lemma 2's invertibility threshold d_in / hidden (= 1/t)."""
    fig = go.Figure()
    threshold = None
    for i, (label, rows) in enumerate(blocks.items()):
        rows = sorted(rows, key=lambda r: r["block"])
        threshold = threshold or rows
        offset = (i - (len(blocks) - 1) / 2) * 0.18     # side by side within a block
        fig.add_trace(go.Scatter(
            x=[r["block"] + offset for r in rows], y=[r["positive_mean_fraction"] for r in rows],
            mode="markers", name=label, marker=dict(color=_color(i), size=9),
            error_y=dict(type="data", symmetric=False,
                         array=[r["positive_max_fraction"] - r["positive_mean_fraction"] for r in rows],
                         arrayminus=[r["positive_mean_fraction"] - r["positive_min_fraction"]
                                     for r in rows], thickness=1.5, width=3),
            customdata=[[r["block"], r["positive_min"], round(r["positive_mean"], 1),
                         r["positive_max"], r["hidden"], r["n_pixels"]] for r in rows],
            hovertemplate=t("evidence.fig7_hover", lang) + f"<extra>{label}</extra>"))
    if threshold:
        fig.add_trace(go.Scatter(
            x=[r["block"] for r in threshold], y=[r["threshold_fraction"] for r in threshold],
            mode="lines", line=dict(color="black", dash="dash", shape="hvh"),
            name=t("evidence.threshold", lang),
            hovertemplate=t("evidence.threshold_hover", lang) + "<extra></extra>"))
    fig.update_layout(template=TEMPLATE, title=t("evidence.fig7_title", lang), height=440,
                      xaxis=dict(title=t("evidence.fig7_x", lang), dtick=1),
                      yaxis=dict(title=t("evidence.positive_share", lang), range=[0, 1.02],
                                 tickformat=".0%"),
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom"),
                      margin=dict(t=70, b=10, l=70, r=20))
    return fig


def recovery_figure(blocks: Mapping[str, Sequence[dict]], lang: str = "en") -> go.Figure:
    """Held-out R^2 of recovering a block's input X linearly, from ReLU6 of the expansion
    (solid) and from ReLU6 of X itself (dotted: the non-linearity in the thin bottleneck), with
    95% intervals over test images; one panel per network, side by side."""
    labels = list(blocks)
    fig = make_subplots(rows=1, cols=len(labels), shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[_panel_title(label, len(labels)) for label in labels])
    kinds = (("after", "solid", "circle"), ("without", "dot", "diamond-open"))
    for col, label in enumerate(labels, start=1):
        rows = sorted(blocks[label], key=lambda r: r["block"])
        for kind, dash, symbol in kinds:
            key = f"recovered_{kind}_expansion"
            have = [r for r in rows if r[key] is not None]
            lo, hi = f"recovered_{kind}_ci_low", f"recovered_{kind}_ci_high"
            fig.add_trace(go.Scatter(
                x=[r["block"] for r in have], y=[r[key] for r in have], mode="lines+markers",
                line=dict(color=_color(col - 1), dash=dash), marker=dict(symbol=symbol, size=8),
                name=t(f"evidence.recovered_{kind}", lang), legendgroup=kind, showlegend=col == 1,
                error_y=dict(type="data", symmetric=False, thickness=1.2, width=2,
                             array=[max(0.0, (r[hi] if r[hi] is not None else r[key]) - r[key])
                                    for r in have],
                             arrayminus=[max(0.0, r[key] - (r[lo] if r[lo] is not None else r[key]))
                                         for r in have]),
                customdata=[[r["block"], r["n_points"]] for r in have],
                hovertemplate=t("evidence.recovery_hover", lang) + "<extra></extra>"),
                row=1, col=col)
        fig.update_xaxes(title_text=t("evidence.block", lang), dtick=2, row=1, col=col)
    fig.update_yaxes(title_text=t("evidence.r2", lang), range=[0, 1.02], row=1, col=1)
    subplot_titles(fig)
    for annotation in fig.layout.annotations:   # clear of the "1" tick at the top of the axis
        annotation.yshift = 12
    # As the profile's: the title at the top, the panel titles under it with no empty band.
    lines = max(a.text.count("<br>") + 1 for a in fig.layout.annotations)
    fig.update_layout(template=TEMPLATE, height=470,
                      title=dict(text=t("evidence.recovery_title", lang), yref="container", y=1,
                                 yanchor="top", pad=dict(t=10)),
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom"),
                      margin=dict(t=PROFILE_TOP + 12 + SUBTITLE_LINE * (lines - 1), b=10, l=70,
                                  r=20))
    return fig


def profile_figure(profiles: Mapping[str, Sequence[dict]], estimator: str, probe: str,
                   lang: str = "en") -> go.Figure:
    """The dimension profile over the set: per block, the estimate with its 95% bootstrap
    interval (band) for each network, and the same estimator on isotropic Gaussian points of
    the same number and dimension (the null: where the sample, not the network, sets the
    value). Left: pixels as points at ``probe``; right: each image one point (TwoNN, Ansuini
    et al.). Hollow markers: too few points for the dimension, left out of summaries."""
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.09, subplot_titles=(
        _panel_title(t("evidence.panel_pixels", lang, probe=t(f"live.probe.{probe}", lang),
                       est=t(f"live.est.{estimator}", lang)), 2),
        _panel_title(t("evidence.panel_images", lang), 2)))
    panels = ((1, "pixels", estimator, probe), (2, "images", "twonn", IMAGES_PROBE))
    for col, points, est, where in panels:
        null_rows = None
        for i, (label, records) in enumerate(profiles.items()):
            rows = sorted((r for r in records if r["points"] == points and r["estimator"] == est
                           and r["probe"] == where and r["value"] is not None),
                          key=lambda r: r["block"])
            if not rows:
                continue
            null_rows = null_rows or rows
            x = [r["block"] for r in rows]
            band = [r for r in rows if r["ci_low"] is not None and r["ci_high"] is not None]
            if band:
                fig.add_trace(go.Scatter(
                    x=[r["block"] for r in band] + [r["block"] for r in band][::-1],
                    y=[r["ci_high"] for r in band] + [r["ci_low"] for r in band][::-1],
                    fill="toself", fillcolor=_color(i), opacity=0.18, line=dict(width=0),
                    hoverinfo="skip", showlegend=False, legendgroup=label), row=1, col=col)
            fig.add_trace(go.Scatter(
                x=x, y=[r["value"] for r in rows], mode="lines+markers", name=label,
                legendgroup=label, showlegend=col == 1, line=dict(color=_color(i)),
                marker=dict(size=8, symbol=["circle-open" if r["undersampled"] else "circle"
                                            for r in rows]),
                customdata=[[r["ci_low"], r["ci_high"], r["n_points"], r["ambient"],
                             r["null_value"]] for r in rows],
                hovertemplate=t("evidence.profile_hover", lang) + f"<extra>{label}</extra>"),
                row=1, col=col)
        if null_rows:
            fig.add_trace(go.Scatter(
                x=[r["block"] for r in null_rows], y=[r["null_value"] for r in null_rows],
                mode="lines", line=dict(color=NULL_COLOR, dash="dot", width=2),
                name=t("evidence.null", lang), legendgroup="null", showlegend=col == 1,
                hovertemplate=t("evidence.null_hover", lang) + "<extra></extra>"), row=1, col=col)
        fig.update_xaxes(title_text=t("evidence.block", lang), dtick=2, row=1, col=col)
        # Images as points: the null of a few hundred points in thousands of dimensions sits
        # an order of magnitude above the networks' values; a log axis shows both.
        fig.update_yaxes(title_text=t("evidence.dimension", lang),
                         # Decades only, as plain numbers (plotly's own minor labels read
                         # "5, 2, 100, 5, 2"; 2s and 5s crowd a projected chart).
                         **(dict(type="log", tickvals=DECADES) if points == "images"
                            else dict(rangemode="tozero")),
                         row=1, col=col)
    subplot_titles(fig)
    # The title at the top, the panel titles (one line each unless a long estimator or probe
    # name wraps them) just under it: no empty band between them, so that on a projector at
    # 1280 x 720 the panels keep their height (they were squeezed to about 90 px).
    lines = max(a.text.count("<br>") + 1 for a in fig.layout.annotations)
    fig.update_layout(template=TEMPLATE, height=490,
                      title=dict(text=t("evidence.profile_title", lang), yref="container", y=1,
                                 yanchor="top", pad=dict(t=10)),
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom",
                                  tracegroupgap=0),
                      margin=dict(t=PROFILE_TOP + SUBTITLE_LINE * (lines - 1), b=10, l=70, r=20))
    return fig
