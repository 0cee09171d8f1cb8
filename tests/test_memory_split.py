"""Section 5.1's k-way split of a bottleneck block, and the interactive block's cost formulas."""

import pytest
import torch
from torch import nn

from model.costs.layer_modules import build_option, compare_options
from model.costs.layer_options import (OPTIONS, LayerShape, option_madds, option_params,
                                       paper_bottleneck_madds)
from model.costs.memory_split import (SplitBlock, channel_groups, compare_splits,
                                      inner_bytes, measure_peak_bytes,
                                      randomize_bn_statistics)
from model.mobilenetv2 import mobilenet_v2


pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def nets():
    torch.manual_seed(0)
    return {name: randomize_bn_statistics(mobilenet_v2(0.5, bottleneck=bn, shortcut=sc), seed=1).eval()
            for name, bn, sc in (("linear", "linear", "bottleneck"), ("relu6", "relu6", "bottleneck"),
                                 ("expansion", "linear", "expansion"))}


@pytest.mark.parametrize("variant", ["linear", "relu6"])
@pytest.mark.parametrize("index", [0, 1, 2, 13])  # t = 1, stride 2, residual, deep residual
def test_split_output_equals_block_for_every_k(nets, variant, index):
    block = nets[variant].blocks[index]
    x = torch.randn(2, block.in_channels, 12, 12)
    with torch.no_grad():
        want = block(x)
    for k in (1, 2, 3, block.expand_ratio, 5):
        got = SplitBlock(block, k)(x)
        assert got.shape == want.shape
        assert torch.allclose(got, want, atol=1e-5), (k, (got - want).abs().max())


def test_split_handles_shortcut_between_expansions(nets):
    exp_block = nets["expansion"].blocks[2]
    assert exp_block.expansion_shortcut
    x = torch.randn(1, exp_block.in_channels, 10, 10)
    with torch.no_grad():
        want = exp_block(x)
    assert torch.allclose(SplitBlock(exp_block, 4)(x), want, atol=1e-5)


def test_bn_is_really_folded(nets):
    """With BN left out of the fold the split would disagree: the statistics are not trivial."""
    block = nets["linear"].blocks[1]
    bn = block.conv[0][1]
    assert bn.running_var.std() > 0.1 and bn.running_mean.abs().max() > 0.1


def test_inner_memory_falls_with_k(nets):
    block = nets["linear"].blocks[1]  # t = 6
    x = torch.randn(1, block.in_channels, 32, 32)
    results = compare_splits(block, x)
    assert [r.k for r in results] == list(range(1, 7))
    assert all(r.max_abs_diff < 1e-5 for r in results)
    accounted = [r.inner_bytes for r in results]
    assert accounted == sorted(accounted, reverse=True) and accounted[0] == 6 * accounted[-1]
    measured = [r.measured_peak_bytes for r in results]
    assert None not in measured
    # The measured peak includes the output and the projection's temporaries, so it falls
    # less than the accounted inner bytes, but it must fall clearly from k = 1 to k = t.
    assert measured[-1] < 0.6 * measured[0]
    assert measured[0] >= accounted[0]


def test_measure_peak_bytes_sees_a_large_temporary():
    def make(n):
        return torch.ones(n).sum()
    small, big = measure_peak_bytes(make, 1000), measure_peak_bytes(make, 1_000_000)
    assert big >= 4_000_000 > small


def test_channel_groups_and_validation(nets):
    assert [g.stop - g.start for g in channel_groups(10, 3)] in ([3, 4, 3], [3, 3, 4], [4, 3, 3])
    assert channel_groups(7, 7)[-1] == slice(6, 7)
    with pytest.raises(ValueError, match="k must be"):
        channel_groups(8, 0)
    with pytest.raises(ValueError, match="k must be"):
        channel_groups(8, 9)
    block = nets["linear"].blocks[1]
    block.train()
    try:
        with pytest.raises(ValueError, match="eval mode"):
            SplitBlock(block, 2)
    finally:
        block.eval()
    with pytest.raises(ValueError, match="shape"):
        compare_splits(block, torch.randn(1, block.in_channels + 1, 8, 8))
    assert inner_bytes(block, (8, 8), 1) == (8 * 8 + 4 * 4) * block.hidden_channels * 4


def _counted_madds(module: nn.Module, x: torch.Tensor) -> int:
    total = 0

    def hook(m, inputs, out):
        nonlocal total
        total += out.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
    handles = [m.register_forward_hook(hook) for m in module.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        module(x)
    for h in handles:
        h.remove()
    return total


@pytest.mark.parametrize("shape", [
    LayerShape(24, 24, t=6, k=3, h=14, w=14, stride=1),
    LayerShape(16, 24, t=6, k=3, h=15, w=15, stride=2),
    LayerShape(32, 16, t=1, k=3, h=8, w=8, stride=1),
    LayerShape(8, 12, t=4, k=5, h=9, w=7, stride=2),
])
def test_formulas_match_the_built_layers(shape):
    x = torch.randn(1, shape.d_i, shape.h, shape.w)
    for option in OPTIONS:
        module = build_option(option, shape)
        assert _counted_madds(module, x) == option_madds(option, shape), option
        assert sum(p.numel() for p in module.parameters()) == option_params(option, shape), option
        with torch.no_grad():
            assert module(x).shape == (1, shape.d_j, *shape.out_hw)


def test_paper_formula_and_ratios():
    s = LayerShape(64, 64, t=6, k=3, h=28, w=28, stride=1)
    assert option_madds("bottleneck", s) == paper_bottleneck_madds(s)
    wide = LayerShape(64, 256, t=6, k=3, h=28, w=28)
    ratio = option_madds("standard", wide) / option_madds("separable", wide)
    assert 8 <= ratio <= 9  # the paper's "8 to 9 times" for k = 3 and many output channels
    with pytest.raises(ValueError, match="stride"):
        LayerShape(8, 8, stride=3)
    with pytest.raises(ValueError, match="option"):
        option_madds("dense", s)


def test_compare_options_measures_each():
    rows = compare_options(LayerShape(8, 8, t=2, k=3, h=8, w=8), repeats=1)
    assert [r["option"] for r in rows] == list(OPTIONS)
    for r in rows:
        assert r["params"] == r["module_params"] and r["seconds"] > 0
