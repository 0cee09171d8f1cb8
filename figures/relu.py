"""Figures of the "ReLU and manifolds" page (paper Figure 1 and Appendix A): pure builders,
numbers in, go.Figure + DataFrame out, shared by ``app/views/relu_manifolds.py`` and the export.

Settings travel as a ``ReluSettings``; the numbers are computed by ``services.relu`` (the round
trips, the sweep) and handed in by the caller (``app/figure_sources/relu.py``,
``app/relu_sections.py``), with ``collapses`` (``services.relu.can_collapse``) where the wording
depends on whether the activation can collapse. Every text goes through ``t(key, lang)``.
"""
from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .catalog import FigureSpec
from .plain import layout_once, points_trace, unvalidated_figure
from .style import MIN_FONT, TEMPLATE, subplot_titles  # noqa: F401  (TEMPLATE: figures.relu_frames)
from i18n import t

POSITION_SCALE = "Turbo"    # rainbow like the paper's Figure 1: a fold shows as colours meeting
ACTIVE_SCALE = "Viridis"
MARKER = 3
MARKER_3D = 1.5
"""Marker size in the 3-D scenes: plotly draws a scatter3d marker about twice as large as a 2-D
one of the same size, and size 3 made blobs of the small scenes at 1280 px."""
GRID_COLS_3D = 3
"""Figure 1's panels per row for a 3-D input: six scenes in one row were 70 px wide at 1280."""
_HIDDEN_SCENE_TICKS = dict(showticklabels=False, title=dict(text=""))


@dataclass(frozen=True)
class ReluSettings:
    """Everything that determines the page's figures (all of it is in the page's URL)."""
    input_name: str = "spiral"
    activation: str = "relu"
    n: int = 8
    n_points: int = 1000
    noise: float = 0.0
    n_seeds: int = 10
    seed: int = 0

    def params(self) -> dict:
        return asdict(self)


def _input_label(s: ReluSettings, lang: str) -> str:
    return t(f"relu.input.{s.input_name}", lang)


def _variant(key: str, collapses: bool) -> str:
    """``key``, or its ".soft" wording (no "collapsed") for activations that cannot collapse."""
    return key if collapses else f"{key}.soft"


def theory_formula(d: int) -> str:
    """P(Binomial(n, 1/2) <= d - 1) in closed form, as text: "(n + 1) / 2ⁿ" for d = 2."""
    return {1: "1 / 2ⁿ", 2: "(n + 1) / 2ⁿ", 3: "(n² + n + 2) / 2ⁿ⁺¹"}.get(
        d, f"Σₖ₌₀^{d - 1} C(n, k) / 2ⁿ")


def page_notes(s: ReluSettings, d: int, lang: str = "en", *, collapses: bool) -> dict[str, str]:
    """The page's explanations for these settings: they name the chosen input, its dimension
    d (T is n x d; ``services.relu.input_dimension``) and say "collapse" only if ``collapses``
    (``services.relu.can_collapse(s.activation)``). Keys: intro, assumptions, s1, s2, s3."""
    fields = dict(d=d, input=_input_label(s, lang), activation=s.activation)
    noise = t("relu.noise_note", lang, noise=s.noise) if s.noise > 0 else ""
    # "its spiral" only for the spiral: the other inputs are not in the paper.
    assumptions = "relu.assumptions" if s.input_name == "spiral" else "relu.assumptions.other"
    return dict(
        intro=t("relu.intro", lang, **fields),
        assumptions=t(assumptions, lang, input=fields["input"], noise=noise),
        s1=t(_variant("relu.s1.text", collapses), lang, **fields) + " "
        + t(_variant("relu.s1.single_draw", collapses), lang, seed=s.seed),
        s2=t(_variant("relu.s2.text", collapses), lang, **fields),
        s3=t(_variant("relu.s3.text", collapses), lang, seeds=s.n_seeds,
             formula=theory_formula(d), **fields))


