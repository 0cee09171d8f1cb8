"""Exports for slides: the 16:9 layout (size, text scale, Figure 1 as a 2 x 3 grid), the
caption band inside PNG/SVG/PDF, one manifest per language, HTML <title>, and the lecture
deck as one PDF with a page per slide."""
import io
import json
import re

import plotly.graph_objects as go
import pytest

from app.export import main as export_main
from conftest import need_chromium
import app.figure_sources as catalog
from app.figure_sources import lazy_source
from figures.catalog import FigureSpec, paper_section
from figures.lecture import LECTURE
from app.figure_sources.relu import grid_figure
from figures.relu import ReluSettings
from figures.render import export_bytes, figure_html, file_name, render_static
from figures.slides import SLIDE_SIZE, captioned, for_aspect, scale_text, text_band, wrap
from figures.stack import stack_svg

pytestmark = pytest.mark.browser

SMALL = ReluSettings(n_points=150, n_seeds=2)


@pytest.fixture
def relu_only(monkeypatch):
    monkeypatch.setattr(catalog, "FIGURE_SOURCES", [lazy_source("app.figure_sources.relu:figure_specs",
                                                                prefix="relu_")])


def _rows(fig: go.Figure) -> int:
    """Distinct vertical domains of a figure's 2-D subplots."""
    return len({tuple(fig.layout[k].domain) for k in fig.layout if k.startswith("yaxis")})


def test_16_9_relays_figure1_as_a_grid_and_scales_text():
    spec = grid_figure(SMALL)
    slide = for_aspect(spec, "16:9")
    assert (slide.figure.layout.width, slide.figure.layout.height) == SLIDE_SIZE["16:9"]
    assert _rows(spec.figure) == 1 and _rows(slide.figure) == 2     # 1 x 6 strip -> 2 x 3
    assert len(slide.figure.data) == len(spec.figure.data) == 6
    assert all(a.font.size >= 14 * 1600 / 1280 for a in slide.figure.layout.annotations)
    assert spec.figure.layout.width is None    # the page's figure is left alone
    assert for_aspect(spec, "page") is spec
    with pytest.raises(ValueError, match="16:9"):
        for_aspect(spec, "4:3")


def test_scale_text_reads_template_sizes():
    fig = go.Figure(go.Scatter(x=[1], y=[1]), layout=dict(
        template=go.layout.Template(layout=dict(font=dict(size=14), xaxis=dict(tickfont=dict(size=14))))))
    scale_text(fig, 1.5)
    assert fig.layout.font.size == 21 and fig.layout.xaxis.tickfont.size == 21


def test_wrap_counts_hangul_wider_and_keeps_words():
    latin = wrap("word " * 40, 400, 20)
    korean = wrap("무너짐 " * 40, 400, 20)
    assert all(len(line) <= 400 / 20 / 0.56 + 1 for line in latin)
    assert len(korean) > len(latin)               # square glyphs: fewer to a line
    assert all(" ".join(line.split()) == line for line in latin)
    band = text_band([("a <b>c</b>", 18, False)], 800)
    assert "&lt;b&gt;" in band.layout.annotations[0].text   # outside text is not markup


def test_captioned_16_9_keeps_its_size_and_names_the_source():
    slide = for_aspect(grid_figure(SMALL, "ko"), "16:9")
    chart, band = captioned(slide, "ko")
    assert chart.layout.height + band.layout.height == SLIDE_SIZE["16:9"][1]
    text = " ".join(a.text for a in band.layout.annotations)
    assert "§3.2, Figure 1" in text and "출처" in text and "점 수: 150" in text, text
    assert paper_section("block_ablation_curves") == "§6.4, Figure 6a"


def test_stack_svg_nests_parts_one_under_another():
    a = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="40"><text>a</text></svg>'
    b = b'<svg xmlns="http://www.w3.org/2000/svg" width="80px" height="10"><text>b</text></svg>'
    out = stack_svg([a, b]).decode()
    assert 'width="100" height="50"' in out and '<svg x="0" y="40"' in out
    assert out.count("<svg") == 3 and "<?xml" not in out


