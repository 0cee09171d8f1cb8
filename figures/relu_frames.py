"""Figure 1 that follows the hand: the recovered shape for every width n = 1..64 in one chart.

Each n is a plotly frame and the chart carries its own slider (steps that ``animate`` to a
frame, mode "immediate", no transition), so dragging n redraws in the browser without a
server round trip; the page's server-side slider still covers n up to 256.

Compact by construction: colour (position along the manifold) is sent once with the first
trace, and a frame holds only its coordinates: multiples of ``STEP`` (thousandths unless the
points spread too far for 16 bits) stored as uint16 with an offset of ``OFFSET``, which plotly.py
writes as base64 typed arrays ("bdata"): 2 bytes a coordinate instead of 8. The offset keeps
the high bytes away from 0xFF and 0x7F, whose base64 is full of "/", which plotly's JSON
escapes to six characters (small int16 values made frames 1.6x larger). The axes are unlabelled, as
in the Figure 1 grid, and each frame zooms to its own points. The round trips are computed by
``services.relu.frames_data`` (at most ``services.relu.MAX_POINTS`` points drawn, evenly spaced
along the manifold; the collapsed share in each title counts all of them) and handed in.
"""
from __future__ import annotations

import base64

import numpy as np
import pandas as pd

from i18n import t

from .catalog import FigureSpec
from .plain import colorscale, unvalidated_figure
from .relu import MARKER, MARKER_3D, POSITION_SCALE, ReluSettings, _input_label
from .style import TEMPLATE_DICT

WEBGL_ABOVE = 2000
"""WebGL (scattergl) for frames with more points than this; SVG below (sharper, and the
page's 3-D charts already hold WebGL contexts)."""
STEP = 0.001
"""Coordinates are rounded to multiples of this (or a larger power of ten, see ``frame_step``)."""
OFFSET = 0x5555
"""Stored coordinate = OFFSET + round(value / step), as uint16. Alternating bits: the base64
of values near it has few "/" (0.6% of characters against 12% for small int16 values)."""
PLAY_FRAME_MS = 120


def frame_step(extent: float) -> float:
    """``STEP``, or the smallest larger power of ten that keeps ``extent / step`` below
    ``OFFSET`` (a round trip through a badly conditioned T can land far out)."""
    step = STEP
    while extent / step > OFFSET - 1:
        step *= 10
    return step


def quantize(P: np.ndarray, step: float) -> np.ndarray:
    """P (..., d) float -> uint16 ``OFFSET + round(P / step)`` (round half to even)."""
    return (np.round(np.asarray(P) / step) + OFFSET).astype(np.uint16)


def dequantize(q: np.ndarray, step: float) -> np.ndarray:
    """The values ``quantize`` stored, as float64 (q - OFFSET) * step."""
    return (np.asarray(q, dtype=np.int64) - OFFSET) * step


def typed_array(a: np.ndarray) -> dict:
    """A 1-D array as plotly's typed-array spec {"dtype": "u2", "bdata": base64}: what
    plotly.py would write for it anyway, done once here, so Streamlit's per-rerun
    ``to_dict`` + ``to_json`` of the figure copies strings instead of re-encoding 130 arrays
    (5 ms instead of 30-40 ms a rerun)."""
    a = np.ascontiguousarray(a, dtype=np.asarray(a).dtype.newbyteorder("<"))
    return {"dtype": f"{a.dtype.kind}{a.dtype.itemsize}", "bdata": base64.b64encode(a.tobytes()).decode()}


def _trace_dict(q: np.ndarray) -> dict:
    """A markers trace of the stored points q (N, 2 or 3) as the plain dict plotly writes."""
    kind = "scatter3d" if q.shape[1] == 3 else "scattergl" if len(q) > WEBGL_ABOVE else "scatter"
    return {"mode": "markers", **{a: typed_array(q[:, j]) for j, a in enumerate("xyz"[:q.shape[1]])},
            "type": kind}


_HIDDEN_TICKS = {"showticklabels": False}


def _ranges(q: np.ndarray) -> dict:
    """Layout that zooms the axes to the stored points q (N, d): the bounding box, padded,
    with the same span on every axis (equal units)."""
    lo, hi = q.min(axis=0).astype(np.int64), q.max(axis=0).astype(np.int64)
    half = max(int((hi - lo).max()), 100) * 0.55
    spans = [[round(c - half), round(c + half)] for c in (lo + hi) / 2]
    if q.shape[1] == 3:
        return {"scene": {f"{a}axis": {"range": span} for a, span in zip("xyz", spans)}}
    # The aspect lock is repeated in every frame: an animation step replaces the axis objects,
    # and without it a wide screen stretched the spiral about 3:1.
    return {"xaxis": {"range": spans[0]},
            "yaxis": {"range": spans[1], "scaleanchor": "x", "scaleratio": 1}}


