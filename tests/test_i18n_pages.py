"""Every page rendered in Korean shows no English UI text: each text without Hangul that
the page draws (titles, markdown, captions, widget labels and options, chart titles, axis
titles, legend names, annotations) must be the Korean side of a translation-table entry that
keeps the paper's English terms, or a name that is not language (a file or photo name)."""
from __future__ import annotations

import json
import re

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

from conftest import APP, APP_TIMEOUT
from i18n import TABLE, t
from manifolds import ACTIVATIONS

pytestmark = pytest.mark.app

HANGUL = re.compile("[가-힣]")
WORD = re.compile("[A-Za-z]{3,}")
# Proto fields that carry text a user reads (ids, hashes, CSS and options like "secondary" do not).
TEXT_FIELDS = {"body", "label", "options", "help", "placeholder", "caption", "text", "name",
               "title", "ticktext", "value", "default"}
# Plotly keys whose strings are settings, not words.
PLOTLY_SKIP = {"hovertemplate", "texttemplate", "colorscale", "template", "customdata", "x", "y",
               "z", "uid", "type", "mode", "hoverinfo", "legendgroup", "symbol", "dash",
               "xref", "yref", "xanchor", "yanchor", "textposition", "rangemode", "autorange",
               "exponentformat", "scene", "color", "bgcolor", "plot_bgcolor", "paper_bgcolor",
               "barmode", "bdata", "dtype", "shape", "tickformat", "ticksuffix", "family",
               "orientation", "valign", "align", "fill", "line", "layer", "xaxis", "yaxis",
               "scaleanchor", "anchor", "matches", "side", "categoryorder", "font"}
# Names, not language: formats on download buttons, sample photos, units.
NOT_LANGUAGE = {"PNG", "SVG", "PDF", "HTML", "CSV", "English", "KiB", "MiB",
                "astronaut", "coffee", "chelsea", "rocket", "china", "flower", "camera",
                "Manifold Lab", *ACTIVATIONS}     # activation names are code: relu6, gelu, ...


def _ko_patterns() -> list[re.Pattern]:
    """Each Korean table text as a regex, its {fields} matching anything."""
    pats = []
    for _, ko in TABLE.values():
        parts = re.split(r"\{[^{}]*\}", ko)
        pats.append(re.compile(".*?".join(re.escape(p) for p in parts), re.S))
    return pats


KO_PATTERNS = _ko_patterns()


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
    return out


def english_leaks(texts) -> list[str]:
    leaks = []
    for where, text in texts:
        text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)   # page CSS
        text = re.sub(r"<[^>]+>", "", text).strip()      # <b>…</b>, <br> in chart texts
        if not text or HANGUL.search(text) or not WORD.search(text) or text in NOT_LANGUAGE:
            continue
        if any(p.fullmatch(text) for p in KO_PATTERNS):
            continue                                     # Korean entry keeping paper terms
        leaks.append(f"{where}: {text[:120]}")
    return sorted(set(leaks))


PAGES = ["views/home.py", "views/relu_manifolds.py", "views/block.py", "views/live.py",
         "views/presenter.py"]


@pytest.mark.parametrize("page", PAGES)
def test_page_in_korean_shows_no_english(page):
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
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
    assert english_leaks([("body", "Information loss against n")]) == ["body: Information loss against n"]
    assert english_leaks([("body", t("relu.s1.title", "ko"))]) == []
    assert english_leaks([("label", "PNG"), ("body", "n = 30")]) == []
