"""Helpers every page uses: the current language and seed, and translated text."""
from __future__ import annotations

import streamlit as st

from i18n import LANG_NAMES, LANGS, t
from app.urlstate import Param, seed_from_url, show_notices, widget_key, write_to_url

LANG = Param("lang", "en", kind="choice", choices=LANGS)
SEED = Param("seed", 0, kind="int", lo=0, hi=2**31 - 1)


def lang() -> str:
    return st.session_state.get(widget_key(LANG), "en")


def seed() -> int:
    return int(st.session_state.get(widget_key(SEED), 0))


def tr(key: str, /, **fmt) -> str:
    """``key`` in the language chosen in the sidebar."""
    return t(key, lang(), **fmt)


def global_sidebar() -> None:
    """The sidebar's global settings (language, seed), kept in the URL."""
    seed_from_url(LANG, SEED)
    with st.sidebar:
        st.subheader(tr("sidebar.settings"))
        st.selectbox(tr("sidebar.language"), LANGS, format_func=LANG_NAMES.get, key=widget_key(LANG))
        st.number_input(tr("sidebar.seed"), min_value=SEED.lo, max_value=SEED.hi, step=1,
                        key=widget_key(SEED), help=tr("sidebar.seed_help"))
    write_to_url(LANG, SEED)


def page_settings(*params: Param) -> None:
    """Call at the top of a page with its URL settings, before its widgets: seeds them from
    the link and shows what the link got wrong."""
    seed_from_url(*params)
    show_notices()


def page_done(*params: Param) -> None:
    """Call at the end of a page: mirror its settings into the URL so the link reproduces it."""
    write_to_url(*params)
