"""Figures assembled from plain dicts, for the builders a slider move reruns.

Plotly validates every property it is given (``go.Scatter(...)``, ``update_layout``,
``make_subplots``): for the ReLU page's three figures that was 0.1-0.25 s of Python on every
change, the larger part of the page's server time. The builders here write the dicts plotly
would write and skip the validation; what stays expensive (``make_subplots``' axis domains,
a template, a named colour scale written out) is done once through plotly and reused as JSON.

Whether a builder wrote what plotly would is tested, not assumed: tests/test_plain_figures.py
validates each figure again (``go.Figure(fig.to_dict())``) and compares the JSON.
"""
from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go

from .compact import compact_trace


def unvalidated_figure(data: list[dict], layout: dict, frames: list[dict] = ()) -> go.Figure:
    """A figure of plain dicts, as plotly writes them, built without validation.

    ``go.Figure(..., _validate=False)`` skips validation for data and layout only: plotly
    validates frames whatever the flag, so unvalidated frames are put in place directly, as
    ``go.Figure`` would store them. Read them through ``fig.to_dict()``: plotly cannot give
    unvalidated frames' ``data`` back as trace objects. Numpy arrays are fine anywhere:
    ``to_dict`` writes them as typed arrays, as for a validated figure."""
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    if frames:
        fig._frame_objs = tuple(go.Frame(frame, _validate=False) for frame in frames)
    return fig


@lru_cache(maxsize=None)
def colorscale(name: str) -> list:
    """A named colour scale ("Turbo") written out as plotly writes it: [[0.0, "#30123b"], ...]."""
    return go.scatter.Marker(colorscale=name).to_plotly_json()["colorscale"]


def layout_once(build) -> "callable":
    """Decorator: ``build(*key) -> go.Figure`` (hashable arguments) runs once per key; each call
    returns a fresh copy of that figure's layout as a plain dict, for the caller to fill in."""
    @lru_cache(maxsize=64)
    def as_json(*key) -> str:
        return json.dumps(build(*key).to_dict()["layout"])

    def layout(*key) -> dict:
        return json.loads(as_json(*key))
    layout.__doc__, layout.__wrapped__ = build.__doc__, build
    return layout


def points_trace(P: np.ndarray, color, scale: str, *, cmin=None, cmax=None, size: int,
                 showscale: bool = False, colorbar: dict | None = None, cell: int = 1) -> dict:
    """A markers trace of the points P (N, 2 or 3), 3-D when P has three columns, coloured by
    ``color`` (N,) on the named ``scale``, in subplot ``cell`` (1, 2, ...: plotly's axis
    suffixes), long float arrays as float32 (``figures.compact``)."""
    suffix = "" if cell == 1 else str(cell)
    marker = {"size": size, "color": color, "colorscale": colorscale(scale), "showscale": showscale}
    marker.update({k: v for k, v in (("cmin", cmin), ("cmax", cmax)) if v is not None})
    if colorbar is not None:
        marker["colorbar"] = colorbar
    trace = {"mode": "markers", "marker": marker, "showlegend": False, "hoverinfo": "skip",
             "x": P[:, 0], "y": P[:, 1]}
    if P.shape[1] >= 3:
        trace.update(type="scatter3d", z=P[:, 2], scene=f"scene{suffix}")
    else:
        trace.update(type="scatter", xaxis=f"x{suffix}", yaxis=f"y{suffix}")
    compact_trace(trace)
    return trace
