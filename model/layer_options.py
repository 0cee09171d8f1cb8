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
parameters count every weight including BatchNorm's scale and shift. ``build_option`` makes the
same layers as torch modules, so ``time_option`` can measure them and the formulas can be
checked against the modules' own parameter counts.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch
from torch import nn

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


def _conv_bn(c_in: int, c_out: int, k: int, stride: int = 1, groups: int = 1,
             relu6: bool = True) -> list[nn.Module]:
    layers = [nn.Conv2d(c_in, c_out, k, stride, (k - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(c_out)]
    return layers + [nn.ReLU6(inplace=True)] if relu6 else layers


class _Residual(nn.Module):
    def __init__(self, body: nn.Module, add: bool):
        super().__init__()
        self.body, self.add = body, add

    def forward(self, x):
        return x + self.body(x) if self.add else self.body(x)


def build_option(option: str, s: LayerShape) -> nn.Module:
    """The layers of ``option`` as an eval-mode torch module taking (n, d_i, h, w)."""
    if option == "standard":
        return nn.Sequential(*_conv_bn(s.d_i, s.d_j, s.k, s.stride)).eval()
    if option == "separable":
        return nn.Sequential(*_conv_bn(s.d_i, s.d_i, s.k, s.stride, groups=s.d_i),
                             *_conv_bn(s.d_i, s.d_j, 1)).eval()
    if option == "bottleneck":
        inner = s.t * s.d_i
        layers = _conv_bn(s.d_i, inner, 1) if s.t != 1 else []
        layers += _conv_bn(inner, inner, s.k, s.stride, groups=inner)
        layers += _conv_bn(inner, s.d_j, 1, relu6=False)
        return _Residual(nn.Sequential(*layers), s.residual).eval()
    raise ValueError(f"option must be one of {OPTIONS}, got {option!r}")


def time_option(option: str, s: LayerShape, *, repeats: int = 5, seed: int = 0) -> float:
    """Fastest wall-clock seconds over ``repeats`` forwards of ``option`` on one random image
    (CPU, inference mode, after one warm-up run). The minimum, as timeit advises: other
    processes on a shared machine only ever add time."""
    if int(repeats) != repeats or repeats < 1:
        raise ValueError(f"repeats must be an integer >= 1, got {repeats}")
    torch.manual_seed(seed)
    module = build_option(option, s)
    x = torch.randn(1, s.d_i, s.h, s.w)
    times = []
    with torch.inference_mode():
        module(x)
        for _ in range(int(repeats)):
            start = time.perf_counter()
            module(x)
            times.append(time.perf_counter() - start)
    return min(times)


def compare_options(s: LayerShape, *, repeats: int = 5, seed: int = 0) -> list[dict]:
    """One row per option: MAdds, params (formula), params counted on the torch module, and the
    fastest measured CPU seconds."""
    rows = []
    for option in OPTIONS:
        module = build_option(option, s)
        rows.append(dict(
            option=option,
            madds=option_madds(option, s),
            params=option_params(option, s),
            module_params=sum(p.numel() for p in module.parameters()),
            seconds=time_option(option, s, repeats=repeats, seed=seed),
        ))
    return rows
