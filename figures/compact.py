"""Figure data at the precision a chart can show: what the browser is sent, smaller.

Plotly (7) sends a numeric array as base64 of its dtype: float64, 8 bytes a number, is twice
what float32 costs, and float32's 7 significant digits are far more than a chart can show.
``compact(fig)`` stores every long float array of the figure's traces (and animation frames)
as float32. Drawn by plotly.js in Chromium, Figure 1 and the one-width view came out pixel
for pixel the same as at float64 (``python bench/page_weight.py --screenshots``).

Rounding further (``digits``: significant digits of the array's largest magnitude) buys no
bytes, since base64 of float32 is 4 bytes a number whatever the value (deflate of the whole
figure gains 7% at 4 digits), and at 4 digits Figure 1 differed in 2939 anti-aliased pixels
(at most 56 of 255 in one channel): so it is off by default. Short arrays (bar heights, a
few labelled points: what a hover reads out) are left alone. The figure's
``FigureSpec.data`` (the CSV export) is not touched: exported numbers keep full precision.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

DIGITS = None        # float32 only; an int rounds to that many significant digits too
MIN_LENGTH = 64
# Trace properties that hold per-point numbers, and the nested ones (marker.color, ...).
ARRAY_PROPS = ("x", "y", "z", "customdata")
NESTED_PROPS = (("marker", "color"), ("marker", "size"), ("error_x", "array"),
                ("error_y", "array"), ("line", "color"))


def compact_array(values, digits: int | None = DIGITS) -> np.ndarray:
    """``values`` (any shape, real numbers) as float32 (relative error <= 2**-24); with
    ``digits``, first rounded to that many significant digits of its largest finite magnitude.
    NaN and infinities stay as they are.

    With ``digits`` the error is at most half a unit of that digit: |out - values| <=
    0.5 * 10**(e - digits + 1) with e = floor(log10(max |values|)), plus float32's rounding."""
    a = np.asarray(values, dtype=np.float64)
    if digits is None:
        return a.astype(np.float32)
    if isinstance(digits, bool) or int(digits) != digits or digits < 1:
        raise ValueError(f"digits must be None or an integer >= 1, got {digits!r}")
    finite = a[np.isfinite(a)]
    top = float(np.max(np.abs(finite))) if finite.size else 0.0
    if top == 0.0:
        return a.astype(np.float32)
    step = 10.0 ** (math.floor(math.log10(top)) - int(digits) + 1)
    with np.errstate(invalid="ignore"):
        rounded = np.where(np.isfinite(a), np.round(a / step) * step, a)
    return rounded.astype(np.float32)


def _is_long_float_array(value) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "f" and value.size >= MIN_LENGTH
    if isinstance(value, (list, tuple)) and len(value) >= MIN_LENGTH:
        return all(isinstance(v, (float, int)) and not isinstance(v, bool) for v in value)
    return False


def compact_trace(trace, digits: int | None = DIGITS) -> None:
    """Compact one trace's long float arrays in place (``ARRAY_PROPS`` and
    ``NESTED_PROPS``); other properties are left as they are."""
    for name in ARRAY_PROPS:
        if name in trace and _is_long_float_array(trace[name]):
            trace[name] = compact_array(trace[name], digits)
    for parent, name in NESTED_PROPS:
        if parent in trace and trace[parent] is not None and name in trace[parent]:
            value = trace[parent][name]
            if _is_long_float_array(value):
                trace[parent][name] = compact_array(value, digits)


def compact(fig: go.Figure, digits: int | None = DIGITS) -> go.Figure:
    """``fig`` with every trace's (and every frame's traces') long float arrays compacted,
    in place; returns ``fig`` so a builder can end with ``return compact(fig)``."""
    for trace in fig.data:
        compact_trace(trace, digits)
    for frame in fig.frames or ():
        for trace in frame.data or ():
            compact_trace(trace, digits)
    return fig


def figure_bytes(fig: go.Figure) -> int:
    """Bytes of the figure's JSON as Streamlit sends it (``plotly.io.to_json``)."""
    import plotly.io as pio
    return len(pio.to_json(fig, validate=False))
