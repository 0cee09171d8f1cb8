"""The page's language and its translated text: ``LANG``, ``lang()`` and ``tr()``.

A module of its own so the app's helpers import one way: ``app.notices`` (which translates)
needs these, ``app.ui`` (the page glue: sidebar, ``page_settings``, ``page_done``) shows the
link's notices through ``app.notices``, and ``app.urlstate`` (the validated URL settings)
needs neither. Before, ``tr`` and ``lang`` lived in ``app.ui`` and the circle
notices -> ui -> urlstate -> notices was broken only by an import inside a function.
"""
from __future__ import annotations

import streamlit as st

from app.urlstate import Param, widget_key
from i18n import LANGS, t

LANG = Param("lang", "en", kind="choice", choices=LANGS)


def lang() -> str:
    return st.session_state.get(widget_key(LANG), "en")


def tr(key: str, /, **fmt) -> str:
    """``key`` in the language chosen in the sidebar."""
    return t(key, lang(), **fmt)
