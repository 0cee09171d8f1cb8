"""Text from outside the app shown as text: the one way pages show notices and captions.

Streamlit renders the text of ``st.error`` / ``st.warning`` / ``st.info`` / ``st.caption`` as
Markdown (links, images, colours, icons, LaTeX). A value from a shared link, a file name or
a file's content put there as it is could show a "log in here" link or an outside image in
the app's own notice box in front of a class. So every value from outside goes through
``plain``: each ASCII punctuation character is backslash-escaped (CommonMark shows an escaped
character as itself), line breaks and control characters become spaces, and very long values
are shortened, saying how long they were. The app's own templates (``i18n``) keep their
Markdown; only the values put into them are escaped.
"""
from __future__ import annotations

import re
import string

import streamlit as st

from app.ui import tr

MAX_CHARS = 160          # a value longer than this is cut (a 10 kB link value is no message)
_ESCAPE = {ord(c): "\\" + c for c in string.punctuation}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
KINDS = ("error", "warning", "info", "success")


def shorten(text: str, limit: int | None = MAX_CHARS) -> str:
    """``text`` with control characters as spaces, cut to ``limit`` characters (None: whole)."""
    text = _CONTROL.sub(" ", str(text))
    if limit is not None and len(text) > limit:
        return text[:limit] + f"… ({len(text):,} characters)"
    return text


def plain(text, limit: int | None = MAX_CHARS) -> str:
    """``text`` (anything; str() is taken) as Markdown that renders exactly as that text."""
    return shorten(text, limit).translate(_ESCAPE)


def notice(kind: str, key: str, *, icon: str | None = None, container=st, **values) -> None:
    """``container.<kind>`` (default ``st``) with the translation ``key``, every string value
    in ``values`` shown as plain text (numbers keep their format specs). ``kind``: error,
    warning, info, success."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    safe = {k: v if isinstance(v, (int, float)) else plain(v) for k, v in values.items()}
    getattr(container, kind)(tr(key, **safe), icon=icon)

