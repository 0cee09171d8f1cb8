"""Measurements of one network on one input for the "Live MobileNetV2" page: top-k, the
dimension profile, one block's channels.

Computed in the Dask workers (``services.tasks``) for the page and the export;
inputs x are arrays or tensors (``services.images.prepare_input`` makes arrays). torch and the
model are imported inside the functions, so importing this module is cheap.
"""
from __future__ import annotations

import numpy as np

PROBE_CHOICES = ("input", "expansion", "depthwise", "projection")


def channel_activations(model, x, block: int, probe: str) -> np.ndarray:
    """The activations of one block (0-based) at one probe point for the first image of x
    (n, 3, H, W): float32 (channels, h, w). The probe points are those of ``model.probes``:
    the block's input, the expansion and the depthwise outputs after ReLU6, the projection
    (the block's last layer, before the residual add)."""
    import torch

    from model.mobilenetv2 import InvertedResidual
    from model.taps import block_tensors
    if probe not in PROBE_CHOICES:
        raise ValueError(f"probe must be one of {PROBE_CHOICES}, got {probe!r}")
    blocks = [m for m in model.modules() if isinstance(m, InvertedResidual)]
    if not 0 <= block < len(blocks):
        raise ValueError(f"block must be 0..{len(blocks) - 1}, got {block}")
    b = blocks[block]
    if probe == "expansion" and b.expand_ratio == 1:
        probe = "input"  # t = 1: the first block has no expansion; its input is expanded-width
    # The model is shared by every session (each in its own thread): block_tensors keeps only
    # this thread's forward, not another session's that happens to run while it taps.
    seen = block_tensors(model, torch.as_tensor(x)[:1], b, (probe,))
    return seen[probe][0].float().cpu().numpy()


def predictions(model, x, classes: list[str], k: int = 5) -> list[tuple[str, float]]:
    """Top-k (class name, softmax probability) of the first image of x (n, 3, H, W)."""
    import torch
    x = torch.as_tensor(x)
    with torch.inference_mode():
        probs = torch.softmax(model(x[:1]).float(), dim=1)[0]
    top = torch.topk(probs, min(k, probs.numel()))
    return [(classes[i] if i < len(classes) else f"class {i}", float(p))
            for p, i in zip(top.values.tolist(), top.indices.tolist())]


def profile_from_records(records, estimator: str) -> list[dict]:
    """``model.analysis`` records -> the profile dicts of ``figures.live`` (blocks 1-based,
    probes input / expansion / depthwise / projection; ``value`` = the chosen estimator)."""
    out = []
    for r in records:
        if r.probe not in PROBE_CHOICES:
            continue
        value = getattr(r, estimator)
        if value is None:
            continue
        # The points behind this estimate: TwoNN uses its random sample, PCA and PR all pixels.
        n_points = r.twonn_points if estimator == "twonn" else r.n_points
        out.append(dict(block=r.block + 1, probe=r.probe, ambient=r.ambient_dim,
                        value=float(value), zero_fraction=float(r.zero_fraction),
                        points=r.points, n_points=int(n_points or 0)))
    return out


def analyze_profile(model, x, estimator: str, seed: int = 0) -> tuple[list[dict], float]:
    """The dimension profile of one input x (1, 3, R, R) with one estimator, points = pixels;
    returns (profile dicts for ``figures.live``, seconds the analysis took)."""
    import time

    import torch

    from model.analysis import analyze
    start = time.perf_counter()
    records = analyze(model, torch.as_tensor(x), estimators=(estimator,), points="pixels", seed=seed)
    return profile_from_records(records, estimator), time.perf_counter() - start


def counted(record: dict) -> bool:
    """Whether a profile record's estimate counts: backed by more points (pixels) than
    channels; with fewer, the estimate is capped by the number of points (the deep blocks of a
    small image). The charts draw the others hollow."""
    return record.get("n_points", record["ambient"] + 1) > record["ambient"]


def profile_summary(profile: list[dict]) -> dict:
    """Medians over the blocks of ED / ambient per probe point, and of the zero fraction after
    the expansion's ReLU6; only ``counted`` estimates count.
    Returns {"input", "expansion", "depthwise", "projection", "zeros"} (None when empty) and
    "blocks": {probe: the blocks counted}."""
    out, blocks = {}, {}
    for probe in PROBE_CHOICES:
        rows = [r for r in profile if r["probe"] == probe and counted(r)]
        out[probe] = float(np.median([r["value"] / r["ambient"] for r in rows])) if rows else None
        blocks[probe] = sorted(r["block"] for r in rows)
    zeros = [r["zero_fraction"] for r in profile if r["probe"] == "expansion"]
    out["zeros"] = float(np.median(zeros)) if zeros else None
    out["blocks"] = blocks
    return out
