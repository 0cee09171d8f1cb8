"""Text from outside the app shown as text: the one way pages show notices and captions.

Streamlit renders the text of ``st.error`` / ``st.warning`` / ``st.info`` / ``st.caption`` /
``st.markdown`` and of widget labels as Markdown with GitHub's extensions and its own
(links, images, colours, icons, emoji, LaTeX), and GitHub's autolinking turns any bare
``https://...``, ``www....`` or ``name@host.tld`` in the *text* into a link, escaped or not. A
value from a shared link, a file name or a file's content put there could show a "log in
here" link or an outside image in the app's own notice box in front of a class.

So every value from outside goes through ``plain``, which makes it a code span: inside a code
span CommonMark and GitHub's Markdown take every character literally (no escapes, links,
autolinks, images, HTML or emphasis), and Streamlit's directives, icons, emoji and LaTeX
apply to text, not to code. The fence is longer than any run of backticks in the value, so
the value cannot close it. Line breaks and control characters become spaces; a very long
value is shortened, saying how long it was. The app's own words (``i18n``, and the
``i18n.messages.Refusal`` a lower layer raises) keep their Markdown and are never shortened.

A whole text that carries outside values and no Markdown of the app's (a figure's caption)
is shown with ``plain_text``: HTML-escaped inside ``st.html``, which Streamlit does not read
as Markdown at all. tests/test_hostile_text_browser.py holds both to what Chromium renders.
"""
from __future__ import annotations

import html
import re

import streamlit as st

from app.language import lang, tr
from i18n.messages import Message, Own, Refusal

MAX_CHARS = 160          # a value longer than this is cut (a 10 kB link value is no message)
EXCEPTION_CHARS = 600    # an unexpected error's text (not a Refusal): may quote a library
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_BACKTICKS = re.compile(r"`+")
KINDS = ("error", "warning", "info", "success")


def shorten(text, limit: int | None = MAX_CHARS) -> str:
    """``text`` (str() is taken) with control and direction-changing characters as spaces,
    cut to ``limit`` characters (None: whole), saying how long it was."""
    text = _CONTROL.sub(" ", str(text))
    if limit is not None and len(text) > limit:
        return text[:limit] + tr("notice.shortened", chars=f"{len(text):,}")
    return text


def plain(text, limit: int | None = MAX_CHARS) -> str:
    """``text`` (anything; str() is taken) as Markdown that renders exactly as that text: a
    code span (shortened to ``limit`` characters)."""
    # Streamlit's page rewrites ":material/" in the Markdown source before parsing, code
    # spans included: a word joiner (invisible) keeps the value as typed.
    text = shorten(text, limit).replace(":material/", ":\u2060material/")
    fence = "`" * (1 + max((len(run) for run in _BACKTICKS.findall(text)), default=0))
    # One space inside each end: CommonMark strips exactly one from each side, so a value
    # that starts or ends with a backtick or a space comes back as it was.
    return f"{fence} {text} {fence}"


def shown(value):
    """A value for one of the app's Markdown templates: numbers as they are (format specs
    apply), the app's own sentences (``Refusal``, ``Message``) in the page's language with
    their outside values plain, ``Own`` strings as they are, anything else ``plain``."""
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (Refusal, Message)):
        return value.render(lang(), plain)
    if isinstance(value, Own):
        return str(value)
    if isinstance(value, BaseException):       # an unexpected failure's own text: bounded
        return plain(value, limit=EXCEPTION_CHARS)
    return plain(value)


def notice(kind: str, key: str, *, icon: str | None = None, container=st, **values) -> None:
    """``container.<kind>`` (default ``st``) with the translation ``key``, each value
    ``shown``. ``kind``: error, warning, info, success."""
    notices_together(kind, [(key, values)], icon=icon, container=container)


def notices_together(kind: str, items: list[tuple[str, dict]], *, icon: str | None = None,
                     container=st) -> None:
    """One ``container.<kind>`` box holding ``notice``'s text of each (key, values) of
    ``items``, a line each: shorter than a box each, where a window has no room to spare
    (presenter mode's slide). Nothing for no items.

    Each text is a paragraph of its own: Markdown's strikethrough pairs the "~" of two lines
    of one paragraph (Korean ranges, "1~7"), and struck out the text between them."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    lines = [tr(key, **{k: shown(v) for k, v in values.items()}) for key, values in items]
    if lines:
        getattr(container, kind)("\n\n".join(lines), icon=icon)


def plain_text(text: str, *, small: bool = False, container=st) -> None:
    """A whole text that may carry outside values (a figure's caption), shown as plain text
    in the body's font (``small``: as ``st.caption``)."""
    style = "font-size:0.875rem;opacity:0.75;" if small else ""
    container.html(f'<p class="plain-text" style="margin:0 0 1rem 0;{style}'
                   f'white-space:pre-wrap">{html.escape(shorten(text, None))}</p>')
