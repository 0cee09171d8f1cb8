"""MobileNetV2's architecture as data (the paper's Table 2), without torch.

``model.mobilenetv2`` builds the network from it; the costs, the registry and the app's server
read it without importing torch.
"""
from __future__ import annotations

# The paper's Table 2: expansion t, output channels c, repeats n, first stride s.
INVERTED_RESIDUAL_SETTING = [
    # t, c, n, s
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
]
BOTTLENECKS = ("linear", "relu6")
SHORTCUTS = ("bottleneck", "expansion", "none")


def make_divisible(value: float, divisor: int = 8, min_value: int | None = None) -> int:
    """Round a channel count to a multiple of ``divisor``, never below 90% of ``value``."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def expansion_channels(setting=INVERTED_RESIDUAL_SETTING) -> list[int]:
    """The expansion width of every bottleneck block, in order, at width 1.0 (``setting``:
    the ``(t, c, n, s)`` rows; the first block's input is 32 channels)."""
    widths, channels = [], 32
    for t, c, repeats, _ in setting:
        for _ in range(repeats):
            widths.append(channels * t)
            channels = c
    return widths