def _square_axes(fig: go.Figure, count: int) -> None:
    """Equal x and y units in each 2-D panel, so a circle stays round."""
    for i in range(1, count + 1):
        suffix = "" if i == 1 else str(i)
        fig.layout[f"yaxis{suffix}"].update(scaleanchor=f"x{suffix}", scaleratio=1)


@layout_once
def _grid_layout(kind: str, count: int, cols: int) -> go.Figure:
    """The grid's empty figure, ``count`` panels in rows of ``cols``: axes, placeholder panel
    titles and the title's place, to be filled in by ``grid_spec``."""
    rows = -(-count // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[f"panel {i}" for i in range(count)],
                        specs=[[{"type": kind}] * cols] * rows, horizontal_spacing=0.03,
                        vertical_spacing=0.12)
    if kind == "xy":
        _square_axes(fig, count)
        fig.update_xaxes(showticklabels=False)
        fig.update_yaxes(showticklabels=False)
    else:   # small scenes: no tick labels or axis titles (they were cut off), as in 2-D
        fig.update_scenes(xaxis=_HIDDEN_SCENE_TICKS, yaxis=_HIDDEN_SCENE_TICKS,
                          zaxis=_HIDDEN_SCENE_TICKS)
    for annotation in fig.layout.annotations:     # six panel titles side by side: 14 px
        annotation.font.size = MIN_FONT
    # The title at the top: the three-line panel titles take the rest of the margin.
    fig.update_layout(title=dict(text="title", yref="container", y=1, yanchor="top",
                                 pad=dict(t=12)),
                      height=320 * rows, margin=dict(l=10, r=10, t=110, b=10), template=TEMPLATE)
    return fig


def grid_spec(s: ReluSettings, grid, lang: str = "en", *, collapses: bool) -> FigureSpec:
    """Figure 1 of the paper: the input, then pinv(T) act(T x) for each width, coloured by
    position along the manifold. Panel titles give each width's collapsed fraction.

    grid: ``services.relu.grid_roundtrips(s)`` (sample, roundtrips, collapsed), read by
    attribute. collapses: whether ``s.activation`` can collapse (the titles' wording)."""
    sample, rts = grid.sample, grid.roundtrips
    ns = [rt.n for rt in rts]
    d = sample.d
    titles = [t("relu.fig.input", lang)] + [
        t(_variant("relu.fig.panel", collapses), lang, n=rt.n, d=d, collapsed=100 * c)
        for rt, c in zip(rts, grid.collapsed)]
    kind = "scene" if d == 3 else "xy"
    panels = [sample.X] + [rt.recovered for rt in rts]
    title = t("relu.fig.grid_title", lang, activation=s.activation, input=_input_label(s, lang))

    def arrange(cols: int) -> go.Figure:
        """The panels in rows of ``cols``: one strip on the page, 2 x 3 on a 16:9 slide."""
        layout = _grid_layout(kind, len(panels), cols)
        for annotation, text in zip(layout["annotations"], titles):
            annotation["text"] = text
        layout["title"]["text"] = title
        return unvalidated_figure([
            points_trace(P, sample.position, POSITION_SCALE, cmin=0, cmax=1,
                         size=MARKER_3D if kind == "scene" else MARKER,
                         cell=i + 1) for i, P in enumerate(panels)], layout)

    fig = arrange(GRID_COLS_3D if kind == "scene" else len(panels))
    frames = [pd.DataFrame({"panel": "input", "n": 0, "point": np.arange(len(sample.X)),
                            "position": sample.position, "active": np.nan})]
    for rt in rts:
        frames.append(pd.DataFrame({"panel": f"n={rt.n}", "n": rt.n, "point": np.arange(len(sample.X)),
                                    "position": sample.position, "active": rt.active}))
    coords = np.vstack([sample.X] + [rt.recovered for rt in rts])
    data = pd.concat(frames, ignore_index=True)
    for j, axis in enumerate("xyz"[:d]):
        data[axis] = coords[:, j]
    caption = t("relu.caption.grid", lang, activation=s.activation, input=_input_label(s, lang),
                n_points=s.n_points, noise=s.noise, seed=s.seed, ns=", ".join(map(str, ns)))
    return FigureSpec("relu_figure1", caption, {**s.params(), "grid_ns": list(ns)}, fig, data,
                      layouts={"16:9": lambda: arrange(3)})