def test_16_9_png_size_and_caption_in_svg_text():
    need_chromium()
    from PIL import Image
    slide = for_aspect(grid_figure(SMALL, "ko"), "16:9")
    png, svg = render_static([(slide, "png"), (slide, "svg")], lang="ko", caption=True)
    assert Image.open(io.BytesIO(png)).size == (3200, 1800)    # 1600 x 900 at scale 2
    texts = " ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg.decode("utf-8"), re.S))
    assert "논문 Figure 1" in texts or slide.caption[:20] in texts
    assert "§3.2, Figure 1" in texts
    plain = export_bytes(grid_figure(SMALL), "png", "en")      # page layout, no band: 1400 px
    assert Image.open(io.BytesIO(plain)).size[0] == 2 * 1400


def test_html_has_the_caption_as_title():
    spec = FigureSpec("x", "Caption <with> & text", {}, go.Figure())
    page = figure_html(spec)
    assert "<title>Caption &lt;with&gt; &amp; text</title>" in page
    assert page.index("<title>") < page.index("</head>")


def test_two_languages_into_one_folder_keep_both_manifests(tmp_path, relu_only):
    for lang in ("en", "ko"):
        assert export_main(["--out", str(tmp_path), "--formats", "html,csv", "--lang", lang,
                            "--only", "relu_figure1"]) == 0
    assert export_main(["--out", str(tmp_path), "--formats", "html", "--aspect", "16:9",
                        "--only", "relu_figure1"]) == 0
    en = json.loads((tmp_path / "manifest_en.json").read_text(encoding="utf-8"))
    ko = json.loads((tmp_path / "manifest_ko.json").read_text(encoding="utf-8"))
    wide = json.loads((tmp_path / "manifest_en_16x9.json").read_text(encoding="utf-8"))
    assert (en["lang"], ko["lang"], wide["aspect"]) == ("en", "ko", "16:9")
    assert en["figures"][0]["files"] == ["relu_figure1_en.csv", "relu_figure1_en.html"]
    assert ko["figures"][0]["files"] == ["relu_figure1_ko.csv", "relu_figure1_ko.html"]
    assert wide["figures"][0]["files"] == ["relu_figure1_en_16x9.html"]
    assert "가우시안" in ko["figures"][0]["caption"] and "§3.2" in ko["figures"][0]["source"]
    for manifest in (en, ko, wide):
        for name in manifest["figures"][0]["files"]:
            assert (tmp_path / name).stat().st_size > 0
    assert "<title>" in (tmp_path / "relu_figure1_ko.html").read_text(encoding="utf-8")
    assert not (tmp_path / "manifest.json").exists()
    assert file_name(grid_figure(SMALL), "pdf", "ko", "16:9") == "relu_figure1_ko_16x9.pdf"


def test_deck_without_chromium_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium-here"))
    assert export_main(["--deck", str(tmp_path / "deck.pdf")]) == 1
    said = capsys.readouterr()
    out = said.err.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("error:") and "chromium" in out[0]
    assert not said.out.strip()
    assert not (tmp_path / "deck.pdf").exists()
    with pytest.raises(SystemExit):
        export_main(["--deck", str(tmp_path / "deck.pdf"), "--out", str(tmp_path)])


def test_deck_has_one_page_per_slide_with_its_title(tmp_path):
    need_chromium()
    from pypdf import PdfReader
    path = tmp_path / "lecture.pdf"
    assert export_main(["--deck", str(path)]) == 0
    reader = PdfReader(path)
    assert len(reader.pages) == len(LECTURE)
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.01
    first = reader.pages[0].extract_text()
    assert "ReLU" in first and "Figure 1" in first
    assert reader.metadata.title == "Manifold Lab: the MobileNetV2 lecture (Sandler et al., CVPR 2018)"
    # The measured slides say what stands behind their numbers.
    assert "images at 64" in reader.pages[3].extract_text().replace("\n", " ")
    # Chart text on a deck page is as large, relative to the page, as on the 16:9 export of
    # the same figure (slide 2: the collapse curve).
    from io import BytesIO

    from app.figure_sources.relu import figure_specs
    from figures.render import export_bytes
    spec = next(s for s in figure_specs("en", 0) if s.name == "relu_information_loss")
    alone = PdfReader(BytesIO(export_bytes(spec, "pdf", "en", aspect="16:9"))).pages[0]
    deck_sizes, alone_sizes = _text_sizes(reader.pages[1]), _text_sizes(alone)
    assert min(deck_sizes) / float(reader.pages[1].mediabox.width) >= \
        0.99 * min(alone_sizes) / float(alone.mediabox.width), (deck_sizes, alone_sizes)


