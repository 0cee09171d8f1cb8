"""Figures of the "Inverted residual block" page: pure builders, data in, go.Figure out.

Used by ``app/views/block.py`` and by the export. Every text goes through ``t(key, lang)``.
"""
from __future__ import annotations

import math
from typing import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from i18n import t
from .plain import layout_once, unvalidated_figure
from .style import TEMPLATE, TEMPLATE_DICT, subplot_titles

KB, MB = 1000, 1000 ** 2
"""Bytes are shown in KB and MB of 1000 and 1000² bytes, as the paper's Table 3 counts "K"."""
OPTION_COLORS = {"standard": "#9e9e9e", "separable": "#4c78a8", "bottleneck": "#f58518"}
THIN, WIDE = "#4c78a8", "#f58518"


def human(n: float) -> str:
    """3504872 -> '3.50M', 300774272 -> '300.8M', 1234 -> '1.23K'."""
    n = float(n)
    for unit, div in (("G", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(n) >= div:
            value = n / div
            return f"{value:.3g}{unit}" if value < 100 else f"{value:.1f}{unit}"
    return f"{n:.3g}"


def accuracy_percent(final: dict) -> str:
    """A training log's final held-out accuracy as the README writes it: the count of correct
    images over the held-out size, rounded half up to 0.1% (0.9655 of 2,000 = 1,931 images
    -> "96.6%"; float formatting of 0.9655 would give "96.5%")."""
    from decimal import ROUND_HALF_UP, Decimal
    size = int(final.get("heldout_size") or 0)
    acc = float(final["heldout_acc"])
    exact = Decimal(round(acc * size) * 100) / size if size else Decimal(repr(acc * 100))
    return f"{exact.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def accuracy_interval(final: dict, z: float = 1.96) -> str:
    """The Wilson score interval (95% at the default ``z``) of a log's final held-out accuracy,
    as "95.7-97.3%": what the held-out sample's size alone allows, not the spread between
    training runs. "" when the log does not give the held-out size."""
    size = int(final.get("heldout_size") or 0)
    if size <= 0:
        return ""
    p = round(float(final["heldout_acc"]) * size) / size
    centre = (p + z * z / (2 * size)) / (1 + z * z / size)
    half = z * math.sqrt(p * (1 - p) / size + z * z / (4 * size * size)) / (1 + z * z / size)
    low, high = max(centre - half, 0.0), min(centre + half, 1.0)    # not "-0.0"
    return f"{100 * low:.1f}-{100 * high:.1f}%"


LAYER_NAMES = ("stem", "conv 1x1", "classifier")
"""Table 2's layers that are not blocks (blocks are "b1".."b17"): translated on the axis."""


@layout_once
def _options_layout(lang: str) -> go.Figure:
    """``options_figure``'s empty figure: three panels, titled, in the page's style."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=(
        t("block.fig.madds", lang), t("block.fig.params", lang), t("block.fig.time_ms", lang)))
    subplot_titles(fig)
    fig.update_layout(template=TEMPLATE, title=t("block.fig.options_title", lang), height=400,
                      margin=dict(t=90, b=40, l=40, r=20))
    return fig


def options_figure(rows: Sequence[dict], lang: str = "en") -> go.Figure:
    """MAdds, parameters and measured CPU time of the three layer options side by side.

    rows: dicts with option ("standard" | "separable" | "bottleneck"), madds, params, seconds.
    Built from plain dicts (``figures.plain``: every change of the block page's settings
    draws it; through plotly's validation it took about 50 ms)."""
    names = [t(f"block.option.{r['option']}", lang) for r in rows]
    colors = [OPTION_COLORS[r["option"]] for r in rows]
    traces = []
    for col, (field, scale, fmt) in enumerate(
            (("madds", 1, human), ("params", 1, human), ("seconds", 1000, lambda v: f"{v:.2f}")), 1):
        values = [r[field] * scale for r in rows]
        axis = "" if col == 1 else str(col)
        traces.append(dict(type="bar", x=names, y=values, marker=dict(color=colors),
                           showlegend=False, text=[fmt(v) for v in values],
                           textposition="outside", cliponaxis=False,
                           xaxis=f"x{axis}", yaxis=f"y{axis}"))
    return unvalidated_figure(traces, _options_layout(lang))


def _slab(shapes: list, annotations: list, x0: float, width: float, height: float, color: str,
          label: str, sub: str, dash: bool = False) -> None:
    shapes.append(dict(type="rect", x0=x0, x1=x0 + width, y0=-height / 2, y1=height / 2,
                       fillcolor=color, opacity=0.75,
                       line=dict(color="#333", width=1, dash="dash" if dash else "solid")))
    annotations.append(dict(x=x0 + width / 2, y=height / 2, text=f"<b>{label}</b>",
                            showarrow=False, yanchor="bottom", yshift=4))
    annotations.append(dict(x=x0 + width / 2, y=-height / 2, text=sub, showarrow=False,
                            yanchor="top", yshift=-4))


def table1_figure(d_i: int, d_j: int, t_exp: int, h: int, w: int, stride: int,
                  k: int = 3, lang: str = "en") -> go.Figure:
    """Table 1 of the paper drawn as tensors: thin bottleneck -> wide expansion -> depthwise
    -> thin linear projection. Slab widths grow with the square root of the channels and
    heights with the spatial size, so the "inverted" shape (thin-wide-thin) is visible.

    Shapes and annotations are plain dicts, as plotly writes them (``figures.plain``: every
    change of the block page's settings draws it; validated, it took 50-80 ms)."""
    inner = t_exp * d_i
    ho, wo = (h - 1) // stride + 1, (w - 1) // stride + 1
    tensors = [(d_i, h, w, THIN, t("block.t1.input", lang)),
               (inner, h, w, WIDE, t("block.t1.expanded", lang)),
               (inner, ho, wo, WIDE, t("block.t1.depthwise", lang)),
               (d_j, ho, wo, THIN, t("block.t1.output", lang))]
    if t_exp == 1:  # no expansion layer: the input feeds the depthwise conv directly
        tensors.pop(1)
    ops = ([] if t_exp == 1 else [t("block.t1.op_expand", lang)]) + [
        t("block.t1.op_depthwise", lang, k=k, s=stride), t("block.t1.op_project", lang)]
    biggest = max(c for c, *_ in tensors) ** 0.5
    shapes, annotations = [], []
    x, gap, centers = 0.0, 2.3, []      # gaps wide enough for the 14 px operation labels
    for i, (c, hh, ww, color, label) in enumerate(tensors):
        width = 1.2 * (c ** 0.5) / biggest + 0.08
        height = 0.4 + 0.6 * hh / max(h, 1)
        _slab(shapes, annotations, x, width, height, color, label, f"{hh}×{ww}×{c}")
        centers.append((x, x + width))
        x += width + gap
    for (a0, a1), (b0, b1), text in zip(centers[:-1], centers[1:], ops):
        annotations.append(dict(x=b0, y=0, ax=a1, ay=0, xref="x", yref="y", axref="x",
                                ayref="y", showarrow=True, arrowhead=3, arrowwidth=1.5, text=""))
        annotations.append(dict(x=(a1 + b0) / 2, y=0.08, text=text, showarrow=False,
                                yanchor="bottom"))
    if stride == 1 and d_i == d_j:
        x_start, x_end = (centers[0][0] + centers[0][1]) / 2, (centers[-1][0] + centers[-1][1]) / 2
        shapes.append(dict(type="path",
                           path=f"M {x_start},0.72 C {x_start},1.15 {x_end},1.15 {x_end},0.72",
                           line=dict(color="#2ca02c", width=2)))
        annotations.append(dict(x=(x_start + x_end) / 2, y=1.04, text=t("block.t1.residual", lang),
                                showarrow=False, yanchor="bottom", font=dict(color="#2ca02c")))
    # Margins for the end slabs' labels, which are wider than the thin slabs.
    layout = dict(annotations=annotations, shapes=shapes, template=TEMPLATE_DICT,
                  title=dict(text=t("block.fig.table1_title", lang, t=t_exp)), height=340,
                  plot_bgcolor="white", margin=dict(t=60, b=10, l=10, r=10),
                  xaxis=dict(visible=False, range=[-0.9, x - gap + 0.9]),
                  yaxis=dict(visible=False, range=[-0.8, 1.3]))
    return unvalidated_figure([], layout)


def table2_figure(blocks: Sequence[dict], width: float, resolution: int,
                  lang: str = "en") -> go.Figure:
    """Per-layer MAdds and parameters of the network, computed from the model.

    blocks: dicts with name (e.g. "stem", "block 1", ..., "conv 1x1", "classifier"), madds,
    params, in ordered as the network runs.
    """
    names = [t(f"block.layer.{b['name']}", lang) if b["name"] in LAYER_NAMES else b["name"]
             for b in blocks]
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=(t("block.fig.madds", lang), t("block.fig.params", lang)))
    fig.add_trace(go.Bar(x=names, y=[b["madds"] for b in blocks], marker_color=WIDE,
                         name="MAdds", showlegend=False,
                         hovertemplate="%{x}: %{y:,}<extra></extra>"), row=1, col=1)
    fig.add_trace(go.Bar(x=names, y=[b["params"] for b in blocks], marker_color=THIN,
                         name=t("block.fig.params", lang), showlegend=False,
                         hovertemplate="%{x}: %{y:,}<extra></extra>"), row=2, col=1)
    total_m, total_p = sum(b["madds"] for b in blocks), sum(b["params"] for b in blocks)
    fig.update_layout(template=TEMPLATE, title=t("block.fig.table2_title", lang, width=width, res=resolution,
                              madds=f"{total_m:,}", params=f"{total_p:,}"),
                      height=540, margin=dict(t=110, b=60, l=50, r=20))
    return fig


def tfslim_figure(paper: dict, computed: dict, lang: str = "en") -> go.Figure:
    """The paper's TF-slim table (MMACs / top-1, docs/PAPER_FACTS.md §4) as a heat map next to the
    MAdds this model computes for the same widths and resolutions.

    paper: {(width, res): (mmacs, top1)}; computed: {(width, res): madds}.
    """
    widths = sorted({w for w, _ in paper} | {w for w, _ in computed}, reverse=True)
    resolutions = sorted({r for _, r in paper} | {r for _, r in computed}, reverse=True)
    cols = [str(r) for r in resolutions]
    rows = [str(w) for w in widths]

    def grid(fn):
        return [[fn(w, r) for r in resolutions] for w in widths]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12, subplot_titles=(
        t("block.fig.tfslim_paper", lang), t("block.fig.tfslim_computed", lang)))
    paper_z = grid(lambda w, r: paper[(w, r)][1] if (w, r) in paper else None)
    paper_txt = grid(lambda w, r: f"{paper[(w, r)][0]}M<br>{paper[(w, r)][1]}%" if (w, r) in paper else "")
    fig.add_trace(go.Heatmap(z=paper_z, x=cols, y=rows, text=paper_txt, texttemplate="%{text}",
                             colorscale="Blues", showscale=False, hoverinfo="skip"), row=1, col=1)
    comp_z = grid(lambda w, r: computed[(w, r)] / 1e6 if (w, r) in computed else None)
    comp_txt = grid(lambda w, r: f"{computed[(w, r)] / 1e6:.0f}M" if (w, r) in computed else "")
    fig.add_trace(go.Heatmap(z=comp_z, x=cols, y=rows, text=comp_txt, texttemplate="%{text}",
                             colorscale="Oranges", showscale=False, hoverinfo="skip"), row=1, col=2)
    for col in (1, 2):
        fig.update_xaxes(title_text=t("block.fig.resolution", lang), type="category", row=1, col=col)
        fig.update_yaxes(title_text=t("block.fig.width", lang), type="category",
                         autorange="reversed", row=1, col=col)
    # Room for the two-line title (centred in the top margin) above the panel titles.
    fig.update_layout(template=TEMPLATE, title=t("block.fig.tfslim_title", lang), height=420,
                      margin=dict(t=126, b=50, l=60, r=20))
    return fig


def table3_figure(computed: Sequence[dict], paper_max: dict, lang: str = "en") -> go.Figure:
    """Table 3: the largest tensor to keep between blocks at each spatial resolution.

    computed: dicts with resolution (e.g. 112), channels, kbytes (16-bit) for this model;
    paper_max: {network name: kbytes} (the paper's maxima for other networks).
    """
    xs = [f"{c['resolution']}²" for c in computed]
    fig = go.Figure(go.Bar(x=xs, y=[c["kbytes"] for c in computed], marker_color=THIN,
                           text=[f"{c['kbytes']:.0f}K<br>({c['channels']} ch)" for c in computed],
                           # Inside the bar where it fits: above the 112² bar (401K) the
                           # label sat on the paper's 400K line.
                           textposition="auto", insidetextanchor="middle", cliponaxis=False,
                           name=t("block.fig.table3_ours", lang)))
    palette = ["#e45756", "#72b7b2", "#54a24b"]
    for (name, kb), color in zip(paper_max.items(), palette):
        fig.add_hline(y=kb, line=dict(color=color, dash="dot"),
                      annotation_text=t("block.fig.table3_paper_line", lang, name=name, kb=kb),
                      annotation_position="top right", annotation_font_size=14)
    fig.update_layout(template=TEMPLATE, title=t("block.fig.table3_title", lang), height=420,
                      yaxis_title=t("block.fig.kbytes", lang),
                      xaxis_title=t("block.fig.resolution", lang),
                      margin=dict(t=70, b=50, l=60, r=20))
    return fig


def split_figure(results: Sequence[dict], block_name: str, lang: str = "en") -> go.Figure:
    """Section 5.1: bytes of the inner tensors (accounted) and the measured peak the call added,
    for k = 1.., with the max |difference| to the unsplit block as text.

    results: dicts with k, inner_bytes, measured_peak_bytes (may be None), max_abs_diff.
    """
    ks = [str(r["k"]) for r in results]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=ks, y=[r["inner_bytes"] / MB for r in results], marker_color=WIDE,
                         name=t("block.fig.split_accounted", lang)))
    measured = [r["measured_peak_bytes"] for r in results]
    if all(m is not None for m in measured):
        fig.add_trace(go.Scatter(x=ks, y=[m / MB for m in measured], mode="lines+markers",
                                 marker_color=THIN, name=t("block.fig.split_measured", lang)))
    # |Δ| under each k, on the axis: drawn inside the bars it could not be read.
    fig.update_xaxes(tickmode="array", tickvals=ks,
                     ticktext=[f"{k}<br>|Δ| {r['max_abs_diff']:.1e}" for k, r in zip(ks, results)],
                     title=dict(standoff=14))
    fig.update_layout(template=TEMPLATE, title=t("block.fig.split_title", lang, block=block_name), height=440,
                      xaxis_title=t("block.fig.split_k", lang), yaxis_title=t("block.fig.mb", lang),
                      legend=dict(orientation="h", y=-0.3, yanchor="top"),
                      margin=dict(t=70, b=20, l=60, r=20))
    return fig


