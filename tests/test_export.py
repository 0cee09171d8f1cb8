"""Figure export: file signatures, self-contained deterministic HTML/CSV, the CLI."""
import json
import re

import plotly.graph_objects as go
import pandas as pd
import pytest

from app.export import main as export_main
from conftest import need_chromium
from figures import render
import app.figure_sources as catalog
from app.figure_sources import FIGURE_SOURCES, all_figure_specs, lazy_source
from figures.catalog import FigureSpec
from app.figure_sources.relu import grid_figure
from figures.relu import ReluSettings

pytestmark = pytest.mark.browser

SMALL = ReluSettings(n_points=150, n_seeds=2)


@pytest.fixture
def relu_only(monkeypatch):
    """The CLI tests exercise the command, not other pages' figures: only the ReLU source."""
    monkeypatch.setattr(catalog, "FIGURE_SOURCES", [lazy_source("app.figure_sources.relu:figure_specs")])


def test_static_formats_have_their_signatures():
    need_chromium()
    spec = grid_figure(SMALL, "ko")
    png, svg, pdf = render.render_static([(spec, "png"), (spec, "svg"), (spec, "pdf")], lang="ko")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert svg.lstrip().startswith(b"<svg") and b"</svg>" in svg[-200:]
    assert pdf.startswith(b"%PDF-")
    assert render.hangul_font_installed(), "Korean figures need fonts-nanum next to Chromium"


def test_html_is_self_contained_and_deterministic():
    a = render.figure_html(grid_figure(SMALL))
    b = render.figure_html(grid_figure(SMALL))
    assert a == b
    assert not re.search(r"<script[^>]*\bsrc\s*=", a, re.I)
    assert "plotly.js v" in a or "Plotly" in a[:400_000]  # the library itself is inlined
    assert 'id="figure-relu_figure1"' in a
    csv1, csv2 = render.figure_csv(grid_figure(SMALL)), render.figure_csv(grid_figure(SMALL))
    assert csv1 == csv2 and csv1.splitlines()[0].startswith("panel,n,point,position,active")
    other = render.figure_csv(grid_figure(ReluSettings(n_points=150, seed=1)))
    assert other != csv1


def test_cli_writes_files_and_manifest(tmp_path, relu_only):
    rc = export_main(["--out", str(tmp_path), "--formats", "html,csv", "--lang", "ko",
                      "--only", "relu_figure1,relu_information_loss"])
    assert rc == 0
    manifest = json.loads((tmp_path / "manifest_ko.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in manifest["figures"]] == ["relu_figure1", "relu_information_loss"]
    grid = manifest["figures"][0]
    assert grid["files"] == ["relu_figure1_ko.csv", "relu_figure1_ko.html"]
    assert "가우시안" in grid["caption"] and grid["parameters"]["input_name"] == "spiral"
    for entry in manifest["figures"]:
        for name in entry["files"]:
            assert (tmp_path / name).stat().st_size > 0
    loss = pd.read_csv(tmp_path / "relu_information_loss_ko.csv")
    assert loss["seeds"].iloc[0] >= 10  # the page's sweep averages at least 10 seeds


def test_cli_without_chromium_still_writes_html_and_csv(tmp_path, monkeypatch, capsys, relu_only):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium-here"))
    rc = export_main(["--out", str(tmp_path), "--formats", "png,csv", "--only", "relu_figure1"])
    assert rc == 1
    assert "sudo apt-get install chromium fonts-nanum" in capsys.readouterr().err
    assert (tmp_path / "relu_figure1_en.csv").exists() and not (tmp_path / "relu_figure1_en.png").exists()
    manifest = json.loads((tmp_path / "manifest_en.json").read_text())
    assert manifest["figures"][0]["files"] == ["relu_figure1_en.csv"]


def test_cli_rejects_bad_arguments(tmp_path, capsys, relu_only):
    with pytest.raises(SystemExit):
        export_main(["--out", str(tmp_path), "--formats", "gif"])
    assert "allowed are png" in capsys.readouterr().err
    assert export_main(["--out", str(tmp_path), "--only", "nope", "--formats", "csv"]) == 2


def test_unknown_name_lists_each_prefix_once(tmp_path, capsys):
    """No source holds "nope", so nothing is built; the message names each prefix once, and
    the folder made for the files is taken back (one that was there stays)."""
    out = tmp_path / "figures"
    assert export_main(["--out", str(out), "--only", "nope", "--formats", "csv"]) == 2
    assert not out.exists()
    assert export_main(["--out", str(tmp_path), "--only", "nope", "--formats", "csv"]) == 2
    assert tmp_path.is_dir()
    said = capsys.readouterr()
    listed = re.search(r"names start with ([^)]*)\)", said.out + said.err)
    prefixes = listed.group(1).split(", ")
    assert len(prefixes) == len(set(prefixes)) >= 3, prefixes


def test_registry_names_are_unique_and_sources_lazy():
    specs = all_figure_specs("en", 0)
    assert {"relu_figure1", "relu_one_width", "relu_information_loss"} <= {s.name for s in specs}
    for spec in specs:
        assert isinstance(spec.figure, go.Figure) and spec.caption and isinstance(spec.data, pd.DataFrame)
        assert re.fullmatch(r"[a-z0-9_-]+", spec.name)
        json.dumps(spec.params)
    assert len(FIGURE_SOURCES) >= 1
    with pytest.raises(ValueError, match="module:function"):
        lazy_source("app.figure_sources.relu")


def test_text_export_refuses_unknown_format():
    spec = FigureSpec("x", "c", {}, go.Figure(), pd.DataFrame({"a": [1]}))
    assert render.text_export(spec, "csv") == b"a\n1\n"
    with pytest.raises(ValueError, match="html, csv"):
        render.text_export(spec, "png")


def test_only_builds_just_the_sources_that_can_hold_the_names(monkeypatch):
    def broken(lang, seed):
        raise AssertionError("a source outside --only was built")
    broken.prefix = "live_"
    monkeypatch.setattr(catalog, "FIGURE_SOURCES",
                        [lazy_source("app.figure_sources.relu:figure_specs", prefix="relu_"), broken])
    specs = all_figure_specs("en", 0, only=["relu_figure1"])
    assert "relu_figure1" in {s.name for s in specs}
    with pytest.raises(AssertionError):
        all_figure_specs("en", 0, only=["live_profile"])
