"""Page settings that live in the URL (``st.query_params``), validated.

A shared link reproduces a view. Values read from the URL are never trusted: out of range is
clamped, garbage (text, NaN, infinities, unknown choices) falls back to the default, and both
leave a notice that the page shows; so do a key the page does not use and a key given twice
(a hand-typed link read without a word showed the wrong view and no reason). ``parse_param``
is pure so it can be tested without a UI.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import streamlit as st

from i18n.messages import Own, say


@dataclass(frozen=True)
class Param:
    """One URL setting: ``kind`` is "int", "float" or "choice".

    ``name`` is the setting's key in the URL and in the session, so it has one owner: a
    second, different setting of the same name (say the block page's resolution beside the
    live page's) raises at definition, instead of silently sharing the value across pages."""
    name: str
    default: Any
    kind: str = "int"
    lo: float | None = None
    hi: float | None = None
    choices: Sequence[str] = ()

    def __post_init__(self):
        owner = _DEFINED.setdefault(self.name, self)
        if owner != self:
            raise ValueError(f"URL setting {self.name!r} is defined twice, differently: "
                             f"{owner} and {self}; give one of them its own name")


# Every Param by name, across pages (a page's module is re-run on every rerun, redefining its
# Params: equal definitions are the same setting).
_DEFINED: dict[str, Param] = {}


def parse_param(raw: str, p: Param) -> tuple[Any, tuple[str, dict] | None]:
    """Validate one raw URL value: returns (value, notice) with notice = (key, format args)."""
    if p.kind == "choice":
        if raw in p.choices:
            return raw, None
        allowed = ", ".join(map(str, p.choices))
        return p.default, ("url.ignored", dict(name=Own(p.name), raw=raw, allowed=Own(allowed),
                                               value=_own(p.default)))
    try:
        number = float(raw)
        if not math.isfinite(number):
            raise ValueError
        if p.kind == "int":
            if number != int(number):
                raise ValueError
            number = int(number)
    except (ValueError, OverflowError):
        allowed = say("url.allowed.integer" if p.kind == "int" else "url.allowed.number",
                      lo=p.lo, hi=p.hi)         # said in the page's language
        return p.default, ("url.ignored", dict(name=Own(p.name), raw=raw, allowed=allowed,
                                               value=_own(p.default)))
    clamped = number
    if p.lo is not None and clamped < p.lo:
        clamped = type(number)(p.lo)
    if p.hi is not None and clamped > p.hi:
        clamped = type(number)(p.hi)
    if clamped != number:
        return clamped, ("url.clamped", dict(name=Own(p.name), raw=raw, lo=p.lo, hi=p.hi, value=clamped))
    return number, None


def _own(value):
    """A setting's own value for a notice: numbers as they are, text as the app's own."""
    return value if isinstance(value, (int, float)) else Own(str(value))


def widget_key(p: Param) -> str:
    return f"url_{p.name}"


def value(p: Param):
    """The current value of the widget bound to ``p``."""
    return st.session_state[widget_key(p)]


def seed_from_url(*params: Param) -> None:
    """Before the widgets are drawn: put each URL value (validated) into the widget's state.

    Runs once per setting per session, so later widget changes are not overwritten by the URL.
    Notices are kept in session state by setting, with the value put in the link's place, and
    shown by ``app.ui.show_notices``. A key given twice is read as Streamlit reads it, the
    last value; the notice says so and what is used.
    """
    notices = st.session_state.setdefault("_url_notices", {})
    # Streamlit drops a widget's state when its page is left; this copy brings it back.
    kept = st.session_state.setdefault("_url_kept", {})
    for p in params:
        key = widget_key(p)
        if key in st.session_state:
            continue
        raw = st.query_params.get(p.name)
        if raw is None:
            st.session_state[key] = kept.get(p.name, p.default)
            continue
        value, notice = parse_param(raw, p)
        st.session_state[key] = value
        given = st.query_params.get_all(p.name)
        if len(given) > 1:
            notices[(p.name, "repeated")] = dict(
                key="url.repeated", setting=p.name, value=value,
                args=dict(name=Own(p.name), count=len(given), raws=", ".join(given),
                          value=_own(value)))
        if notice:
            key, args = notice
            notices[(p.name, "value")] = dict(key=key, args=args, setting=p.name, value=value)


UNKNOWN_SHOWN = 5
"""At most this many notices for keys a page does not use (the last one counts the rest): a
link may hold up to 1000 keys (Streamlit's limit)."""


def check_link_keys(page: tuple[str, ...], known: set[str]) -> None:
    """On a visit's first run of ``page``: a notice for each key of the link that the page
    does not use (``known``: its settings', the sidebar's and the keys it reads itself) and
    for a known key given twice that ``seed_from_url`` does not read.

    A typo (``?widht=3``), a key from an older version or another page's setting is reported:
    Streamlit clears the link when a page is left (seen in Chromium for the sidebar, page
    links and going back; tests/test_hostile_text_browser.py holds the sidebar to it), so no
    page's keys are left for the next. Streamlit's own keys (``embed``, ``embed_options``, in
    any case) are not among ``st.query_params``'s keys. These notices hold until the page is
    left; the keys are taken out of the link at once.
    """
    if st.session_state.get("_url_page") == page:
        return
    st.session_state["_url_page"] = page
    notices = st.session_state.setdefault("_url_notices", {})

    def put(slot, key: str, **args) -> None:      # after the settings' notices, on this page
        notices.pop(slot, None)
        notices[slot] = dict(key=key, args=args, page=page)

    unknown = [name for name in st.query_params if name not in known]
    named = unknown if len(unknown) <= UNKNOWN_SHOWN else unknown[:UNKNOWN_SHOWN - 1]
    for name in named:
        put((name, "unknown"), "url.unknown", name=name)
    if len(named) < len(unknown):
        put((None, "unknown"), "url.unknown_more", count=len(unknown) - len(named))
    # Out of the address bar too: a link copied from it reproduces the view, without the
    # notices coming back for whoever opens it.
    for name in unknown:
        del st.query_params[name]
    for name in sorted(known - _DEFINED.keys()):
        given = st.query_params.get_all(name)
        if len(given) > 1:
            put((name, "repeated"), "url.repeated", name=Own(name), count=len(given),
                raws=", ".join(given), value=given[-1])


def standing_notices(page: tuple[str, ...]) -> list[tuple[str, dict]]:
    """The link's notices that still hold on ``page`` (the names of its settings), as
    (message key, format args).

    A notice belongs to the first page that shows it and stays there for as long as its
    setting keeps the value the app put in the link's place: a rerun with nothing changed (a
    reconnect, an opened menu) shows it again instead of losing it. Changing the setting, or
    leaving the page, retires it; a notice about no setting (a key the page does not use)
    holds until the page is left.
    """
    notices = st.session_state.get("_url_notices", {})
    standing = []
    for slot, n in list(notices.items()):
        n.setdefault("page", page)
        setting = n.get("setting")
        holds = setting is None or st.session_state.get(widget_key(_DEFINED[setting])) == n["value"]
        if n["page"] == page and holds:
            standing.append((n["key"], n["args"]))
        else:
            del notices[slot]
    return standing


def write_to_url(*params: Param) -> None:
    """After the widgets are drawn: mirror their values into the URL so the link is shareable
    (a key given twice becomes the one value used)."""
    kept = st.session_state.setdefault("_url_kept", {})
    for p in params:
        value = st.session_state.get(widget_key(p), p.default)
        kept[p.name] = value
        if st.query_params.get_all(p.name) != [str(value)]:
            st.query_params[p.name] = str(value)

