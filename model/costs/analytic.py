"""Parameters, multiply-adds and memory of a MobileNetV2, computed from its architecture.

Convention (docs/PAPER_FACTS.md §2, the paper's): one multiply-add per weight use in every Conv2d and
Linear; BatchNorm, activations, residual additions and pooling cost nothing. Parameters are
all of them (BatchNorm's scale and shift included), attributed to the conv they follow, so the
rows add up to the model's total. Width 1.0 at 224 gives 3,504,872 parameters and 300,774,272
MAdds, torchvision's figures.

No forward pass: ``costs_of(width_mult, input_size, num_classes)`` walks the shapes from the
architecture settings, ``count_costs(model, input_size)`` from a built model's layer
attributes (``model.costs.shape_walk``), both with integer arithmetic, in well under a millisecond
per layer. ``model.costs.forward`` keeps the counter that runs the model with hooks, which the
tests hold both to, row for row.

Also here: the paper's per-block formula ``h w d_i t (d_i + k^2 + d_j)`` next to the counted
MAdds (``block_formula_rows``), Table 2 derived from the model (``architecture_table``) and
Table 3's largest tensor per resolution (``memory_table``). Each takes a model or a
``CostReport``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..architecture import BOTTLENECKS, SHORTCUTS
from .records import (BlockFormulaRow, BlockShape, CostReport, CostRow, check_input_size,
                      report_of)
from .shape_walk import CannotWalk, settings_layers, walk

if TYPE_CHECKING:      # a built model is walked with torch; the settings need none
    from torch import nn

# Paper, Table 3 and §5 (docs/PAPER_FACTS.md §5): the largest tensor to materialise, in K of 16-bit values.
PAPER_TABLE3_MAX_KB = {"MobileNetV1": 1600, "ShuffleNet (2x, g=3)": 600, "MobileNetV2": 400}


def _rows(layers, input_size: int) -> list[CostRow]:
    return [CostRow(index=i, name=layer.name, block=layer.block, operator=layer.operator,
                    input_shape=in_shape, output_shape=out_shape, t=layer.t,
                    stride=layer.stride[0], kernel=layer.kernel[0], groups=layer.groups,
                    params=layer.weight_params + layer.bn_params, bn_params=layer.bn_params,
                    madds=madds)
            for i, (layer, in_shape, out_shape, madds) in enumerate(walk(layers, input_size))]


def costs_of(width_mult: float = 1.0, input_size: int = 224, num_classes: int = 1000, *,
             expansion: int = 6, bottleneck: str = "linear", shortcut: str = "bottleneck",
             round_nearest: int = 8) -> CostReport:
    """The ``CostReport`` of ``mobilenet_v2(width_mult, num_classes, expansion=...,
    bottleneck=..., shortcut=...)`` at ``input_size`` x ``input_size``, from the architecture
    settings alone: no model is built and nothing runs.

    ``bottleneck`` and ``shortcut`` are checked but change no number: a ReLU6 has no
    parameters, and this convention counts neither activations nor residual additions.
    """
    input_size = check_input_size(input_size)
    if not width_mult > 0:
        raise ValueError(f"width_mult must be > 0, got {width_mult}")
    if int(num_classes) != num_classes or num_classes < 1:
        raise ValueError(f"num_classes must be an integer >= 1, got {num_classes}")
    if int(expansion) != expansion or expansion < 1:
        raise ValueError(f"expansion must be an integer >= 1, got {expansion}")
    if bottleneck not in BOTTLENECKS:
        raise ValueError(f"bottleneck must be one of {BOTTLENECKS}, got {bottleneck!r}")
    if shortcut not in SHORTCUTS:
        raise ValueError(f"shortcut must be one of {SHORTCUTS}, got {shortcut!r}")
    rows = _rows(settings_layers(float(width_mult), int(num_classes), int(expansion),
                                 round_nearest), input_size)
    return CostReport(input_size, sum(r.params for r in rows), sum(r.madds for r in rows), rows)


def count_costs(model: nn.Module, input_size: int = 224) -> CostReport:
    """Count parameters and MAdds of ``model`` for a square ``input_size`` RGB image.

    For a MobileNetV2 (any width, class count, expansion or variant, on any device, "meta"
    included) the shapes come from a walk over its layers' attributes, without a forward
    pass. A model the walk cannot follow (not a MobileNetV2, or holding modules it does not
    know) is run once instead (``model.costs.forward.count_costs_by_forward``).
    """
    input_size = check_input_size(input_size)
    try:
        from .module_walk import module_layers
        rows = _rows(module_layers(model), input_size)
    except CannotWalk:
        from .forward import count_costs_by_forward
        return count_costs_by_forward(model, input_size)
    return report_of(model, input_size, rows)


def block_shapes(report: CostReport) -> list[BlockShape]:
    """The bottleneck blocks of ``report`` in order, read off their rows (so the tables below
    need no model)."""
    out = []
    for b in sorted({r.block for r in report.rows if r.block is not None}):
        rows = [r for r in report.rows if r.block == b]
        dw = next(r for r in rows if r.operator.startswith("depthwise"))
        out.append(BlockShape(b, rows[0].input_shape[0], dw.output_shape[0],
                              rows[-1].output_shape[0], rows[0].t, dw.stride, dw.kernel))
    return out


def _report_of(source, input_size: int, report: CostReport | None) -> CostReport:
    """``report`` if given, ``source`` if it is a report, else ``count_costs(source)``."""
    if report is not None:
        return report
    if isinstance(source, CostReport):
        return source
    return count_costs(source, input_size)


def block_formula_rows(model: nn.Module | CostReport, input_size: int = 224,
                       report: CostReport | None = None) -> list[BlockFormulaRow]:
    """For every bottleneck block, the paper's formula (docs/PAPER_FACTS.md §2) vs the counted MAdds.

    The paper writes ``h w d_i t (d_i + k^2 + d_j)`` for a stride-1 block with an expansion
    layer. Two things make the count differ: with stride s the depthwise and projection layers
    run at h/s x w/s, and the first block (t = 1) has no expansion layer, so its d_i^2 term is
    absent. ``adjusted_madds`` applies both and always equals the count.
    """
    report = _report_of(model, input_size, report)
    blocks = block_shapes(report)
    out = []
    for block in blocks:
        b = block.block
        block_rows = [r for r in report.rows if r.block == b]
        dw = next(r for r in block_rows if r.operator.startswith("depthwise"))
        h = block_rows[0].input_shape[1]
        w = block_rows[0].input_shape[2]
        ho, wo = dw.output_shape[1], dw.output_shape[2]
        d_i, d_j, t, s, k = block.in_channels, block.out_channels, block.expand_ratio, block.stride, dw.kernel
        hidden = block.hidden_channels
        formula = h * w * d_i * t * (d_i + k * k + d_j)
        expand = h * w * d_i * hidden if t != 1 else 0
        adjusted = expand + ho * wo * hidden * (k * k + d_j)
        counted = sum(r.madds for r in block_rows)
        notes = []
        if t == 1:
            notes.append(f"t = 1: no expansion layer, so the formula's h*w*d_i^2 = "
                         f"{h * w * d_i * d_i:,} term is absent")
        if s != 1:
            notes.append(f"stride {s}: depthwise and projection run at {ho}x{wo}, not {h}x{w}")
        if hidden != d_i * t:
            notes.append(f"expanded width rounds to {hidden}, not t*d_i = {d_i * t}")
        if not notes:
            notes.append("stride 1 with expansion: the formula is exact")
        out.append(BlockFormulaRow(b, h, d_i, t, d_j, s, k, formula, adjusted, counted,
                                   counted - formula, "; ".join(notes)))
    return out


def architecture_table(model: nn.Module | CostReport, input_size: int = 224,
                       report: CostReport | None = None) -> list[dict]:
    """The paper's Table 2, read off the model: rows of input, operator, t, c, n, s.

    Consecutive bottleneck blocks with the same t and output channels form one row (n = how
    many, s = the first one's stride), as in the paper. ``input`` is "224^2 x 3" style text;
    ``input_hw`` and ``input_channels`` hold the numbers.
    """
    report = _report_of(model, input_size, report)
    blocks = block_shapes(report)
    table: list[dict] = []

    def add(shape, operator, t, c, n, s):
        hw = shape[1] if len(shape) == 3 else 1
        channels = shape[0]
        table.append({"input": f"{hw}^2 x {channels}", "input_hw": hw, "input_channels": channels,
                      "operator": operator, "t": t, "c": c, "n": n, "s": s})

    first_block_row = next(i for i, r in enumerate(report.rows) if r.block is not None)
    for r in report.rows[:first_block_row]:
        add(r.input_shape, r.operator, None, r.output_shape[0], 1, r.stride)
    b = 0
    while b < len(blocks):
        start = b
        while (b + 1 < len(blocks) and blocks[b + 1].out_channels == blocks[start].out_channels
               and blocks[b + 1].expand_ratio == blocks[start].expand_ratio
               and blocks[b + 1].stride == 1):
            b += 1
        in_row = next(r for r in report.rows if r.block == start)
        add(in_row.input_shape, "bottleneck", blocks[start].expand_ratio,
            blocks[start].out_channels, b - start + 1, blocks[start].stride)
        b += 1
    last_block_row = max(i for i, r in enumerate(report.rows) if r.block is not None)
    prev = report.rows[last_block_row]
    for r in report.rows[last_block_row + 1:]:
        if r.operator == "linear":
            pooled_hw = prev.output_shape[1] if len(prev.output_shape) == 3 else 1
            add(prev.output_shape, f"avgpool {pooled_hw}x{pooled_hw}", None, None, 1, None)
            add((r.input_shape[0], 1, 1), "conv2d 1x1", None, r.output_shape[0], None, None)
        else:
            add(r.input_shape, r.operator, None, r.output_shape[0], 1, r.stride)
        prev = r
    return table


def memory_table(model: nn.Module | CostReport, input_size: int = 224, *, bytes_per_value: int = 2,
                 first_layer_trick: bool = True, report: CostReport | None = None) -> list[dict]:
    """Table 3: per spatial resolution, the largest tensor materialised between blocks.

    The tensors between blocks are the bottleneck blocks' outputs and the pooled feature
    vector (1x1). With ``first_layer_trick`` (the paper's choice, §5) the stem's output counts
    as an inner tensor of the first block, not a materialised one. Returns rows (largest
    resolution first) with ``resolution``, ``channels``, ``values``, ``bytes`` and
    ``kilobytes`` (bytes / 1000) for ``bytes_per_value``-byte floats (16-bit by default).
    The maximum over rows is the paper's "max" line: 16 x 112 x 112 x 2 B = 401 KB at 224.
    """
    if bytes_per_value not in (1, 2, 4, 8):
        raise ValueError(f"bytes_per_value must be 1, 2, 4 or 8, got {bytes_per_value}")
    report = _report_of(model, input_size, report)
    blocks = block_shapes(report)
    tensors: list[tuple[str, int, int]] = []   # (label, channels, resolution)
    first = next(r for r in report.rows if r.block == 0)
    if not first_layer_trick:
        tensors.append(("stem output", first.input_shape[0], first.input_shape[1]))
    for b in range(len(blocks)):
        last = [r for r in report.rows if r.block == b][-1]
        tensors.append((f"block {b} output", last.output_shape[0], last.output_shape[1]))
    head = [r for r in report.rows if r.block is None and r.index > first.index]
    if head and head[-1].operator == "linear":
        tensors.append(("pooled features", head[-1].input_shape[0], 1))
    best: dict[int, tuple[str, int, int]] = {}
    for label, c, res in tensors:
        if res not in best or c > best[res][1]:
            best[res] = (label, c, res)
    rows = []
    for res in sorted(best, reverse=True):
        label, c, _ = best[res]
        values = c * res * res
        rows.append({"resolution": res, "channels": c, "tensor": label, "values": values,
                     "bytes": values * bytes_per_value,
                     "kilobytes": values * bytes_per_value / 1000})
    return rows
