"""The layer options of ``model.costs.layer_options`` as torch modules: built, timed and compared.

``build_option`` makes the same layers the formulas count, so ``time_option`` can measure
them and the formulas can be checked against the modules' own parameter counts.
"""
from __future__ import annotations

import time

import torch
from torch import nn

from .layer_options import OPTIONS, LayerShape, option_madds, option_params

__all__ = ["build_option", "time_option", "compare_options"]


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
