"""Same seed, same figure data, byte for byte: every registered figure's HTML and CSV, built
in two processes (different hash seeds), are identical; another seed changes the seeded ones.

Two figures show what this machine measured (CPU seconds of the layer options and of the
k-way split): their data differ run to run by nature. For them the test checks that every
column but the measured ``seconds`` is identical, and that the same data give the same bytes.
"""
import hashlib
import io
import json
import os
import sys

import pandas as pd
import pytest

from conftest import ROOT, run_at_once
from app.settings.block import DEFAULT_SHAPE
from figures.block_specs import options_spec
from figures.render import text_export

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MEASURED = {"block_options": ["seconds"], "block_split": ["seconds"]}
SEED = 3

# Each run is a fresh process, as two runs of `python -m app.export` are: the same defaults
# (torch threads, BLAS) in both, different hash seeds. It prints every figure's HTML, CSV and
# its texts (caption, titles, axes, legends) for the Korean check below.
EXPORT_RUN = r"""
import json, sys
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/tests")
from app.figure_sources import all_figure_specs
from figures.render import text_export
from figures.slides import source_line
from test_i18n_pages import _plotly_strings
out = {}
for spec in all_figure_specs("ko", int(sys.argv[2])):
    texts = [("caption", spec.caption)]
    _plotly_strings(spec.figure.to_plotly_json(), "", texts)
    out[spec.name] = {"html": text_export(spec, "html").decode("utf-8"),
                      "csv": text_export(spec, "csv").decode("utf-8"), "texts": texts,
                      "source": source_line(spec, "ko")}
json.dump(out, sys.stdout)
"""


def _export_runs(seed: int, hash_seeds: tuple[str, ...]) -> list[dict]:
    """One run per hash seed, at the same time (separate processes either way)."""
    runs = run_at_once([([sys.executable, "-c", EXPORT_RUN, str(ROOT), str(seed)],
                         dict(os.environ, PYTHONHASHSEED=h)) for h in hash_seeds])
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
    return [json.loads(run.stdout) for run in runs]


@pytest.fixture(scope="module")
def two_runs():
    return tuple(_export_runs(SEED, ("1", "12345")))


def _csv(text: str, drop=()) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text)).drop(columns=list(drop))


def test_same_seed_gives_identical_html_and_csv(two_runs):
    a, b = two_runs
    assert a.keys() == b.keys() and len(a) >= 10
    for name in a:
        if name in MEASURED:
            continue
        for fmt in ("html", "csv"):
            if a[name][fmt] != b[name][fmt]:
                digest = [hashlib.sha256(x[name][fmt].encode()).hexdigest()[:12] for x in (a, b)]
                pytest.fail(f"{name}.{fmt} differs between two runs with seed {SEED}: {digest}")


def test_measured_figures_differ_only_in_what_was_measured(two_runs):
    a, b = two_runs
    for name, measured in MEASURED.items():
        assert name in a, f"{name} is no longer exported: update MEASURED"
        pd.testing.assert_frame_equal(_csv(a[name]["csv"], measured), _csv(b[name]["csv"], measured))
    # Same data in, same bytes out, for these too.
    rows = pd.read_csv(io.StringIO(a["block_options"]["csv"])).to_dict("records")
    html = [text_export(options_spec(DEFAULT_SHAPE, rows, "ko", 7), "html") for _ in range(2)]
    assert html[0] == html[1]


def test_another_seed_changes_seeded_figures(two_runs):
    a, _ = two_runs
    from app.figure_sources.relu import figure_specs as relu_specs
    other = {s.name: text_export(s, "csv") for s in relu_specs("ko", SEED + 1)}
    for name, data in other.items():
        assert data.decode("utf-8") != a[name]["csv"], name


def test_exported_figures_in_korean_show_no_english(two_runs):
    """Titles, axis titles, legends and annotations of every exported figure, and its caption,
    in Korean (the same check as the pages', tests/test_i18n_pages.py)."""
    from test_i18n_pages import english_leaks
    for name, run in two_runs[0].items():
        assert english_leaks([tuple(t) for t in run["texts"]]) == [], name
        # Every figure's source line names its settings in words (a missing word was a
        # KeyError that stopped the whole export before its manifest).
        assert "설정" in run["source"] and "[" not in run["source"], (
            name, run["source"])
