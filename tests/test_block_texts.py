"""Small defects of the block page (issue 9): one training accuracy, from the log, as the
README says it; Table 2's empty cells; one byte unit; the TF-slim table named as such."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from figures.block import MB, accuracy_interval, accuracy_percent, split_figure, table3_figure
from i18n import t
from model.embedded import load_training_log

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


def test_accuracy_rounds_the_count_not_the_float():
    # 1,931 of 2,000 is 96.55% exactly; formatting the float 0.9655 gives "96.5%".
    assert f"{0.9655:.1%}" == "96.5%"
    assert accuracy_percent({"heldout_acc": 0.9655, "heldout_size": 2000}) == "96.6%"
    assert accuracy_percent({"heldout_acc": 0.931, "heldout_size": 2000}) == "93.1%"


def test_accuracy_interval_is_wilsons_for_the_held_out_count():
    from scipy.stats import binomtest
    for acc, size in ((0.9655, 2000), (0.931, 2000), (1.0, 50), (0.0, 10)):
        ci = binomtest(round(acc * size), size).proportion_ci(method="wilson")
        assert accuracy_interval({"heldout_acc": acc, "heldout_size": size}) == \
            f"{100 * ci.low:.1f}-{100 * ci.high:.1f}%"
    assert accuracy_interval({"heldout_acc": 0.9655, "heldout_size": 2000}) == "95.7-97.3%"
    assert accuracy_interval({"heldout_acc": 0.9}) == ""      # no size: no interval


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


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_tfslim_title_fits_a_1280_column(lang):
    """The one-line title lost ") next to this model" at 1280 px (the chart is about 820 px
    wide there): two lines, each under 700 px at the title's 17 px."""
    from figures.slides import wrap
    lines = t("block.fig.tfslim_title", lang).split("<br>")
    assert len(lines) == 2
    assert all(wrap(line, 700, 17) == [line] for line in lines), lines


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_table2_caption_gives_the_paper_numbers_once(lang):
    """At width 1.0 and 224 the computed numbers are the paper's exact ones: said once (the
    sentence gave 3,504,872 twice); at another width the exact ones stay as the reference."""
    from figures.block_specs import table2_caption
    paper = table2_caption(dict(total_params=3504872, total_madds=300774272), 1.0, 224, lang)
    assert paper.count("3,504,872") == 1 and paper.count("300,774,272") == 1, paper
    assert "3.4M" in paper
    other = table2_caption(dict(total_params=1966040, total_madds=97552152), 0.5, 224, lang)
    assert "1,966,040" in other and "3,504,872" in other and "300,774,272" in other, other


def test_figure6a_profiles_name_the_shared_axis_once():
    """The right panel's "dimension" stood in the gap between the panels, belonging to
    neither: the shared axis is titled on the left panel only."""
    from figures.profiles import compare_figure
    record = dict(block=1, probe="input", ambient=16, value=4.0, zero_fraction=None)
    fig = compare_figure({"a": [record], "b": [record]}, "twonn", "en")
    assert fig.layout.yaxis.title.text == "dimension"
    assert not fig.layout.yaxis2.title.text