def _text_sizes(page) -> list[float]:
    """The rendered size of every text run on a PDF page (font size times the text and
    transformation matrices' scale)."""
    sizes = []

    def visit(text, cm, tm, fontdict, fontsize):
        if text.strip():
            sizes.append(fontsize * (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5)
    page.extract_text(visitor_text=visit)
    return sizes


def test_download_menu_offers_the_slide_layout_and_the_caption_band():
    from streamlit.testing.v1 import AppTest
    from conftest import APP, APP_TIMEOUT
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    at.switch_page("views/relu_manifolds.py").run()
    # The menus' contents are drawn only while open (one widget each per rerun until then).
    assert not [r for r in at.radio if r.key and r.key.endswith("_aspect")]
    at.session_state["download_grid"] = True
    at.run()
    aspects = [r for r in at.radio if r.key and r.key.endswith("_aspect")]
    assert [r.key for r in aspects] == ["download_grid_aspect"]
    assert aspects and list(aspects[0].options) == ["As on the page", "16:9 slide"]
    aspects[0].set_value("16:9").run()
    assert not at.exception
    assert [c for c in at.checkbox if c.key and c.key.endswith("_caption")]


def _baselines(page) -> list[tuple[str, float, float]]:
    """(text, baseline height above the page's bottom, rendered size) of every text run."""
    runs = []

    def visit(text, cm, tm, fontdict, fontsize):
        if text.strip():
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            size = fontsize * (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            runs.append((text, y - float(page.mediabox.bottom), size))
    page.extract_text(visitor_text=visit)
    return runs


def test_a_legend_at_the_bottom_edge_keeps_its_descenders_in_pdf():
    """The evidence figures anchor their legend to the figure's bottom edge; Chromium's PDF cut
    what hung below it (the deck's Figure 7 legend read "d in" for d_in). A file's legend
    stands clear of the edge; the figure on the page is left alone."""
    need_chromium()
    from pypdf import PdfReader
    from figures.slides import LEGEND_CLEARANCE, legend_clear_of_bottom
    fig = go.Figure([go.Scatter(x=[1, 2], y=[1, 2], name="d_in gyp,"),
                     go.Scatter(x=[1, 2], y=[2, 1], name="second")],
                    layout=dict(width=1600, height=620, font=dict(size=18), legend=dict(
                        orientation="h", yref="container", y=0, yanchor="bottom")))
    lifted = legend_clear_of_bottom(fig)
    assert lifted is not fig and fig.layout.legend.y == 0
    assert lifted.layout.legend.y == pytest.approx(LEGEND_CLEARANCE / 620)
    assert legend_clear_of_bottom(go.Figure()).layout.legend.y is None   # others untouched
    spec = FigureSpec("legend_test", "caption", {}, fig, None)
    page = PdfReader(io.BytesIO(export_bytes(spec, "pdf", "en"))).pages[0]
    runs = _baselines(page)
    # The underscore is drawn (at the edge Chromium left it out: the text read "d in gyp,").
    legend = [(y, size) for text, y, size in runs if "gyp," in text]
    assert legend and all("d_in gyp," in text for text, _, _ in runs if "gyp," in text), runs
    for y, size in legend:     # its baseline clear of the edge (0.53 of the size before)
        assert y >= 0.75 * size, (y, size)


def test_collapse_chart_labels_decades_only():
    """On a slide's taller axis Plotly labels 2s and 5s between the decades of the collapsed
    fraction ("10⁻¹, 5, 2, 10⁻²"), read as 5 and 2; only decades are labelled."""
    from app.figure_sources.relu import loss_figure
    s = ReluSettings(n_points=150, n_seeds=2)
    spec = loss_figure(s)
    assert spec.figure.layout.yaxis.type == "log" and spec.figure.layout.yaxis.dtick == 1
    assert for_aspect(spec, "16:9").figure.layout.yaxis.dtick == 1
