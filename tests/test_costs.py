"""Parameter and MAdd counts, the paper's block formula, Tables 2 and 3 from the model."""
import pytest
import torch

from model import (architecture_table, block_formula_rows, count_costs, memory_table,
                   mobilenet_v2)
from model.costs.analytic import PAPER_TABLE3_MAX_KB

pytestmark = pytest.mark.unit


def meta_model(*args, **kwargs):
    """Counting needs shapes only: a model on the "meta" device skips all arithmetic."""
    with torch.device("meta"):
        return mobilenet_v2(*args, **kwargs)


@pytest.fixture(scope="module")
def full():
    model = meta_model()
    return model, count_costs(model, 224)


def test_real_and_meta_models_count_the_same(full):
    real = count_costs(mobilenet_v2(0.35), 96)
    meta = count_costs(meta_model(0.35), 96)
    assert real.as_dicts() == meta.as_dicts()


def test_width_1_totals_are_torchvisions(full):
    model, report = full
    assert report.total_params == 3_504_872
    assert report.total_madds == 300_774_272
    assert sum(r.params for r in report.rows) == sum(p.numel() for p in model.parameters())
    assert sum(r.madds for r in report.rows) == report.total_madds
    # 52 convolutions + the classifier; BatchNorm parameters ride on their conv's row.
    assert len(report.rows) == 53
    assert report.rows[-1].operator == "linear" and report.rows[-1].madds == 1280 * 1000
    stem = report.rows[0]
    assert stem.operator == "conv2d 3x3" and stem.output_shape == (32, 112, 112)
    assert stem.madds == 112 * 112 * 32 * 3 * 9 and stem.bn_params == 64


def test_fixture_width_035():
    model = meta_model(0.35)
    assert count_costs(model, 224).total_madds == 59_285_808
    assert count_costs(model, 96).total_params == 1_677_128


def test_madds_scale_with_resolution_and_width(full):
    _, report = full
    small = count_costs(meta_model(), 160)
    assert small.total_params == report.total_params
    assert small.total_madds < report.total_madds
    # The paper's TF-slim table: 1.0 at 160 -> 154M, 0.5 at 224 -> 97M (rounded).
    assert round(small.total_madds / 1e6) == 154
    assert round(count_costs(meta_model(0.5), 224).total_madds / 1e6) == 97


def test_block_formula_agrees_and_differences_are_explained(full):
    model, report = full
    rows = block_formula_rows(model, report=report)
    assert len(rows) == 17
    for r in rows:
        assert r.adjusted_madds == r.counted_madds == report.block_madds(r.block)
        if r.stride == 1 and r.t != 1:
            assert r.formula_madds == r.counted_madds
            assert r.difference == 0 and "exact" in r.explanation
        else:
            assert r.formula_madds > r.counted_madds
    first = rows[0]
    assert first.t == 1 and "no expansion" in first.explanation
    assert first.difference == -(112 * 112 * 32 * 32)
    for r in rows:
        if r.stride == 2:
            assert f"{r.h // 2}x{r.h // 2}" in r.explanation
    # Block 2 (56x56, 24 -> 24, t = 6): 56*56*24*6*(24 + 9 + 24).
    assert rows[2].counted_madds == 56 * 56 * 24 * 6 * (24 + 9 + 24)


def test_table2_from_the_model_is_the_papers(full):
    model, report = full
    expected = [  # docs/PAPER_FACTS.md §3
        (224, 3, "conv2d 3x3", None, 32, 1, 2), (112, 32, "bottleneck", 1, 16, 1, 1),
        (112, 16, "bottleneck", 6, 24, 2, 2), (56, 24, "bottleneck", 6, 32, 3, 2),
        (28, 32, "bottleneck", 6, 64, 4, 2), (14, 64, "bottleneck", 6, 96, 3, 1),
        (14, 96, "bottleneck", 6, 160, 3, 2), (7, 160, "bottleneck", 6, 320, 1, 1),
        (7, 320, "conv2d 1x1", None, 1280, 1, 1), (7, 1280, "avgpool 7x7", None, None, 1, None),
        (1, 1280, "conv2d 1x1", None, 1000, None, None)]
    table = architecture_table(model, report=report)
    got = [(r["input_hw"], r["input_channels"], r["operator"], r["t"], r["c"], r["n"], r["s"])
           for r in table]
    assert got == expected
    assert table[0]["input"] == "224^2 x 3"
    # The table follows the model: expansion 4 shows up as t = 4.
    t4 = architecture_table(meta_model(expansion=4), 224)
    assert [r["t"] for r in t4 if r["operator"] == "bottleneck"] == [1, 4, 4, 4, 4, 4, 4]


def test_table3_memory_max_is_400k(full):
    model, report = full
    rows = memory_table(model, report=report)
    assert [r["resolution"] for r in rows] == [112, 56, 28, 14, 7, 1]
    top = max(rows, key=lambda r: r["bytes"])
    assert (top["resolution"], top["channels"], top["bytes"]) == (112, 16, 16 * 112 * 112 * 2)
    assert round(top["kilobytes"], -1) == PAPER_TABLE3_MAX_KB["MobileNetV2"]
    by_res = {r["resolution"]: r["channels"] for r in rows}
    assert by_res == {112: 16, 56: 24, 28: 32, 14: 96, 7: 320, 1: 1280}
    # Without the first-layer trick the stem's 32 x 112 x 112 output dominates.
    naive = memory_table(model, report=report, first_layer_trick=False)
    assert naive[0]["channels"] == 32 and naive[0]["tensor"] == "stem output"
    assert memory_table(model, report=report, bytes_per_value=4)[0]["bytes"] == 2 * top["bytes"]
    with pytest.raises(ValueError):
        memory_table(model, report=report, bytes_per_value=3)


def test_input_size_validated():
    with pytest.raises(ValueError, match="input_size"):
        count_costs(meta_model(0.35), 8)