@layout_once
def _depth_layout(left: str) -> go.Figure:
    """The one-width view's empty figure (left panel ``left``: "xy" or "scene"), with
    placeholder texts for ``depth_spec`` to fill in."""
    fig = make_subplots(rows=1, cols=2, specs=[[{"type": left}, {"type": "scene"}]],
                        column_widths=[0.44, 0.56], horizontal_spacing=0.06,
                        subplot_titles=["recovered", "hidden"])
    if left == "xy":
        _square_axes(fig, 1)
    pca_scene = "scene2" if left == "scene" else "scene"
    # The camera a little farther than plotly's default (1.25): the axis titles stayed
    # outside the narrow scene and were cut off.
    fig.layout[pca_scene].update(xaxis_title="pc1", yaxis_title="pc2", zaxis_title="pc3",
                                 camera=dict(eye=dict(x=2.0, y=2.0, z=1.5)))
    # No tick labels in the scenes: at 1280 px they ran into each other and into the axis
    # titles ("PC1" read "PC:"); principal-component coordinates have no unit to read anyway.
    for scene in ("scene", "scene2") if left == "scene" else ("scene",):
        for axis in ("xaxis", "yaxis", "zaxis"):
            fig.layout[scene][axis].showticklabels = False
    subplot_titles(fig)
    fig.update_layout(title="title", height=540, margin=dict(l=10, r=10, t=110, b=10),
                      template=TEMPLATE)
    return fig


PCA_MIN_ASPECT = 0.4
"""The shortest PC axis of the hidden layer's scene, as a share of the longest: drawn to the
data's proportions a flat cloud (the spiral's third PC) left the z axis so short that its
title "PC3" was placed outside the scene and cut off at 1280 px."""


def pca_aspect(coords: np.ndarray, longest: float = 1.4) -> dict:
    """The PCA scene's aspect ratio: each axis as long as the points' spread along it, the
    longest ``longest``, none shorter than ``PCA_MIN_ASPECT`` of it."""
    span = np.ptp(np.asarray(coords, dtype=float), axis=0)
    ratio = np.maximum(span / max(float(span.max()), 1e-12), PCA_MIN_ASPECT) * longest
    return {a: round(float(r), 3) for a, r in zip("xyz", ratio)}


