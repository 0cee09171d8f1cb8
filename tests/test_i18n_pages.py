"""Every page rendered in Korean is in Korean: every text it draws (titles, markdown,
captions, widget labels, options and help, chart titles, axis titles, tick text, legend names,
annotations, colour-bar titles and hover text) may keep only the English words of
``i18n.KEEP_IN_ENGLISH`` (the paper's terms Korean courses keep) and names that are not
language (libraries, authors, file formats, sample photos, activation names, code).
The page chrome (page titles and sidebar entries) is checked here from the page list and in a
real browser in tests/test_browser_korean.py."""
from __future__ import annotations

import json
import re

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from conftest import APP, APP_TIMEOUT
from i18n import KEEP_IN_ENGLISH, TABLE, t
from app.navigation import PAGES as PAGES_LIST
from manifolds import ACTIVATIONS, INPUTS

pytestmark = pytest.mark.app

HANGUL = re.compile("[가-힣]")
# A word: letters, then letters/digits, joined by - or _ ("ReLU6", "TF-slim", "top-1").
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*")
# Proto fields that carry text a user reads (ids, hashes, CSS and options like "secondary" do not).
TEXT_FIELDS = {"body", "label", "options", "help", "placeholder", "caption", "text", "name",
               "title", "ticktext", "value", "default"}
# Plotly keys whose strings are settings, not words (hovertemplate and texttemplate are read:
# their %{...} fields are dropped, the words around them are checked).
PLOTLY_SKIP = {"colorscale", "template", "customdata", "x", "y",
               "z", "uid", "type", "mode", "hoverinfo", "legendgroup", "symbol", "dash",
               "xref", "yref", "xanchor", "yanchor", "textposition", "rangemode", "autorange",
               "exponentformat", "scene", "color", "bgcolor", "plot_bgcolor", "paper_bgcolor",
               "barmode", "bdata", "dtype", "shape", "tickformat", "ticksuffix", "family",
               "orientation", "valign", "align", "fill", "line", "layer", "xaxis", "yaxis",
               "scaleanchor", "anchor", "matches", "side", "categoryorder", "font", "path",
               "axref", "ayref", "hovermode", "ticks", "tickmode", "method", "args", "frame",
               "transition", "easing", "redraw", "visible", "textinfo", "ticklabelposition",
               "direction", "fromcurrent", "insidetextanchor"}
# Names, not language: file formats and units, libraries and tools, the paper's authors and
# venue, sample photos, the input manifolds' code names, math notation used in formulas.
NOT_LANGUAGE = {
    "PNG", "SVG", "PDF", "HTML", "CSV", "JSON", "JPEG", "GIF", "WebP", "BMP", "TIFF", "zip",
    "English", "KiB", "MiB", "KB", "MB", "GB", "CPU", "pth",
    "Manifold Lab", "Manifold", "Lab", "torch", "PyTorch", "torchvision", "hub", "scikit-learn",
    "scikit-image", "Streamlit", "Chromium", "TensorFlow", "Plotly", "Kaleido", "fonts-nanum", "sudo",
    "apt-get", "install", "chromium", "Dask",
    "Sandler", "Howard", "Zhu", "Zhmoginov", "Chen", "CVPR", "arXiv", "Facco", "Ansuini",
    "astronaut", "coffee", "chelsea", "rocket", "china", "flower", "camera",
    "pinv", "Bin", "Binomial", "max", "min",
    *ACTIVATIONS, *INPUTS}      # activation names are code: relu6, gelu, ...
_ALLOWED_WORDS = {w.lower() for w in NOT_LANGUAGE | set(KEEP_IN_ENGLISH) if " " not in w}
_ALLOWED_PHRASES = sorted((p for p in NOT_LANGUAGE | set(KEEP_IN_ENGLISH) if " " in p),
                          key=len, reverse=True)
_NOT_WORDS = [
    re.compile(r"<style>.*?</style>", re.S),       # page CSS
    re.compile(r"<script>.*?</script>", re.S),     # page script (presenter's keys)
    re.compile(r"<[^>]+>"),                         # <b>, <br>, <sup> in chart texts
    re.compile(r"#[0-9a-fA-F]{3,8}\b"),            # colours: #7f7f7f
    re.compile(r"%\{[^}]*\}"),                    # plotly hover fields %{y:.1f}
    re.compile(r"`[^`]*`"),                         # code: `python -m model.train`
    re.compile(r"“[^”]*”"),                         # a quoted title (the paper's)
    re.compile(r"\b[\w.-]+/[\w./-]*"),           # paths: model/checkpoints/, PNG/SVG/PDF
    re.compile(r"\b\w+\.(?:py|pth|pt|json|txt)\b"),  # file names
    re.compile(r"\b\w+=\w+\b"),                   # code arguments: weights_only=True
]


