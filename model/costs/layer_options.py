"""Three ways to turn an h x w x d_i tensor into d_j channels (paper, Sections 3.1 and 3.3).

- ``standard``: one k x k convolution (+ BN + ReLU6): h' w' d_i d_j k^2 multiply-adds.
- ``separable``: k x k depthwise (+ BN + ReLU6), then 1 x 1 pointwise (+ BN + ReLU6):
  h' w' d_i (k^2 + d_j).
- ``bottleneck``: the inverted residual block of Table 1: 1 x 1 expansion to t d_i (+ BN +
  ReLU6), k x k depthwise with stride s (+ BN + ReLU6), linear 1 x 1 projection (+ BN), and the
  residual add when s = 1 and d_i = d_j: h w d_i t d_i + h' w' t d_i (k^2 + d_j), which is the
  paper's h w d_i t (d_i + k^2 + d_j) at stride 1. With t = 1 there is no expansion layer (as in
  the network's first block).

h' = ceil(h / s), w' = ceil(w / s). MAdds count one multiply-add per weight use (docs/PAPER_FACTS.md §2);
parameters count every weight including BatchNorm's scale and shift. ``model.costs.layer_modules``
makes the same layers as torch modules, to time them and to check the formulas against the
modules' own parameter counts; this file needs no torch (the app's server uses it).
"""
from __future__ import annotations

from dataclasses import dataclass

OPTIONS = ("standard", "separable", "bottleneck")


@dataclass(frozen=True)
class LayerShape:
    """The interactive block's settings: channels in/out, expansion t, kernel k, input h x w,
    stride."""
    d_i: int
    d_j: int
    t: int = 6
    k: int = 3
    h: int = 56
    w: int = 56
    stride: int = 1

    def __post_init__(self):
        for name in ("d_i", "d_j", "t", "h", "w"):
            value = getattr(self, name)
            if int(value) != value or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value}")
        if self.k not in (1, 3, 5, 7):
            raise ValueError(f"k (kernel size) must be 1, 3, 5 or 7, got {self.k}")
        if self.stride not in (1, 2):
            raise ValueError(f"stride must be 1 or 2, got {self.stride}")

    @property
    def out_hw(self) -> tuple[int, int]:
        return (self.h - 1) // self.stride + 1, (self.w - 1) // self.stride + 1

    @property
    def residual(self) -> bool:
        return self.stride == 1 and self.d_i == self.d_j


def option_madds(option: str, s: LayerShape) -> int:
    """Multiply-adds of ``option`` for one image of shape (d_i, h, w)."""
    ho, wo = s.out_hw
    if option == "standard":
        return ho * wo * s.d_i * s.d_j * s.k ** 2
    if option == "separable":
        return ho * wo * s.d_i * (s.k ** 2 + s.d_j)
    if option == "bottleneck":
        inner = s.t * s.d_i
        expand = s.h * s.w * s.d_i * inner if s.t != 1 else 0
        return expand + ho * wo * inner * (s.k ** 2 + s.d_j)
    raise ValueError(f"option must be one of {OPTIONS}, got {option!r}")


def option_params(option: str, s: LayerShape) -> int:
    """Parameters of ``option``: convolution weights plus 2 per BatchNorm channel."""
    if option == "standard":
        return s.k ** 2 * s.d_i * s.d_j + 2 * s.d_j
    if option == "separable":
        return s.k ** 2 * s.d_i + 2 * s.d_i + s.d_i * s.d_j + 2 * s.d_j
    if option == "bottleneck":
        inner = s.t * s.d_i
        expand = s.d_i * inner + 2 * inner if s.t != 1 else 0
        return expand + s.k ** 2 * inner + 2 * inner + inner * s.d_j + 2 * s.d_j
    raise ValueError(f"option must be one of {OPTIONS}, got {option!r}")


def paper_bottleneck_madds(s: LayerShape) -> int:
    """The paper's formula h w d_i t (d_i + k^2 + d_j) (stride 1, expansion always present)."""
    return s.h * s.w * s.d_i * s.t * (s.d_i + s.k ** 2 + s.d_j)
