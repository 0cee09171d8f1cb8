"""Small defects of the block page (issue 9): one training accuracy, from the log, as the
README says it; Table 2's empty cells; one byte unit; the TF-slim table named as such."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from figures.block import MB, accuracy_percent, split_figure, table3_figure
from i18n import t
from model.embedded import load_training_log

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


def test_accuracy_rounds_the_count_not_the_float():
    # 1,931 of 2,000 is 96.55% exactly; formatting the float 0.9655 gives "96.5%".
    assert f"{0.9655:.1%}" == "96.5%"
    assert accuracy_percent({"heldout_acc": 0.9655, "heldout_size": 2000}) == "96.6%"
    assert accuracy_percent({"heldout_acc": 0.931, "heldout_size": 2000}) == "93.1%"


@pytest.mark.parametrize("name", ["embedded", "embedded-relu6"])
def test_readme_accuracy_is_the_training_logs(name):
    """The README's held-out accuracy is the shipped log's, rounded as the page rounds it."""
    readme = (ROOT / "README.md").read_text()
    row = re.search(rf"^\|[^|\n]*\| `{re.escape(name)}` \| \*\*([0-9.]+%)\*\* \|", readme, re.M)
    assert row, f"no README row for {name}"
    assert row.group(1) == accuracy_percent(load_training_log(name)["final"])


def test_split_chart_uses_megabytes_of_a_million_and_puts_differences_on_the_axis():
    rows = [dict(k=1, inner_bytes=6_021_120, measured_peak_bytes=10_800_000, max_abs_diff=2.1e-6),
            dict(k=2, inner_bytes=3_010_560, measured_peak_bytes=5_600_000, max_abs_diff=1.9e-6)]
    fig = split_figure(rows, "block 2", "en")
    assert fig.data[0].y[0] == pytest.approx(6.02112) and MB == 1000 ** 2
    assert "1,000,000 bytes" in fig.layout.yaxis.title.text and "KiB" not in fig.to_json()
    assert list(fig.layout.xaxis.ticktext) == ["1<br>|Δ| 2.1e-06", "2<br>|Δ| 1.9e-06"]
    assert all(getattr(tr, "mode", None) != "text" for tr in fig.data)   # no labels in the bars


def test_table3_label_is_not_drawn_on_the_paper_line():
    computed = [dict(resolution=112, channels=16, kbytes=401.4), dict(resolution=7, channels=320, kbytes=31.4)]
    fig = table3_figure(computed, {"MobileNetV2": 400}, "en")
    assert fig.data[0].textposition == "auto"             # inside the 401K bar, not above it


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_tfslim_heat_map_says_whose_table_it_is(lang):
    assert "TF-slim" in t("block.fig.tfslim_paper", lang)
    assert "TF-slim" in t("block.fig.tfslim_title", lang)
    not_paper = {"en": "not the paper", "ko": "논문 아님"}[lang]
    assert not_paper in t("block.fig.tfslim_title", lang)
    assert "paper" not in t("block.fig.tfslim_paper", "en")
