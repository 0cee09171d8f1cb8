"""The layers of a MobileNetV2 and the shapes they see, without running anything.

A ``Layer`` holds what counting needs of one Conv2d or Linear (channels, kernel, stride,
padding, groups, its parameters and those of the BatchNorm after it). ``settings_layers``
lists them from Table 2's settings (``INVERTED_RESIDUAL_SETTING``, ``make_divisible``), in the
order and with the module names ``MobileNetV2`` gives them (``model.costs.module_walk`` reads them
off a built model, with torch; this module needs none). ``walk`` carries a (C, H, W) shape
through them with torch's output size rule. ``model.costs`` turns the result into ``CostRow``s.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..architecture import INVERTED_RESIDUAL_SETTING, make_divisible


class CannotWalk(ValueError):
    """The walk cannot follow this model (``count_costs`` then runs it instead)."""


@dataclass(frozen=True)
class Layer:
    """One Conv2d or Linear, as attributes; ``kernel``, ``stride``, ``padding`` and
    ``dilation`` are (height, width) pairs."""
    name: str                 # module path, e.g. "features.2.conv.0.0"
    operator: str             # "conv2d 3x3", "expand 1x1", "depthwise 3x3", "project 1x1", "linear"
    block: int | None
    t: int | None
    c_in: int
    c_out: int
    weight_params: int        # weights + bias
    bn_params: int            # the BatchNorm that follows it
    linear: bool = False
    kernel: tuple[int, int] = (1, 1)
    stride: tuple[int, int] = (1, 1)
    padding: tuple[int, int] = (0, 0)
    dilation: tuple[int, int] = (1, 1)
    groups: int = 1


def walk(layers: list[Layer], input_size: int) -> list[tuple[Layer, tuple, tuple, int]]:
    """(layer, input shape, output shape, MAdds) for every layer, carrying the shape of one
    3 x input_size x input_size image through ``layers`` in order. Convolutions give
    (C, H, W) with torch's rule H' = (H + 2p - d (k - 1) - 1) // s + 1; a Linear takes the
    globally pooled channels, (C,) -> (features,). Integer arithmetic only."""
    shape: tuple = (3, input_size, input_size)
    out = []
    for layer in layers:
        if shape[0] != layer.c_in:
            raise CannotWalk(f"{layer.name} takes {layer.c_in} channels, the walk has {shape[0]}")
        if layer.linear:
            in_shape, out_shape = (layer.c_in,), (layer.c_out,)
            madds = layer.c_in * layer.c_out
        else:
            if len(shape) != 3:
                raise CannotWalk(f"{layer.name} is a convolution after a Linear layer")
            out_hw = tuple((size + 2 * p - d * (k - 1) - 1) // s + 1 for size, k, s, p, d in zip(
                shape[1:], layer.kernel, layer.stride, layer.padding, layer.dilation))
            if min(out_hw) < 1:
                raise ValueError(f"input_size {input_size} is too small: {layer.name} would "
                                 f"output {out_hw[0]}x{out_hw[1]}")
            in_shape, out_shape = shape, (layer.c_out, *out_hw)
            madds = (out_hw[0] * out_hw[1] * layer.c_out * (layer.c_in // layer.groups)
                     * layer.kernel[0] * layer.kernel[1])
        out.append((layer, in_shape, out_shape, madds))
        shape = out_shape
    return out


def settings_layers(width_mult: float, num_classes: int, expansion: int = 6,
                    round_nearest: int = 8) -> list[Layer]:
    """The layers ``MobileNetV2(width_mult, num_classes, expansion=...)`` builds, in the same
    order and with the same names, from the settings alone (its ``__init__``, step by step)."""
    def conv(name, c_in, c_out, k, stride, groups, operator, block=None, t=None):
        return Layer(name, operator, block, t, c_in, c_out,
                     weight_params=c_out * (c_in // groups) * k * k, bn_params=2 * c_out,
                     kernel=(k, k), stride=(stride, stride), padding=((k - 1) // 2,) * 2,
                     groups=groups)

    c_in = make_divisible(32 * width_mult, round_nearest)
    last_channel = make_divisible(1280 * max(1.0, width_mult), round_nearest)
    layers = [conv("features.0.0", 3, c_in, 3, 2, 1, "conv2d 3x3")]
    feature = block = 0
    for t, c, n, s in INVERTED_RESIDUAL_SETTING:
        t = t if t == 1 else expansion   # the first block keeps t = 1, as in the model
        c_out = make_divisible(c * width_mult, round_nearest)
        for i in range(n):
            feature += 1
            hidden = int(round(c_in * t))
            prefix, j = f"features.{feature}.conv", 0
            if t != 1:
                layers.append(conv(f"{prefix}.0.0", c_in, hidden, 1, 1, 1, "expand 1x1", block, t))
                j = 1
            layers.append(conv(f"{prefix}.{j}.0", hidden, hidden, 3, s if i == 0 else 1, hidden,
                               "depthwise 3x3", block, t))
            layers.append(conv(f"{prefix}.{j + 1}", hidden, c_out, 1, 1, 1, "project 1x1", block, t))
            c_in, block = c_out, block + 1
    layers.append(conv(f"features.{feature + 1}.0", c_in, last_channel, 1, 1, 1, "conv2d 1x1"))
    layers.append(Layer("classifier.1", "linear", None, None, last_channel, num_classes,
                        weight_params=last_channel * num_classes + num_classes, bn_params=0,
                        linear=True))
    return layers
