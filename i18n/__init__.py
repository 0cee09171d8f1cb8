"""The one translation table (English, Korean) for pages, figures and exports.

Each area of the app keeps its strings in ``i18n/strings/<area>.py`` as
``TEXT = {key: (english, korean)}``; they are merged here. The paper's terms (ReLU,
bottleneck, depthwise, MAdds, ...) stay in English in Korean text, as Korean courses teach them.
"""
from __future__ import annotations

from .strings import block, classroom, common, live, relu

LANGS = ("en", "ko")
LANG_NAMES = {"en": "English", "ko": "한국어"}

TABLE: dict[str, tuple[str, str]] = {}
for _area in (common, relu, live, block, classroom):
    _dupes = TABLE.keys() & _area.TEXT.keys()
    if _dupes:
        raise RuntimeError(f"translation keys defined twice: {sorted(_dupes)}")
    TABLE.update(_area.TEXT)


def t(key: str, lang: str = "en", **fmt) -> str:
    """The text for ``key`` in ``lang`` ("en" or "ko"), with ``str.format(**fmt)`` applied."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    try:
        en, ko = TABLE[key]
    except KeyError:
        raise KeyError(f"no translation for {key!r}: add it to i18n/strings/") from None
    text = ko if lang == "ko" else en
    return text.format(**fmt) if fmt else text
