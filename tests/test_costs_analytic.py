"""The shape walk (``costs_of``, ``count_costs``) against the counter that runs the model.

The reference, ``count_costs_by_forward``, reads every layer's shapes from hooks during one
forward pass; the walk must give the same rows, field for field, for every width, resolution
(odd ones included), class count and block variant.
"""
import pytest
import torch
from torch import nn

from model.costs.analytic import (architecture_table, block_formula_rows, costs_of,
                                  count_costs, memory_table)
from model.costs.forward import count_costs_by_forward
from model.costs.layer_modules import build_option
from model.costs.layer_options import OPTIONS, LayerShape, option_madds, option_params
from model.mobilenetv2 import mobilenet_v2
from model.weights import KNOWN_WIDTHS

pytestmark = pytest.mark.unit

RESOLUTIONS = (32, 33, 96, 97, 128, 160, 161, 192, 199, 224, 225)


def test_known_widths_are_the_ones_the_app_offers():
    assert KNOWN_WIDTHS == (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)


@pytest.mark.parametrize("num_classes", [10, 1000])
@pytest.mark.parametrize("width", KNOWN_WIDTHS)
def test_walk_gives_the_counted_rows(width, num_classes):
    # A real CPU model: its forward at these sizes is faster than a "meta" one.
    torch.manual_seed(0)
    net = mobilenet_v2(width, num_classes)
    for res in RESOLUTIONS:
        counted = count_costs_by_forward(net, res)
        assert costs_of(width, res, num_classes).as_dicts() == counted.as_dicts(), (width, res)
        walked = count_costs(net, res)
        assert walked.as_dicts() == counted.as_dicts()
        assert (walked.total_params, walked.total_madds) == (counted.total_params, counted.total_madds)


@pytest.mark.parametrize("kwargs", [
    dict(bottleneck="relu6"), dict(shortcut="expansion"), dict(shortcut="none"),
    dict(expansion=4), dict(expansion=1), dict(bottleneck="relu6", shortcut="expansion", expansion=3),
])
def test_walk_follows_the_block_variants(kwargs):
    for width in (0.35, 1.0):
        net = mobilenet_v2(width, 10, **kwargs)
        for res in (64, 97, 224):
            counted = count_costs_by_forward(net, res).as_dicts()
            assert costs_of(width, res, 10, **kwargs).as_dicts() == counted, (width, res, kwargs)
            assert count_costs(net, res).as_dicts() == counted


def test_count_costs_does_not_run_the_model():
    with torch.device("meta"):
        net = mobilenet_v2(1.0)

    def refuse(module, args):
        raise AssertionError("count_costs ran a forward pass")

    net.register_forward_pre_hook(refuse)
    report = count_costs(net, 224)
    assert (report.total_params, report.total_madds) == (3_504_872, 300_774_272)
    assert report.as_dicts() == costs_of(1.0, 224).as_dicts()
    with pytest.raises(AssertionError, match="forward"):
        count_costs_by_forward(net, 224)


def test_models_the_walk_cannot_follow_are_run():
    # A pooling layer changes shapes in a way no conv attribute says: the walk must not guess.
    net = mobilenet_v2(0.35, 10)
    net.features[0] = nn.Sequential(net.features[0], nn.MaxPool2d(2))
    pooled = count_costs(net, 96)
    assert pooled.as_dicts() == count_costs_by_forward(net, 96).as_dicts()
    assert pooled.rows[1].input_shape == (16, 24, 24)     # 96 -> 48 (stem) -> 24 (pool)
    assert pooled.total_madds < costs_of(0.35, 96, 10).total_madds
    plain = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.BatchNorm2d(8), nn.ReLU6(),
                          nn.Conv2d(8, 4, 1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 2))
    report = count_costs(plain, 32)
    assert report.as_dicts() == count_costs_by_forward(plain, 32).as_dicts()
    assert report.total_params == sum(p.numel() for p in plain.parameters())


def test_tables_from_a_report_equal_the_tables_from_the_model():
    models = {(w, e): mobilenet_v2(w, expansion=e) for w in (0.35, 1.0, 1.4) for e in (6, 4)}
    for (width, expansion), net in models.items():
        for res in (96, 161, 224):
            counted = count_costs_by_forward(net, res)
            walked = costs_of(width, res, expansion=expansion)
            assert architecture_table(walked) == architecture_table(net, res, report=counted)
            assert memory_table(walked) == memory_table(net, res, report=counted)
            assert (memory_table(walked, first_layer_trick=False)
                    == memory_table(net, res, report=counted, first_layer_trick=False))
            assert block_formula_rows(walked) == block_formula_rows(net, res, report=counted)


def test_block_formula_rows_follow_odd_resolutions():
    rows = block_formula_rows(costs_of(1.0, 225))
    report = costs_of(1.0, 225)
    assert rows[0].h == 113                       # the stem: (225 + 2 - 2 - 1) // 2 + 1
    for r in rows:
        assert r.adjusted_madds == r.counted_madds == report.block_madds(r.block)


def _hook_madds(module: nn.Module, x: torch.Tensor) -> int:
    """MAdds of every Conv2d in ``module``, with shapes read from one forward of ``x``."""
    total = []

    def hook(m, args, out):
        total.append(out.shape[2] * out.shape[3] * m.out_channels * (m.in_channels // m.groups)
                     * m.kernel_size[0] * m.kernel_size[1])

    handles = [m.register_forward_hook(hook) for m in module.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        module(x)
    for h in handles:
        h.remove()
    return sum(total)


@pytest.mark.parametrize("shape", [
    LayerShape(24, 24), LayerShape(32, 64, 6, 3, 28, 28, 2), LayerShape(16, 16, 1, 3, 112, 112, 1),
    LayerShape(3, 7, 4, 5, 15, 9, 2), LayerShape(1, 1, 1, 1, 1, 1, 1), LayerShape(5, 3, 10, 7, 13, 13, 2),
    LayerShape(8, 8, 2, 1, 2, 3, 2),
])
def test_layer_option_formulas_are_the_counted_ones(shape):
    # The block page's interactive layers are priced by formula (no model); hold the formulas
    # to the torch modules the page times.
    for option in OPTIONS:
        module = build_option(option, shape)
        x = torch.zeros(1, shape.d_i, shape.h, shape.w)
        assert option_madds(option, shape) == _hook_madds(module, x), option
        assert option_params(option, shape) == sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize("kwargs, match", [
    (dict(width_mult=0), "width_mult"), (dict(num_classes=0), "num_classes"),
    (dict(expansion=2.5), "expansion"), (dict(bottleneck="gelu"), "bottleneck"),
    (dict(shortcut="dense"), "shortcut"), (dict(input_size=31), "input_size"),
    (dict(input_size=100.5), "input_size"),
])
def test_costs_of_validates_its_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        costs_of(**kwargs)
