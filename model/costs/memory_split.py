"""Memory-efficient inference of one bottleneck block (paper, Section 5.1).

A bottleneck block computes F(x) = A(N(B x)): B is the 1x1 expansion (d -> t*d channels), N the
per-channel part (ReLU6, 3x3 depthwise, ReLU6) and A the linear 1x1 projection (t*d -> d').
Because N acts on each inner channel alone, the t*d inner channels can be cut into k groups and

    F(x) = sum_i A_i(N(B_i x)),

where B_i holds the expansion rows of group i and A_i the projection columns. The result is the
same for every k, the MAdds do not change, but only about t*d/k inner channels are alive at
once. Here BatchNorm is folded into the convolutions (exact in eval mode): the expansion and
depthwise BNs act per inner channel, so each group takes its own slice; the projection BN is an
affine map per *output* channel, so its scale goes into every A_i and its shift is added once.

``compare_splits`` evaluates a block for several k and reports, for each, the max absolute
difference to the block's own forward, the bytes of one group's inner tensors (accounted) and
the peak bytes that torch's CPU allocator handed out during the call (measured from its
allocation reports, ``measure_peak_bytes``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..mobilenetv2 import InvertedResidual


def fold_bn(weight: torch.Tensor, bn: nn.BatchNorm2d) -> tuple[torch.Tensor, torch.Tensor]:
    """Fold an eval-mode BatchNorm that follows a bias-free conv into (weight, bias).

    weight: (c_out, c_in/groups, kh, kw); returns the scaled weight (same shape) and the bias
    (c_out,), so that ``conv(x, w', b') == bn(conv(x, weight))``.
    """
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    return weight * scale.view(-1, 1, 1, 1), bn.bias - bn.running_mean * scale


def channel_groups(channels: int, k: int) -> list[slice]:
    """Cut ``channels`` inner channels into ``k`` contiguous groups whose sizes differ by <= 1."""
    if int(k) != k or not 1 <= k <= channels:
        raise ValueError(f"k must be an integer from 1 to {channels} (the inner channels), got {k}")
    bounds = np.linspace(0, channels, int(k) + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]


class SplitBlock:
    """An eval-mode ``InvertedResidual`` evaluated with its inner channels in ``k`` groups.

    The per-group weights are prepared once here (contiguous, BN folded), so a call allocates
    only activations. Call it on x of shape (n, d_in, h, w); it returns (n, d_out, h/s, w/s).
    """

    def __init__(self, block: InvertedResidual, k: int):
        if not isinstance(block, InvertedResidual):
            raise ValueError(f"block must be an InvertedResidual, got {type(block).__name__}")
        if block.training:
            raise ValueError("the block must be in eval mode (call .eval()): BatchNorm is folded "
                             "with its running statistics")
        self.block, self.k = block, int(k)
        self.groups = channel_groups(block.hidden_channels, k)
        layers = list(block.conv)
        expand = layers.pop(0) if block.expand_ratio != 1 else None
        depthwise, project, project_bn = layers[0], layers[1], layers[2]
        self.relu6_after_projection = len(layers) > 3
        self.stride = block.stride
        with torch.no_grad():
            ew, eb = fold_bn(expand[0].weight, expand[1]) if expand is not None else (None, None)
            dw, db = fold_bn(depthwise[0].weight, depthwise[1])
            scale = project_bn.weight / torch.sqrt(project_bn.running_var + project_bn.eps)
            pw = project.weight * scale.view(-1, 1, 1, 1)
            self.project_shift = (project_bn.bias - project_bn.running_mean * scale).view(1, -1, 1, 1)
            self.parts = []
            for g in self.groups:
                self.parts.append((
                    None if ew is None else (ew[g].contiguous(), eb[g].contiguous()),
                    (dw[g].contiguous(), db[g].contiguous()),
                    pw[:, g].contiguous(),
                    g,
                ))

    @torch.no_grad()
    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        block, out = self.block, None
        for expand, (dw, db), pw, g in self.parts:
            if expand is None:  # t = 1: the inner channels are the input's own channels
                inner = x[:, g]
            else:
                inner = F.conv2d(x, expand[0], expand[1]).clamp_(0, 6)
            mid = F.conv2d(inner, dw, db, self.stride, 1, groups=dw.shape[0]).clamp_(0, 6)
            if block.expansion_shortcut:
                mid += inner
            del inner  # free this group's expansion before the next group makes its own
            part = F.conv2d(mid, pw)
            del mid
            out = part if out is None else out.add_(part)
            del part
        out += self.project_shift
        if self.relu6_after_projection:
            out.clamp_(0, 6)
        if block.use_res_connect:
            out += x
        return out


def inner_bytes(block: InvertedResidual, input_hw: tuple[int, int], k: int,
                batch: int = 1, bytes_per_value: int = 4) -> int:
    """Bytes of the inner tensors alive at once with k groups, by accounting.

    The largest group's expansion output (h x w x c_g) and its depthwise output
    (h/s x w/s x c_g) are alive together; with t = 1 the expansion is the input itself, which
    exists anyway, so only the depthwise output counts.
    """
    h, w = input_hw
    ho, wo = (h - 1) // block.stride + 1, (w - 1) // block.stride + 1
    c_g = max(g.stop - g.start for g in channel_groups(block.hidden_channels, k))
    expanded = 0 if block.expand_ratio == 1 else h * w * c_g
    return batch * (expanded + ho * wo * c_g) * bytes_per_value


def measure_peak_bytes(fn, *args) -> int | None:
    """Peak bytes allocated on the CPU during ``fn(*args)`` above what was held at the start.

    With memory profiling on, torch's CPU allocator reports every allocation and free (size
    and time) made by this thread and the intra-op threads working for it; the running sum of
    the sizes in time order is the live memory the call added. The reports are collected by
    the autograd profiler's CPU mode, not by ``torch.profiler``: that one goes through Kineto,
    which prints "USDT ... profiler_start/stop" to stderr at every use and an "External init
    callback" error the first time it runs off the main thread (every Streamlit session),
    filling the server log and the export's output. Both read the same allocator reports.
    Returns None when this torch build does not expose them.
    """
    try:
        from torch._C._profiler import _ExperimentalConfig
        from torch.autograd import (ProfilerConfig, ProfilerState, _disable_profiler_legacy,
                                    _enable_profiler_legacy)
    except ImportError:  # pragma: no cover - other torch versions
        return None
    # ProfilerConfig(state, record_shapes, profile_memory, with_stack, with_flops, with_modules, ...)
    _enable_profiler_legacy(ProfilerConfig(ProfilerState.CPU, False, True, False, False, False,
                                           _ExperimentalConfig()))
    try:
        result = fn(*args)
    finally:
        records = _disable_profiler_legacy()
    del result  # freed after the window, as the peak is what the call itself needed
    events = [e for thread in records for e in thread if e.kind() == "memory_alloc"]
    if not events:
        return None
    events.sort(key=lambda e: e.start_us())  # stable: ties keep each thread's own order
    live = np.cumsum([e.cpu_memory_usage() for e in events])   # frees are negative sizes
    return int(max(0, live.max()))


@dataclass(frozen=True)
class SplitResult:
    """One k of ``compare_splits``: all byte counts are for the whole batch."""
    k: int
    group_channels: int        # inner channels of the largest group
    max_abs_diff: float        # max |split forward - block forward|
    inner_bytes: int           # one group's expansion + depthwise tensors (accounted)
    measured_peak_bytes: int | None  # peak the call added on the CPU allocator (allocation reports)
    seconds: float             # wall time of one split forward (without the profiler)


def compare_splits(block: InvertedResidual, x: torch.Tensor, ks=None) -> list[SplitResult]:
    """Evaluate ``block`` (eval mode) on x (n, d_in, h, w) with k groups for each k in ``ks``
    (default 1..t, or 1..4 when t = 1) and compare with the block's own forward."""
    if x.ndim != 4 or x.shape[1] != block.in_channels:
        raise ValueError(f"x must have shape (n, {block.in_channels}, h, w), got {tuple(x.shape)}")
    if ks is None:
        ks = range(1, max(block.expand_ratio, 4 if block.expand_ratio == 1 else 1) + 1)
    with torch.no_grad():
        reference = block(x)
    results = []
    for k in ks:
        split = SplitBlock(block, k)
        start = time.perf_counter()
        out = split(x)
        seconds = time.perf_counter() - start
        diff = float((out - reference).abs().max())
        del out
        results.append(SplitResult(
            k=int(k),
            group_channels=max(g.stop - g.start for g in split.groups),
            max_abs_diff=diff,
            inner_bytes=inner_bytes(block, tuple(x.shape[2:]), k, batch=x.shape[0]),
            measured_peak_bytes=measure_peak_bytes(split, x),
            seconds=seconds,
        ))
    return results


def randomize_bn_statistics(module: nn.Module, seed: int = 0) -> nn.Module:
    """Give every BatchNorm non-trivial running statistics and affine parameters (seeded), so
    that folding BN is really exercised on an untrained block. Returns ``module``."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.BatchNorm2d):
                c = m.num_features
                m.running_mean.copy_(torch.randn(c, generator=gen) * 0.5)
                m.running_var.copy_(torch.rand(c, generator=gen) * 1.5 + 0.5)
                m.weight.copy_(torch.rand(c, generator=gen) + 0.5)
                m.bias.copy_(torch.randn(c, generator=gen) * 0.5)
    return module
