"""An exported figure's source line names its paper section and only the settings that shaped
it, in words (issue 26: "input_name", "grid_ns", a Python list, and an n = 8 that Figure 1
does not use were printed)."""
import re

import pytest

from figures.catalog import PAPER, paper_section
from app.figure_sources.relu import figure_specs as relu_specs
from app.figure_sources.block import figure_specs as block_specs
from figures.slides import source_line

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_relu_and_block_source_lines_are_words(lang):
    for spec in relu_specs(lang, 0) + block_specs(lang, 0):
        line = source_line(spec, lang)
        assert paper_section(spec.name) in line, (spec.name, line)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", line.replace("d_i", "").replace("d_j", "")), line
        assert "[" not in line and "'" not in line, line
    figure1 = next(s for s in relu_specs(lang, 0) if s.name == "relu_figure1")
    line = source_line(figure1, lang)
    assert "8" not in line.split("·")[-1].replace("1000", ""), line     # the page's n = 8
    assert "2, 3, 5, 15, 30" in line


def test_every_figure_has_a_paper_section():
    for name in ("evidence_figure7", "evidence_recovery", "evidence_profile", "relu_figure1",
                 "live_profile", "block_table2"):
        assert paper_section(name), name
    assert "Figure 7" in PAPER["evidence_figure7"]
