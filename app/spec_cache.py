"""Figure specs built once per input and shared by every session (``st.cache_resource``).

Building a Plotly figure (make_subplots, update_layout: Plotly validates every property) costs
tens of milliseconds, and the block and live pages draw eight figures each: with 30 students
rerunning at once that was most of the server's time (bench/load.py, py-spy). The data behind
the figures are cached already; this caches the figures.

The cache key is the builder's name and its arguments themselves, hashed by Streamlit (arrays
by content), so a key can neither collide nor leave out an input. Hashing the inputs (profiles,
an image of at most 224 x 224, one block's channels) costs a millisecond or two, building the
figure tens. A cached spec is shared, so nothing may modify it (pages only draw and export it).
"""
from __future__ import annotations

import importlib
from typing import Callable

import streamlit as st

from figures.catalog import FigureSpec


@st.cache_resource(max_entries=256, show_spinner=False)
def _build(module: str, name: str, args: tuple, kwargs: dict) -> FigureSpec:
    return getattr(importlib.import_module(module), name)(*args, **kwargs)


def cached_spec(builder: Callable[..., FigureSpec], *args, **kwargs) -> FigureSpec:
    """``builder(*args, **kwargs)``, built once per builder and value of its arguments (which
    must be what Streamlit can hash: numbers, strings, lists, dicts, arrays, dataclasses)."""
    return _build(builder.__module__, builder.__qualname__, args, kwargs)