def depth_spec(s: ReluSettings, one_width, lang: str = "en") -> FigureSpec:
    """One width n in depth: the recovered shape coloured by the number of active units, and
    the n-dimensional hidden layer in 3-D (top three principal components).

    one_width: ``services.relu.one_width(s)`` (sample, roundtrip, hidden_pcs (N, 3),
    explained (3,), fit, collapsed), read by attribute."""
    sample, rt, fit = one_width.sample, one_width.roundtrip, one_width.fit
    coords, explained = one_width.hidden_pcs, one_width.explained
    left = "scene" if sample.d == 3 else "xy"
    layout = _depth_layout(left)
    layout["annotations"][0]["text"] = t("relu.fig.recovered", lang, n=s.n, scale=fit.scale,
                                         error=fit.error)
    layout["annotations"][1]["text"] = t("relu.fig.hidden_pca", lang, n=s.n,
                                         share=100 * float(np.sum(explained)))
    pca_scene = "scene2" if sample.d == 3 else "scene"
    layout[pca_scene]["aspectmode"] = "manual"
    layout[pca_scene]["aspectratio"] = pca_aspect(coords)
    for k, axis in enumerate(("xaxis", "yaxis", "zaxis")):
        layout[pca_scene][axis]["title"]["text"] = t("relu.fig.pc", lang, k=k + 1,
                                                     share=100 * explained[k])
    layout["title"]["text"] = t("relu.fig.depth_title", lang, n=s.n, activation=s.activation,
                                collapsed=100 * one_width.collapsed)
    # Under the left panel, not between the two: the 3-D scene keeps its width.
    colorbar = dict(title=dict(text=t("relu.fig.active_units", lang), side="top"), thickness=12,
                    orientation="h", x=0.22, xanchor="center", y=-0.08, yanchor="top", len=0.42)
    fig = unvalidated_figure([
        points_trace(rt.recovered, rt.active, ACTIVE_SCALE, showscale=True, colorbar=colorbar,
                     cmin=0, cmax=max(s.n, 1), size=MARKER_3D if sample.d == 3 else MARKER),
        points_trace(coords, sample.position, POSITION_SCALE, cmin=0, cmax=1, size=MARKER_3D,
                     cell=2 if sample.d == 3 else 1)], layout)
    data = pd.DataFrame({"point": np.arange(len(sample.X)), "position": sample.position,
                         "active": rt.active})
    for j in range(sample.d):
        data[f"input_{'xyz'[j]}"] = sample.X[:, j]
    for j in range(sample.d):
        data[f"recovered_{'xyz'[j]}"] = rt.recovered[:, j]
    for k in range(3):
        data[f"hidden_pc{k + 1}"] = coords[:, k]
    caption = t("relu.caption.depth", lang, n=s.n, activation=s.activation, scale=fit.scale,
                error=fit.error, input=_input_label(s, lang), n_points=s.n_points,
                noise=s.noise, seed=s.seed)
    return FigureSpec("relu_one_width", caption, s.params(), fig, data)


def _text_width(text: str) -> int:
    """Width in Latin letters: a Hangul syllable (or other wide character) counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def two_lines(text: str, width: int = 20) -> str:
    """``text`` broken at the space nearest its middle when wider than ``width`` letters:
    three subplot titles side by side ran into each other at 1280 px ("unitShape")."""
    if _text_width(text) <= width or " " not in text:
        return text
    spaces = [i for i, c in enumerate(text) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "<br>" + text[cut + 1:]


LOG_FLOOR = 1e-6
"""The bottom of the collapsed-fraction chart's log axis."""


def log_error_minus(mean: np.ndarray, sd: np.ndarray, floor: float = LOG_FLOOR) -> np.ndarray:
    """The lower error-bar lengths for a log axis: sd where mean - sd stays above ``floor``,
    else 0 (the lower half is left out and the chart says so: mean - sd <= 0 has no place on a
    log axis, and a bar drawn to the axis' bottom would read as a real interval)."""
    mean, sd = np.asarray(mean, dtype=float), np.asarray(sd, dtype=float)
    return np.where(mean - sd > floor, sd, 0.0)


def sweep_frame(r) -> pd.DataFrame:
    """One row per width n: theory and mean / sd over seeds of every measure. r: a
    ``manifolds.SweepResult`` (ns (K,), seeds (S,), mean / std per measure, theory (K,))."""
    data = {"n": r.ns, "theory_collapsed": r.theory}
    for measure in ("collapsed", "shape_error", "scale", "trust"):
        data[f"{measure}_mean"] = r.mean(measure)
        data[f"{measure}_sd"] = r.std(measure)
    data["seeds"] = len(r.seeds)
    return pd.DataFrame(data)


