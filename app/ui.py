"""Helpers every page uses: the sidebar, the seed, and the start and end of a page's settings.

The language and translated text (``LANG``, ``lang``, ``tr``) live in ``app.language`` and are
re-exported here, where the pages have always found them; the link's notices are shown
through ``app.notices`` (which imports ``app.language``, never this module).
"""
from __future__ import annotations

import streamlit as st

from i18n import LANG_NAMES, LANGS
from app.language import LANG, lang, tr
from app.notices import notices_together, shown
from app.urlstate import (Param, check_link_keys, seed_from_url, standing_notices, widget_key,
                          write_to_url)

__all__ = ["LANG", "SEED", "global_sidebar", "lang", "page_done", "page_settings", "seed",
           "show_notices", "tr"]

SEED = Param("seed", 0, kind="int", lo=0, hi=2**31 - 1)


def seed() -> int:
    return int(st.session_state.get(widget_key(SEED), 0))


def global_sidebar() -> None:
    """The sidebar's global settings (language, seed), kept in the URL."""
    seed_from_url(LANG, SEED)
    with st.sidebar:
        st.subheader(tr("sidebar.settings"))
        st.selectbox(tr("sidebar.language"), LANGS, format_func=LANG_NAMES.get, key=widget_key(LANG))
        st.number_input(tr("sidebar.seed"), min_value=SEED.lo, max_value=SEED.hi, step=1,
                        key=widget_key(SEED), help=tr("sidebar.seed_help"))
    write_to_url(LANG, SEED)


def cluster_refusal() -> None:
    """Above every page, while the configured Dask scheduler cannot be reached: the refusal,
    in the page's language (the pages' torch work fails with it until the scheduler answers)."""
    from services.cluster import refused
    refusal = refused()
    if refusal is not None:
        st.error(shown(refusal), icon=":material/cloud_off:")


def page_settings(*params: Param, also: tuple[str, ...] = (), together: bool = False) -> int:
    """Call at the top of a page with its URL settings, before its widgets: seeds them from
    the link and shows what the link got wrong; returns how many notices that took. ``also``:
    link keys the page reads itself (presenter mode's ``class``), not reported as unknown.
    ``together``: the notices in one box, a line each."""
    seed_from_url(*params)
    check_link_keys(tuple(p.name for p in params),
                    {LANG.name, SEED.name, *(p.name for p in params), *also})
    return show_notices(*params, together=together)


def show_notices(*params: Param, together: bool = False) -> int:
    """Show what was clamped or ignored from the link, on the page whose settings are
    ``params``, for as long as it holds (``app.urlstate.standing_notices``): a box each, or
    one box for all (``together``). Returns how many notices."""
    standing = standing_notices(tuple(p.name for p in params))
    boxes = [standing] if together else [[item] for item in standing]
    for box in boxes:
        notices_together("warning", box, icon=":material/link:")
    return len(standing)


def page_done(*params: Param) -> None:
    """Call at the end of a page: mirror its settings into the URL so the link reproduces it."""
    write_to_url(*params)
