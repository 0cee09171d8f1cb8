"""``analyze``: per-block dimension of MobileNetV2's activations, one record per probe point.

>>> records = analyze(model, images)                 # images: (N, 3, H, W) tensor or batches
>>> import pandas as pd; df = pd.DataFrame(records_to_dicts(records))

Estimators (``estimators`` may hold any of them; docs/PAPER_FACTS.md §8):

- ``"pca"``: number of principal components holding ``pca_variance`` (90%) of the variance;
- ``"pr"``: participation ratio (sum lambda)^2 / sum lambda^2;
- ``"twonn"``: TwoNN (Facco et al. 2017) on a seeded random sample of ``twonn_points`` points.

Leaving out ``"twonn"`` is the covariance-only fast path: no points are kept, and with
``estimators=("pr",)`` no eigendecomposition either. The zero fraction and dead channels are
always measured (they cost one pass over each tensor).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Iterable

import torch
from torch import nn

from manifolds.dimension import (participation_ratio_from_moments,
                                 pca_dimension_from_eigenvalues, twonn_dimension)

from .probes import POINT_MODES, PROBE_POINTS, ActivationProbes
from .mobilenetv2 import InvertedResidual
from .taps import in_eval_mode

ESTIMATORS = ("pca", "pr", "twonn")


@dataclass(frozen=True)
class DimensionRecord:
    """Dimension estimates of one probe point of one bottleneck block.

    ``points`` says what a point is: "pixels" (each of the h x w positions is a point in R^C,
    ambient_dim = C) or "images" (each image is one point in R^(C*h*w)). Estimates that were
    not asked for, or that the data cannot support (fewer than 2 points, or fewer than 3
    distinct points for TwoNN), are None.
    """
    block: int                 # bottleneck block, 0..16
    probe: str                 # "input" | "expansion" | "depthwise" | "projection" | "output"
    position: int              # order of this probe point in the network, 0-based
    relative_depth: float      # position / (number of probe points - 1), 0..1
    t: int                     # the block's expansion factor
    stride: int
    residual: bool             # the block adds its input to its output
    channels: int
    height: int
    width: int
    points: str                # "pixels" | "images"
    ambient_dim: int           # dimension of the space the points live in
    n_points: int              # points behind PCA and PR
    pca: int | None            # components holding pca_variance of the variance
    pca_variance: float
    pr: float | None           # participation ratio
    twonn: float | None        # TwoNN intrinsic dimension
    twonn_points: int | None   # points behind TwoNN (a random sample)
    zero_fraction: float       # exact zeros among all values seen
    dead_channel_fraction: float  # channels zero everywhere in every image
    shared_with: str | None    # "block:probe" measured once for both (same tensor), or None


def _check_estimators(estimators) -> tuple[str, ...]:
    if isinstance(estimators, str):
        estimators = tuple(e.strip() for e in estimators.split(",") if e.strip())
    estimators = tuple(estimators)
    bad = [e for e in estimators if e not in ESTIMATORS]
    if bad or len(set(estimators)) != len(estimators):
        raise ValueError(f"estimators must be distinct names from {ESTIMATORS}, got {estimators}")
    return estimators


def _batches(images, batch_size: int) -> Iterable[torch.Tensor]:
    if isinstance(images, torch.Tensor):
        if images.dim() != 4 or images.shape[1] != 3:
            raise ValueError(f"images must have shape (N, 3, H, W), got {tuple(images.shape)}")
        if images.shape[0] == 0:
            raise ValueError("images is empty")
        for start in range(0, images.shape[0], batch_size):
            yield images[start:start + batch_size]
        return
    count = 0
    for batch in images:
        if not isinstance(batch, torch.Tensor) or batch.dim() != 4 or batch.shape[1] != 3:
            shape = tuple(batch.shape) if isinstance(batch, torch.Tensor) else type(batch).__name__
            raise ValueError(f"each batch must be an (N, 3, H, W) tensor, got {shape}")
        count += batch.shape[0]
        yield from _batches(batch, batch_size) if batch.shape[0] else ()
    if count == 0:
        raise ValueError("images is empty")


@torch.inference_mode()
def analyze(model: nn.Module, images, *, estimators=ESTIMATORS, points: str = "pixels",
            pca_variance: float = 0.9, twonn_points: int = 500, twonn_discard: float = 0.1,
            batch_size: int = 32, seed: int = 0, max_images: int = 512,
            image_memory_bytes: int = 1 << 30) -> list[DimensionRecord]:
    """Run ``images`` through ``model`` and measure every probe point of every block.

    ``images``: a preprocessed float tensor (N, 3, H, W) (see ``model.images``), or an
    iterable of such batches; it is moved to the model's device. The model runs in eval mode
    (restored afterwards). ``twonn_points``: random sample size for TwoNN per probe (pixels
    mode); in images mode every stored image is used (at most ``max_images``, and no more
    than fit in ``image_memory_bytes`` over all probes). Returns records in network order.
    """
    estimators = _check_estimators(estimators)
    if points not in POINT_MODES:
        raise ValueError(f"points must be one of {POINT_MODES}, got {points!r}")
    if not 0.0 < pca_variance <= 1.0:
        raise ValueError(f"pca_variance must be in (0, 1], got {pca_variance}")
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1, got {batch_size}")
    if "twonn" in estimators and twonn_points < 3:
        raise ValueError(f"twonn_points must be >= 3, got {twonn_points}")
    param = next(model.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")
    blocks = [m for m in model.modules() if isinstance(m, InvertedResidual)]
    probes = ActivationProbes(
        model, points=points, covariance=bool({"pca", "pr"} & set(estimators)),
        eigenvalues="pca" in estimators,
        twonn_points=twonn_points if "twonn" in estimators else 0, seed=seed,
        max_images=max_images, image_memory_bytes=image_memory_bytes)
    with in_eval_mode(model), probes:
        for batch in _batches(images, int(batch_size)):
            model(batch.to(device=device, dtype=torch.float32))
    stats = probes.results()
    twonn_cache: dict[tuple[int, str], float | None] = {}
    records = []
    for position, s in enumerate(stats):
        block = blocks[s.block]
        pca = pr = twonn = None
        n_twonn = None
        if s.trace is not None and "pr" in estimators:
            pr = participation_ratio_from_moments(s.trace, s.frobenius_sq)
        if s.eigenvalues is not None and "pca" in estimators:
            pca = pca_dimension_from_eigenvalues(s.eigenvalues, pca_variance)
        if "twonn" in estimators and s.sample is not None:
            key = s.alias_of or (s.block, s.probe)
            if key not in twonn_cache:
                twonn_cache[key] = _twonn_or_none(s.sample, twonn_discard, seed)
            twonn, n_twonn = twonn_cache[key], s.sample.shape[0]
        records.append(DimensionRecord(
            block=s.block, probe=s.probe, position=position,
            relative_depth=position / max(1, len(stats) - 1), t=block.expand_ratio,
            stride=block.stride, residual=bool(block.use_res_connect), channels=s.channels,
            height=s.height, width=s.width, points=s.points, ambient_dim=s.ambient_dim,
            n_points=s.n_points, pca=pca, pca_variance=pca_variance, pr=pr, twonn=twonn,
            twonn_points=n_twonn, zero_fraction=s.n_zeros / s.n_values,
            dead_channel_fraction=s.dead_channels / s.channels,
            shared_with=None if s.alias_of is None else f"{s.alias_of[0]}:{s.alias_of[1]}"))
    return records


def _twonn_or_none(sample, discard: float, seed: int) -> float | None:
    """TwoNN of the sample, or None when too few distinct points remain to fit."""
    if sample.shape[0] < 3:
        return None
    try:
        d = twonn_dimension(sample, discard_fraction=discard, max_points=None, seed=seed)
    except ValueError:
        return None
    return d if math.isfinite(d) else None   # all neighbours equidistant: no estimate


def records_to_dicts(records: Iterable[DimensionRecord]) -> list[dict]:
    """Plain dicts, one per record: ``pandas.DataFrame(records_to_dicts(records))``."""
    return [asdict(r) for r in records]


__all__ = ["ESTIMATORS", "PROBE_POINTS", "DimensionRecord", "analyze", "records_to_dicts"]