def _title(text: str) -> dict:
    """The chart's title: two lines (one ran past the right edge at 1280 px) at the top of the
    margin. Whole in every frame, like the axes: an animation step replaces the object."""
    return {"text": text, "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 12}}


def frames_spec(s: ReluSettings, frames, lang: str = "en") -> FigureSpec:
    """The recovered shape pinv(T) act(T x) for every width as frames of one chart with an
    in-chart slider (and play / pause), starting at ``s.n`` (clipped into the widths).

    frames: ``services.relu.frames_data(s, ns, max_points)``, read by attribute: keep (N,),
    position (N,), ns, recovered (len(ns), N, d) float, collapsed (len(ns),), max_points.
    The coordinates are stored quantized here (``frame_step``, ``quantize``)."""
    fd = frames
    step = frame_step(float(np.abs(fd.recovered).max()))
    coords = quantize(fd.recovered, step)
    start = int(np.argmin(np.abs(np.asarray(fd.ns) - s.n)))
    titles = [t("relu.frames.fig_title", lang, n=n, activation=s.activation,
                input=_input_label(s, lang), collapsed=100 * c)
              for n, c in zip(fd.ns, fd.collapsed)]
    d = coords.shape[2]
    marker = dict(size=MARKER if d == 2 else MARKER_3D,
                  color=typed_array(np.round(fd.position, 3).astype(np.float32)),
                  colorscale=colorscale(POSITION_SCALE), cmin=0, cmax=1)
    first = {**_trace_dict(coords[start]), "marker": marker, "showlegend": False,
             "hoverinfo": "skip"}
    animate = dict(mode="immediate", frame=dict(duration=0, redraw=True),
                   transition=dict(duration=0))
    layout = dict(
        title=_title(titles[start]), template=TEMPLATE_DICT, height=500,
        margin=dict(l=10, r=10, t=90, b=60),
        # The slider spans the width and Play / Pause sit in a row under it: beside it they
        # covered n = 1-5 at 1280 px.
        sliders=[dict(active=start, currentvalue=dict(prefix=t("relu.frames.slider", lang),
                                                      xanchor="right", font=dict(size=15)),
                      pad=dict(t=10, b=10), len=1.0, x=0.0, steps=[
                          dict(label=str(n), method="animate", args=[[str(n)], animate])
                          for n in fd.ns])],
        updatemenus=[dict(type="buttons", direction="left", x=0, y=0, xanchor="left",
                          yanchor="top", pad=dict(t=95), showactive=False, buttons=[
                              dict(label=t("relu.frames.play", lang), method="animate",
                                   args=[None, dict(animate, fromcurrent=True,
                                                    frame=dict(duration=PLAY_FRAME_MS, redraw=True))]),
                              dict(label=t("relu.frames.pause", lang), method="animate",
                                   args=[[None], animate])])])
    ranges = _ranges(coords[start])
    if d == 2:
        layout["xaxis"] = {**ranges["xaxis"], **_HIDDEN_TICKS}
        layout["yaxis"] = {**ranges["yaxis"], **_HIDDEN_TICKS}
    else:
        layout["scene"] = {"aspectmode": "cube", **{axis: {**span, **_HIDDEN_TICKS}
                                                    for axis, span in ranges["scene"].items()}}
    fig = unvalidated_figure([first], layout, [
        dict(name=str(n), data=[_trace_dict(q)], traces=[0],
             layout={"title": _title(title), **_ranges(q)})
        for n, q, title in zip(fd.ns, coords, titles)])
    count = len(fd.keep)
    data = pd.DataFrame({"n": np.repeat(fd.ns, count), "point": np.tile(fd.keep, len(fd.ns)),
                         "position": np.tile(fd.position, len(fd.ns)),
                         "collapsed": np.repeat(fd.collapsed, count)})
    for j, axis in enumerate("xyz"[:d]):
        data[axis] = dequantize(coords[:, :, j].ravel(), step)
    caption = t("relu.caption.frames", lang, lo=fd.ns[0], hi=fd.ns[-1], activation=s.activation,
                input=_input_label(s, lang), n_points=s.n_points, drawn=count, seed=s.seed,
                step=step)
    params = {**s.params(), "frame_ns": [fd.ns[0], fd.ns[-1]], "max_points": fd.max_points,
              "step": step}
    return FigureSpec("relu_figure1_slider", caption, params, fig, data)
