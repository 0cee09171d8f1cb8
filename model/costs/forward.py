"""The reference counter: parameters and MAdds read off one forward pass with hooks.

``model.costs`` computes the same rows by a shape walk (integer arithmetic, no forward), which
is what the app uses; this counter runs the model (on its device: a "meta" model computes no
numbers, but torch's reference kernels still take tenths of a second per pass) and reads every
Conv2d's and Linear's input and output shapes from hooks. The tests hold the walk to it, and
``count_costs`` falls back to it for models the walk cannot follow.
"""
from __future__ import annotations

import torch
from torch import nn

from .records import CostReport, CostRow, check_input_size, report_of
from .module_walk import blocks_by_module, operator_name


def count_costs_by_forward(model: nn.Module, input_size: int = 224) -> CostReport:
    """Count parameters and MAdds of ``model`` for a square ``input_size`` RGB image.

    Runs one forward pass of a 1 x 3 x input_size x input_size zero image (on the model's
    device, in eval mode, no gradients) with hooks on every Conv2d and Linear to read shapes.
    """
    input_size = check_input_size(input_size)
    owner = blocks_by_module(model)
    layers: list[tuple[str, nn.Module]] = []
    bn_of: dict[int, int] = {}
    last_layer = None
    for name, m in model.named_modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            layers.append((name, m))
            last_layer = id(m)
        elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)) and last_layer is not None:
            bn_of[last_layer] = bn_of.get(last_layer, 0) + sum(p.numel() for p in m.parameters())
    shapes: dict[int, tuple[tuple, tuple]] = {}

    def hook(module, args, output):
        shapes.setdefault(id(module), (tuple(args[0].shape[1:]), tuple(output.shape[1:])))

    handles = [m.register_forward_hook(hook) for _, m in layers]
    was_training = model.training
    try:
        model.eval()
        param = next(model.parameters(), None)
        device = param.device if param is not None else torch.device("cpu")
        with torch.no_grad():
            model(torch.zeros(1, 3, input_size, input_size, device=device))
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)

    rows = []
    for i, (name, m) in enumerate(layers):
        if id(m) not in shapes:
            raise ValueError(f"layer {name} did not run in the forward pass; cannot count it")
        in_shape, out_shape = shapes[id(m)]
        b, block = owner.get(id(m), (None, None))
        weight_params = sum(p.numel() for p in m.parameters(recurse=False))
        if isinstance(m, nn.Conv2d):
            k = m.kernel_size[0] * m.kernel_size[1]
            madds = out_shape[1] * out_shape[2] * m.out_channels * (m.in_channels // m.groups) * k
            kernel, stride, groups = m.kernel_size[0], m.stride[0], m.groups
        else:
            madds = m.in_features * m.out_features
            kernel, stride, groups = 1, 1, 1
        bn = bn_of.get(id(m), 0)
        rows.append(CostRow(
            index=i, name=name, block=b, operator=operator_name(m, block), input_shape=in_shape,
            output_shape=out_shape, t=None if block is None else block.expand_ratio,
            stride=stride, kernel=kernel, groups=groups, params=weight_params + bn,
            bn_params=bn, madds=madds))
    return report_of(model, input_size, rows)
