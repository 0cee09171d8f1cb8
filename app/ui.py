"""Helpers every page uses: the current language and seed, and translated text."""
from __future__ import annotations

import streamlit as st

from figures.i18n import LANG_NAMES, LANGS, t
from app.urlstate import Param, seed_from_url, show_notices, widget_key, write_to_url

LANG = Param("lang", "en", kind="choice", choices=LANGS)
SEED = Param("seed", 0, kind="int", lo=0, hi=2**31 - 1)
ENTRY_RAN, ENTRY_RETRIED = "_entry_point_ran", "_entry_point_retried"


def lang() -> str:
    return st.session_state.get(widget_key(LANG), "en")


def seed() -> int:
    return int(st.session_state.get(widget_key(SEED), 0))


def tr(key: str, **fmt) -> str:
    """``key`` in the language chosen in the sidebar."""
    return t(key, lang(), **fmt)


def global_sidebar() -> None:
    """The sidebar's global settings (language, seed), kept in the URL."""
    st.session_state[ENTRY_RAN] = True
    seed_from_url(LANG, SEED)
    with st.sidebar:
        st.subheader(tr("sidebar.settings"))
        st.selectbox(tr("sidebar.language"), LANGS, format_func=LANG_NAMES.get, key=widget_key(LANG))
        st.number_input(tr("sidebar.seed"), min_value=SEED.lo, max_value=SEED.hi, step=1,
                        key=widget_key(SEED), help=tr("sidebar.seed_help"))
    write_to_url(LANG, SEED)


def _through_entry_point() -> None:
    """Make sure main.py (sidebar, language, seed) ran before this page.

    Because the pages live in a folder named ``pages/``, Streamlit starts in its legacy
    multipage mode: until main.py has called st.navigation once, a link straight to a page
    whose file name is its URL (/presenter, /block, /live) runs that file on its own, so the
    language and seed in the link were ignored for the first visitor after a server start.
    Leaving that mode and rerunning once goes through main.py to the same page (same URL
    path, same page hash)."""
    if st.session_state.get(ENTRY_RAN) or st.session_state.get(ENTRY_RETRIED):
        return
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:     # a Streamlit without the legacy mode: nothing to leave
        return
    PagesManager.uses_pages_directory = False   # what st.navigation itself sets
    st.session_state[ENTRY_RETRIED] = True
    st.rerun()


def page_settings(*params: Param) -> None:
    """Call at the top of a page with its URL settings, before its widgets: seeds them from
    the link and shows what the link got wrong."""
    _through_entry_point()
    seed_from_url(*params)
    show_notices(lang())


def page_done(*params: Param) -> None:
    """Call at the end of a page: mirror its settings into the URL so the link reproduces it."""
    write_to_url(*params)
