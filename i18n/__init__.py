"""The one translation table (English, Korean) for pages, figures and exports.

Each area of the app keeps its strings in ``i18n/strings/<area>.py`` as
``TEXT = {key: (english, korean)}``; they are merged here. Korean text is Korean except for
the paper's terms that Korean courses teach in English: ``KEEP_IN_ENGLISH``, the one written
list (tests/test_i18n_pages.py holds every Korean page, widget and chart to it).
"""
from __future__ import annotations

from .korean import attach_particles
from .strings import block, classroom, common, evidence, live, live_class, refusals, relu

LANGS = ("en", "ko")

KEEP_IN_ENGLISH = (
    # The paper's building blocks and their parts.
    "MobileNetV2", "MobileNetV1", "ShuffleNet", "inverted residual", "residual", "shortcut",
    "linear bottleneck", "bottleneck", "linear", "expansion", "depthwise", "separable",
    "pointwise", "projection", "stride", "width multiplier", "manifold", "tensor",
    "convolution", "conv", "dwise", "conv2d", "avgpool", "ablation",
    # Activations and measures as the paper and its code name them.
    "ReLU", "ReLU6", "leaky ReLU", "MAdds", "GMAdds", "MMACs", "PCA", "TwoNN", "BatchNorm", "top-1", "top-5",
    # Data, checkpoints and the paper's own labels ("Figure 1", "Table 2", "Lemma 2").
    "ImageNet", "TF-slim", "checkpoint", "Figure", "Table", "Lemma",
    # Notation: the bottleneck's width in Lemma 2's threshold.
    "d_in",
)
"""English terms a Korean text may keep (case-insensitive, whole words or phrases)."""
LANG_NAMES = {"en": "English", "ko": "한국어"}

TABLE: dict[str, tuple[str, str]] = {}
for _area in (common, relu, live, block, classroom, live_class, evidence, refusals):
    _dupes = TABLE.keys() & _area.TEXT.keys()
    if _dupes:
        raise RuntimeError(f"translation keys defined twice: {sorted(_dupes)}")
    TABLE.update(_area.TEXT)


def t(key: str, lang: str = "en", /, **fmt) -> str:
    """The text for ``key`` in ``lang`` ("en" or "ko"), with ``str.format(**fmt)`` applied."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    try:
        en, ko = TABLE[key]
    except KeyError:
        raise KeyError(f"no translation for {key!r}: add it to i18n/strings/") from None
    if lang == "ko":
        return attach_particles(ko.format(**fmt) if fmt else ko)
    return en.format(**fmt) if fmt else en
