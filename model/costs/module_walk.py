"""The layers of a built MobileNetV2, read off its modules' attributes (``model.costs.shape_walk``'s
``Layer``s, as ``settings_layers`` lists them from the settings)."""
from __future__ import annotations

from dataclasses import replace

from torch import nn

from ..mobilenetv2 import ConvBNReLU6, InvertedResidual, MobileNetV2
from .shape_walk import CannotWalk, Layer


def blocks_by_module(model: nn.Module) -> dict[int, tuple[int, InvertedResidual]]:
    """id(submodule) -> (block index, block) for every module inside a bottleneck block."""
    owner = {}
    blocks = [m for m in model.modules() if isinstance(m, InvertedResidual)]
    for b, block in enumerate(blocks):
        for m in block.modules():
            owner[id(m)] = (b, block)
    return owner


def operator_name(m: nn.Module, block: InvertedResidual | None) -> str:
    """"conv2d 3x3", "expand 1x1", "depthwise 3x3", "project 1x1" or "linear"."""
    if isinstance(m, nn.Linear):
        return "linear"
    k = f"{m.kernel_size[0]}x{m.kernel_size[1]}"
    if block is None:
        return f"conv2d {k}"
    if m.groups > 1 and m.groups == m.in_channels:
        return f"depthwise {k}"
    if (m.in_channels == block.in_channels and block.expand_ratio != 1
            and m.out_channels == block.hidden_channels):
        return f"expand {k}"
    return f"project {k}"


# Module types whose effect on shapes the walk knows. Anything else (a pooling layer, a custom
# block, a subclass with its own forward) could change shapes in ways its attributes do not
# say, so such a model is run instead.
_WALKABLE = (InvertedResidual, ConvBNReLU6, nn.Sequential, nn.Conv2d, nn.Linear, nn.BatchNorm2d,
             nn.BatchNorm1d, nn.ReLU, nn.ReLU6, nn.Dropout, nn.Identity)


def module_layers(model: nn.Module) -> list[Layer]:
    """A MobileNetV2's Conv2d and Linear layers read off their attributes, in module order,
    which is its forward order (residual additions keep shapes; pooling comes before the
    classifier). Raises ``CannotWalk`` for any other model."""
    if not isinstance(model, MobileNetV2):
        raise CannotWalk(f"{type(model).__name__} is not a MobileNetV2")
    owner = blocks_by_module(model)
    layers: list[Layer] = []
    for name, m in model.named_modules():
        if m is not model and type(m) not in _WALKABLE:
            raise CannotWalk(f"{name} is a {type(m).__name__}")
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            b, block = owner.get(id(m), (None, None))
            weight_params = sum(p.numel() for p in m.parameters(recurse=False))
            t = None if block is None else block.expand_ratio
            if isinstance(m, nn.Linear):
                layers.append(Layer(name, "linear", b, t, m.in_features, m.out_features,
                                    weight_params, 0, linear=True))
            elif isinstance(m.padding, str):
                raise CannotWalk(f"{name} has padding={m.padding!r}")
            else:
                layers.append(Layer(name, operator_name(m, block), b, t, m.in_channels,
                                    m.out_channels, weight_params, 0, kernel=m.kernel_size,
                                    stride=m.stride, padding=m.padding, dilation=m.dilation,
                                    groups=m.groups))
        elif isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)) and layers:
            bn = sum(p.numel() for p in m.parameters())
            layers[-1] = replace(layers[-1], bn_params=layers[-1].bn_params + bn)
    return layers
