"""Figure specs built once per input and shared by every session (``st.cache_resource``).

Building a Plotly figure (make_subplots, update_layout: Plotly validates every property) costs
tens of milliseconds, and the block and live pages draw eight figures each: with 30 students
rerunning at once that was most of the server's time after Streamlit's own gc.collect
(bench/load.py, py-spy). The data behind the figures are cached already; this caches the
figures. A cached spec is shared, so nothing may modify it (pages only draw and export it).
"""
from __future__ import annotations

from typing import Callable

import streamlit as st

from figures.catalog import FigureSpec


@st.cache_resource(max_entries=256, show_spinner=False)
def _build(builder_name: str, key: tuple, _builder: Callable, _args: tuple, _kwargs: dict) -> FigureSpec:
    return _builder(*_args, **_kwargs)


def cached_spec(builder: Callable[..., FigureSpec], key: tuple, *args, **kwargs) -> FigureSpec:
    """``builder(*args, **kwargs)``, built once per (builder, key).

    ``key`` must hold, in hashable form, every input that changes the figure, the language
    included; the arguments themselves are not hashed (they may be large arrays).
    """
    return _build(f"{builder.__module__}.{builder.__qualname__}", key, builder, args, kwargs)