def loss_spec(s: ReluSettings, r, lang: str = "en", *, collapses: bool) -> FigureSpec:
    """Information loss against n: measured collapsed fraction (mean ± sd over seeds) and the
    theory P(Binomial(n, 1/2) <= d - 1); shape error and fitted scale; trustworthiness.

    r: the sweep (``services.relu.compute_sweep(s)`` or ``services.remote.sweep``), a
    ``manifolds.SweepResult``. collapses: whether ``s.activation`` can collapse (wording)."""
    df = sweep_frame(r)
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.08, subplot_titles=[two_lines(x) for x in (
        t(_variant("relu.fig.loss_collapsed", collapses), lang), t("relu.fig.loss_shape", lang),
        t("relu.fig.loss_trust", lang))])
    n = df["n"].to_numpy()
    fig.add_trace(go.Scatter(x=n, y=df["theory_collapsed"], mode="lines", name=t(_variant("relu.fig.theory", collapses), lang, d=r.d),
                             line=dict(color="black", dash="dash")), 1, 1)
    series = [(1, "collapsed", t("relu.fig.measured", lang, seeds=len(r.seeds)), "#d62728"),
              (2, "shape_error", t("relu.fig.shape_error", lang), "#1f77b4"),
              # "→ 1/2" only where it holds: ReLU and ReLU6 (half the units active).
              (2, "scale", t("relu.fig.scale.relu" if collapses else "relu.fig.scale", lang),
               "#2ca02c"),
              (3, "trust", t("relu.fig.trust", lang), "#9467bd")]
    clipped_note = t("relu.fig.lower_clipped", lang)
    for col, measure, name, color in series:
        mean, sd = df[f"{measure}_mean"].to_numpy(), df[f"{measure}_sd"].to_numpy()
        minus = log_error_minus(mean, sd) if col == 1 else sd
        if col == 1:    # a log axis has no 0: leave those points out, or the line dives to them
            mean = np.where(mean > 0, mean, np.nan)
        notes = [clipped_note if col == 1 and lo < s_ else "" for lo, s_ in zip(minus, sd)]
        fig.add_trace(go.Scatter(x=n, y=mean, mode="lines+markers", name=name,
                                 line=dict(color=color), customdata=np.column_stack([sd, notes]),
                                 hovertemplate=f"{name}<br>n = %{{x}}: %{{y:.3g}} ± "
                                               "%{customdata[0]:.2g}<br>%{customdata[1]}<extra></extra>",
                                 error_y=dict(type="data", array=sd, arrayminus=minus,
                                              symmetric=False, visible=True)),
                      1, col)
    if collapses:     # tanh settles near 0.7, linear at 1: the 1/2 is ReLU's
        fig.add_hline(y=0.5, line=dict(color="#2ca02c", dash="dot", width=1), row=1, col=2)
    # Every tick labelled at full size (a log axis draws its 2s and 5s smaller).
    fig.update_xaxes(type="log", title_text=t("relu.fig.width_n", lang),
                     tickvals=[1, 2, 5, 10, 20, 50, 100, 200])
    # Decades only: on a tall slide Plotly adds 2s and 5s between them, read as 2 and 5.
    fig.update_yaxes(type="log", range=[np.log10(LOG_FLOOR), 0.1], row=1, col=1, exponentformat="power",
                     dtick=1, title_text=t("relu.fig.fraction", lang))
    fig.update_yaxes(range=[0, 1.05], row=1, col=2)
    # The title at the top: the two-line subplot titles take the rest of the margin.
    fig.update_layout(title=dict(text=t("relu.fig.loss_title", lang, activation=s.activation,
                                        input=_input_label(s, lang), seeds=len(r.seeds)),
                                 yref="container", y=1, yanchor="top", pad=dict(t=12)),
                      height=480, margin=dict(l=10, r=10, t=110, b=10), template=TEMPLATE,
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom"))
    subplot_titles(fig)
    caption = t("relu.caption.loss", lang, activation=s.activation, input=_input_label(s, lang),
                seeds=len(r.seeds), n_points=s.n_points, noise=s.noise, seed=s.seed,
                measure=t(_variant("relu.fig.loss_collapsed", collapses), lang))
    return FigureSpec("relu_information_loss", caption, {**s.params(), "ns": [int(v) for v in r.ns]},
                      fig, df)