def training_curves_figure(logs: dict, lang: str = "en") -> go.Figure:
    """Figure 6a reproduced on the generated data: loss and held-out accuracy per step.

    logs: {variant label: {"step": [...], "loss": [...], "heldout_acc": [...]}} (heldout_acc
    may contain None where it was not measured).
    """
    fig = make_subplots(rows=1, cols=2, subplot_titles=(
        t("block.fig.loss", lang), t("block.fig.heldout", lang)))
    colors = [THIN, "#e45756", "#54a24b", "#b279a2"]
    for (label, log), color in zip(logs.items(), colors):
        fig.add_trace(go.Scatter(x=log["step"], y=log["loss"], mode="lines", name=label,
                                 line=dict(color=color), legendgroup=label), row=1, col=1)
        pts = [(s, a) for s, a in zip(log["step"], log["heldout_acc"]) if a is not None]
        fig.add_trace(go.Scatter(x=[s for s, _ in pts], y=[a for _, a in pts],
                                 mode="lines+markers", name=label, line=dict(color=color),
                                 legendgroup=label, showlegend=False), row=1, col=2)
    fig.update_xaxes(title_text=t("block.fig.step", lang))
    fig.update_yaxes(rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, 1], tickformat=".0%", row=1, col=2)
    fig.update_layout(template=TEMPLATE, title=t("block.fig.ablation_title", lang), height=400,
                      # At the bottom of the figure, below the x-axis title (paper-anchored it sat on it).
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom"),
                      margin=dict(t=80, b=10, l=60, r=20))
    return fig