def english_words(text: str) -> list[str]:
    """The words of ``text`` that are English and neither a kept term nor a name."""
    text = text.replace("\\", "")                 # Markdown escapes of app/notices.plain
    for pattern in _NOT_WORDS:
        text = pattern.sub(" ", text)
    for phrase in _ALLOWED_PHRASES:
        text = re.sub(re.escape(phrase), " ", text, flags=re.I)
    words = []
    for word in WORD.findall(text):
        letters = sum(c.isalpha() for c in word)
        if letters >= 3 and word.lower() not in _ALLOWED_WORDS:
            words.append(word)
    return words


def _plotly_strings(obj, key, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k not in PLOTLY_SKIP:
                _plotly_strings(v, k, out)
    elif isinstance(obj, list):
        for v in obj:
            _plotly_strings(v, key, out)
    elif isinstance(obj, str):
        out.append((f"chart.{key}", obj))


def _proto_strings(msg: Message, out):
    for field, value in msg.ListFields():
        values = value if not isinstance(value, (str, bytes, Message)) and hasattr(value, "__len__") else [value]
        for v in values:
            if isinstance(v, Message):
                _proto_strings(v, out)
            elif isinstance(v, str) and field.name == "spec":
                _plotly_strings(json.loads(v), "", out)
            elif isinstance(v, str) and field.name in TEXT_FIELDS:
                out.append((field.name, v))


def page_texts(at: AppTest) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            _proto_strings(proto, out)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    for frame in at.dataframe:                   # st.dataframe: headers and text cells
        df = frame.value
        out.extend(("dataframe.column", str(c)) for c in df.columns)
        out.extend(("dataframe.cell", v) for col in df.columns for v in df[col]
                   if isinstance(v, str))
    return out


def english_leaks(texts) -> list[str]:
    """"where: text [words]" for each text that has English words outside the written list."""
    leaks = []
    for where, text in texts:
        words = english_words(text)
        if words:
            leaks.append(f"{where}: {text[:100]!r} {sorted(set(words))}")
    return sorted(set(leaks))


PAGES = ["views/home.py", "views/relu_manifolds.py", "views/block.py", "views/live.py",
         "views/presenter.py"]


@pytest.mark.parametrize("page", PAGES)
def test_page_in_korean_shows_no_english(page):
    # The block page times layers and measures two networks: slow on a loaded machine.
    at = AppTest.from_file(APP, default_timeout=max(APP_TIMEOUT, 240))
    at.query_params["lang"] = "ko"
    if page == "views/live.py":
        at.query_params["mosaic_block"] = "2"
    at.run()
    if page != "views/home.py":
        at.switch_page(page).run()
    assert not at.exception
    texts = page_texts(at)
    assert any(HANGUL.search(s) for _, s in texts)
    assert english_leaks(texts) == []


def test_leak_detector_catches_english_and_passes_korean():
    assert english_words("Information loss against n") == ["Information", "loss", "against"]
    assert english_words("n = 8, relu: shape error 0.35") == ["shape", "error"]   # mixed text
    assert english_words("블록 3: %{y:.1f} / %{customdata[1]}<extra></extra>") == []
    assert english_words("ED / ambient") == ["ambient"]
    assert english_leaks([("body", t("relu.s1.title", "ko"))]) == []
    assert english_leaks([("label", "PNG"), ("body", "n = 30"), ("body", "`python -m x`")]) == []
    # The written list is whole words and phrases, any case; nothing else passes.
    assert english_words("linear bottleneck 대 ReLU6 bottleneck, width multiplier 1.0") == []
    assert english_words("width 1.0") == ["width"]


@pytest.mark.parametrize("key", sorted({title for _, title, _, _ in PAGES_LIST}))
def test_page_titles_and_sidebar_entries_are_korean(key):
    """Page titles and sidebar entries (app/navigation.py, drawn by st.navigation) in Korean."""
    text = t(key, "ko")
    assert HANGUL.search(text) or text in NOT_LANGUAGE, text
    assert english_words(text) == []


def test_every_korean_text_is_korean():
    """Every Korean entry of the table, whether or not a default page shows it, keeps only
    the written list's English (its {fields} are filled in later and not checked here)."""
    leaks = {key: english_words(re.sub(r"\{[^{}]*\}", " ", ko)) for key, (_, ko) in TABLE.items()}
    assert {k: w for k, w in leaks.items() if w} == {}


def test_bold_markup_closes_in_both_languages():
    """CommonMark (Streamlit's Markdown) does not close ** between "%" and a Hangul letter:
    the live summary showed literal ** around its numbers. Every entry, its fields filled with a
    percentage, renders without a stray **."""
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark")
    assert "**" in md.render("값의 **55%**를")        # the defect this guards against
    stray = [(key, lang) for key, pair in TABLE.items() for lang, text in zip(("en", "ko"), pair)
             if "**" in md.render(re.sub(r"\{[^{}]*\}", "55%", text))]
    assert stray == []
