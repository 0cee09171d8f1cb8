"""The paper's argument measured on a set of images: ``evidence(model, images)``.

>>> from model.evidence import evidence
>>> ev = evidence(net, images, weights="embedded", seed=0)   # images: uint8 (n, R, R, 3)
>>> ev.blocks[0].recovered_after_expansion, ev.blocks[0].recovered_without_expansion
>>> ev.to_dict()          # {"meta": {...}, "blocks": [...], "profile": [...]}, JSON-ready

One forward pass over the images (hooks, ``model.evidence.probes``), then per bottleneck block:

**BlockEvidence** (the 16 blocks with an expansion; block 1 has t = 1): each pixel is a point
X in R^d_in (paper §3.2).

- Figure 7: the number of expansion channels positive after ReLU6 at each pixel (every pixel
  of every image): min, mean, max, also as a fraction of the width, against the invertibility
  threshold d_in (Lemma 2; d_in / hidden = 1/t).
- ``invertible_fraction``: share of pixels where the rows of the expansion in ReLU6's linear
  range (0 < z < 6) have rank d_in (Lemma 2), on ``rank_points`` pixels drawn from the pooled
  sample (a rank per pixel is a (hidden x d_in) decomposition: too costly for all of them).
- ``recovered_after_expansion``: held-out R^2 of the best linear map (ridge,
  ``ridge_alpha`` x the mean feature variance) from ReLU6(expansion) back to X;
  ``recovered_without_expansion``: the same from ReLU6(X), the non-linearity put in the thin
  bottleneck (what the paper argues against). Cross-fitted by image over ``folds`` folds on
  the pooled pixel sample (``pixels_per_image`` per image); intervals resample test images.
  In the ReLU6-bottleneck twin X is the output of a ReLU6 (plus a residual of such), so it is
  non-negative and ReLU6(X) = X wherever X <= 6: ``input_negative_fraction`` and
  ``input_changed_fraction`` (entries ReLU6 would change) say how much there is to lose.

**ProfileRecord**: for every block (1..17) and probe point (input, expansion, depthwise,
projection) the PCA 90% count, participation ratio and TwoNN on the pooled pixel sample, and
TwoNN with each image one flattened point (Ansuini et al. 2019) at ``image_view_probes``. Each with a 95% percentile
interval from ``n_boot`` bootstrap replicates over images (``model.evidence.bootstrap``: eigenvalues
to first order, TwoNN ratios reweighted) and ``null_value``, the estimator on isotropic
Gaussian points of the same number and ambient dimension. ``undersampled`` marks estimates
with too few points (``UNDERSAMPLED_RULE``); ``Evidence.summary`` leaves them out.

Inputs: uint8 images (n, H, W, 3) (normalised with ImageNet's mean and std, as the shipped
networks were trained: ``model.evidence.image_sets`` builds such sets), or a float tensor
(n, 3, H, W) already normalised. ``resolution`` resamples them to R x R first (bilinear,
antialiased); None keeps their size. All images must have the same size. Thread counts are
the caller's (``runtime.configure``).
"""
from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
from torch import nn

from . import bootstrap as bs
from .probes import EvidenceProbes, probe_shapes
from .records import (MIN_TWONN_POINTS, BlockEvidence, Evidence, EvidenceMeta,
                               ProfileRecord)
from .sample import PROBES, Sample
from .stats import folds_by_image, lemma2_invertible, linear_recovery
from ..images import IMAGENET_MEAN, IMAGENET_STD
from ..mobilenetv2 import InvertedResidual

ESTIMATORS = ("pca", "pr", "twonn")
PCA_VARIANCE = 0.9
CONFIDENCE = 0.95
TWONN_DISCARD = 0.1
IMAGE_VIEW_PROBES = ("input", "projection")
UNDERSAMPLED_RULE = (f"pca and pr: fewer than 2 points per ambient dimension (n_points < 2 * "
                     f"ambient); twonn: fewer than {MIN_TWONN_POINTS} points")


def _check_int(name: str, value, lo: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
    return int(value)


def as_input(images, resolution: int | None = None) -> torch.Tensor:
    """uint8 (n, H, W, 3) array or normalised float tensor (n, 3, H, W) -> float32 tensor
    (n, 3, R, R), resampled to ``resolution`` when given."""
    if isinstance(images, np.ndarray):
        if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
            raise ValueError(f"image arrays must be uint8 (n, H, W, 3), got {images.dtype} "
                             f"{images.shape}")
        x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255.0
        x = (x - torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)) / torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    elif isinstance(images, torch.Tensor):
        if images.dim() != 4 or images.shape[1] != 3 or not images.is_floating_point():
            raise ValueError(f"image tensors must be float (n, 3, H, W), got {images.dtype} "
                             f"{tuple(images.shape)}")
        x = images.float()
    else:
        raise ValueError(f"images must be a uint8 numpy array (n, H, W, 3) or a float tensor "  # noqa: TRY004
                         f"(n, 3, H, W), got {type(images).__name__}")
    if not torch.isfinite(x).all():
        raise ValueError("images hold NaN or infinite values")
    if resolution is not None:
        resolution = _check_int("resolution", resolution, 16)
        if x.shape[-2:] != (resolution, resolution):
            x = nn.functional.interpolate(x, size=(resolution, resolution), mode="bilinear",
                                          align_corners=False, antialias=True)
    return x.contiguous()


def expansion_matrix(block: InvertedResidual) -> np.ndarray:
    """The expansion's linear map (hidden, d_in) with BatchNorm's scale folded in (eval mode:
    z = A x + b, so A's rows are what Lemma 2 counts)."""
    conv, bn = block.conv[0][0], block.conv[0][1]
    w = conv.weight.detach().double().reshape(conv.weight.shape[0], -1)
    scale = bn.weight.detach().double() / torch.sqrt(bn.running_var.detach().double() + bn.eps)
    return (scale[:, None] * w).cpu().numpy()


def _check_options(**values) -> None:
    for name, lo in (("seed", 0), ("pixels_per_image", 1), ("twonn_points", 3), ("n_boot", 10),
                     ("folds", 2), ("rank_points", 1), ("batch_size", 1)):
        if name in values:
            _check_int(name, values[name], lo)
    alpha = values.get("ridge_alpha", 1.0)
    if not (isinstance(alpha, (int, float)) and math.isfinite(alpha) and alpha > 0):
        raise ValueError(f"ridge_alpha must be a finite number > 0, got {alpha!r}")
    view = tuple(values.get("image_view_probes", ()))
    if not set(view) <= set(PROBES):
        raise ValueError(f"image_view_probes must be among {PROBES}, got {view}")


@torch.inference_mode()
def sample_images(model: nn.Module, images, *, first: int = 0, total: int | None = None,
                  seed: int = 0, resolution: int | None = None, pixels_per_image: int = 16,
                  batch_size: int = 64, image_memory_bytes: int = 512 << 20,
                  image_view_probes=IMAGE_VIEW_PROBES, progress=None) -> Sample:
    """The forward pass of ``evidence`` over ``images`` (images ``first ..`` of a set of
    ``total``, all of it by default), in batches of ``batch_size``: the ``Sample`` the
    statistics are computed from. Parts of a set sampled apart and joined with
    ``merge_samples`` equal one pass over the set when their batches are the same."""
    _check_options(seed=seed, pixels_per_image=pixels_per_image, batch_size=batch_size,
                   image_view_probes=image_view_probes)
    report = progress or (lambda fraction, message: None)
    x = as_input(images, resolution)
    n = x.shape[0]
    if (total if total is not None else n) < 2:      # a part may hold one image of a set
        raise ValueError(f"evidence needs at least 2 images (intervals resample images), got "
                         f"{total if total is not None else n}")
    param = next(model.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")
    was_training = model.training
    model.eval()
    try:
        shapes = probe_shapes(model, x[:1].to(device))
        probes = EvidenceProbes(model, shapes, n_images=n, pixels_per_image=pixels_per_image,
                                seed=seed, image_memory_bytes=image_memory_bytes,
                                view_probes=tuple(image_view_probes), first=first, total=total)
        with probes:
            for start in range(0, n, batch_size):
                model(x[start:start + batch_size].to(device))
                report(min(n, start + batch_size) / n, "running the network")
    finally:
        model.train(was_training)
    out = probes.sample()
    out.resolution = int(x.shape[-1])
    return out


def block_statistics(model: nn.Module, sample: Sample, b: int, *, seed: int = 0,
                     twonn_points: int = 500, n_boot: int = 200, folds: int = 5,
                     ridge_alpha: float = 1e-3, rank_points: int = 128, owned: bool = True,
                     ) -> tuple[list[ProfileRecord], BlockEvidence | None]:
    """Block ``b``'s (0-based) profile records and, for a block with an expansion, its
    ``BlockEvidence``, from a whole set's ``sample`` (``merge_samples``). ``owned``: the
    sample's arrays may be changed in place (False: they are copied first)."""
    _check_options(seed=seed, twonn_points=twonn_points, n_boot=n_boot, folds=folds,
                   ridge_alpha=ridge_alpha, rank_points=rank_points)
    if sample.first != 0 or sample.count != sample.total:
        raise ValueError(f"statistics need the whole set's sample, got images {sample.first}.."
                         f"{sample.first + sample.count - 1} of {sample.total}")
    blocks = [m for m in model.modules() if isinstance(m, InvertedResidual)]
    n = sample.total
    W = bs.image_weights(n, n_boot, seed)
    twonn_per_image = max(1, math.ceil(twonn_points / n))
    keys = list(sample.keys)
    block = blocks[b]
    profile = []
    for probe in PROBES:
        if (b, probe) not in sample.shapes:
            continue
        depth = keys.index((b, probe)) / max(1, len(keys) - 1)
        profile += _profile(sample, b, probe, block, depth, W, twonn_per_image, owned)
    if block.expand_ratio == 1:
        return profile, None
    return profile, _block_evidence(sample, b, block, W, folds_by_image(n, folds, seed),
                                    ridge_alpha, rank_points, seed)


def assemble(results, *, n_images: int, n_view_images: int, weights: str, seed: int,
             resolution: int, pixels_per_image: int, twonn_points: int, n_boot: int,
             folds: int, ridge_alpha: float, rank_points: int, seconds: float) -> Evidence:
    """The ``Evidence`` of one network from each block's ``block_statistics`` (in order) on a
    set of ``n_images``, ``n_view_images`` of them kept whole."""
    profile = [r for records, _ in results for r in records]
    block_records = [e for _, e in results if e is not None]
    meta = EvidenceMeta(
        weights=str(weights), n_images=int(n_images), resolution=int(resolution), seed=int(seed),
        pixels_per_image=int(pixels_per_image), twonn_points=int(twonn_points),
        n_view_images=int(n_view_images), ridge_alpha=float(ridge_alpha),
        folds=int(min(folds, n_images)), n_boot=int(n_boot), confidence=CONFIDENCE,
        pca_variance=PCA_VARIANCE, rank_points=int(rank_points),
        undersampled_rule=UNDERSAMPLED_RULE, seconds=round(seconds, 3),
        methods=methods_text(ridge_alpha))
    return Evidence(meta, tuple(block_records), tuple(profile))


def methods_text(ridge_alpha: float) -> tuple[str, ...]:
    """The record's description of its methods."""
    return (
        "pixels: each pixel a point in R^C; pixels_per_image random positions per image",
        "images: each image one flattened point in R^(C*h*w) (Ansuini et al. 2019)",
        ("intervals: percentile bootstrap over images; PCA/PR replicate eigenvalues to "
         "first order (variance along the full sample's principal axes); TwoNN refits the "
         "full sample's ratios r2/r1 with each image's bootstrap count"),
        "null: the same estimator on isotropic Gaussian points, same n_points and ambient",
        (f"recovery: ridge, alpha = {ridge_alpha:g} x mean feature variance, cross-fitted "
         f"by image; R^2 variance-weighted over X's channels"),
        "Lemma 2: rank of the expansion rows with 0 < z < 6 (BatchNorm folded in)",
    )


def evidence(model: nn.Module, images, *, weights: str = "model", seed: int = 0,
             resolution: int | None = None, pixels_per_image: int = 16, twonn_points: int = 500,
             n_boot: int = 200, folds: int = 5, ridge_alpha: float = 1e-3, rank_points: int = 128,
             batch_size: int = 64, image_memory_bytes: int = 512 << 20,
             image_view_probes=IMAGE_VIEW_PROBES, progress=None) -> Evidence:
    """Measure ``model`` on ``images`` (see the module docstring); deterministic by ``seed``.

    weights: a label for the record (e.g. "embedded"). pixels_per_image: positions sampled
    per image at every probe point (all where the map is smaller); twonn_points: about this
    many of those (the same number from every image) enter each pixel TwoNN. progress:
    optional ``callable(fraction in 0..1, message)``. image_view_probes: the probe points
    that also get the images-as-points view (default: the bottleneck's two ends, input and
    projection, the block outputs Ansuini et al. measure; the wide expansion and depthwise
    tensors cost 6x more there: pass ``PROBES`` for all). The model runs in eval mode
    (restored). The same as ``sample_images`` over parts, ``merge_samples``, then
    ``block_statistics`` per block and ``assemble`` (what the app's Dask tasks do).
    """
    started = time.perf_counter()
    _check_options(seed=seed, pixels_per_image=pixels_per_image, twonn_points=twonn_points,
                   n_boot=n_boot, folds=folds, ridge_alpha=ridge_alpha, rank_points=rank_points,
                   batch_size=batch_size, image_view_probes=image_view_probes)
    if progress is not None and not callable(progress):
        raise ValueError("progress must be a callable(fraction, message) or None")
    report = progress or (lambda fraction, message: None)
    report(0.0, "running the network")
    sample = sample_images(model, images, seed=seed, resolution=resolution,
                           pixels_per_image=pixels_per_image, batch_size=batch_size,
                           image_memory_bytes=image_memory_bytes,
                           image_view_probes=image_view_probes,
                           progress=lambda f, m: report(0.3 * f, m))
    n_blocks = sum(isinstance(m, InvertedResidual) for m in model.modules())
    results = []
    for b in range(n_blocks):
        report(0.3 + 0.7 * b / n_blocks, f"block {b + 1} of {n_blocks}")
        results.append(block_statistics(model, sample, b, seed=seed, twonn_points=twonn_points,
                                        n_boot=n_boot, folds=folds, ridge_alpha=ridge_alpha,
                                        rank_points=rank_points))
    report(1.0, "done")
    return assemble(results, n_images=sample.total, n_view_images=sample.view_images.size,
                    weights=weights, seed=seed, resolution=sample.resolution,
                    pixels_per_image=pixels_per_image, twonn_points=twonn_points,
                    n_boot=n_boot, folds=folds, ridge_alpha=ridge_alpha,
                    rank_points=rank_points, seconds=time.perf_counter() - started)


def _profile(probes: Sample, b: int, probe: str, block: InvertedResidual,
             depth: float, W: np.ndarray, twonn_per_image: int, owned: bool) -> list[ProfileRecord]:
    c, h, w = probes.shapes[(b, probe)]
    pts = probes.points[(b, probe)]
    k = probes.per_image[(b, probe)]
    n = pts.shape[0] // k
    starts = np.arange(n) * k
    common = {"block": b + 1, "probe": probe, "relative_depth": round(depth, 6),
              "t": block.expand_ratio, "channels": c, "height": h, "width": w}
    out = []
    eig, reps = bs.spectrum_replicates(pts, starts, W)
    null_pca, null_pr = bs.null_pca_pr(pts.shape[0], c, PCA_VARIANCE)
    few = pts.shape[0] < 2 * c
    for name, value, rep, null in (
            ("pca", float(bs.pca_counts(eig[None], PCA_VARIANCE)[0]),
             bs.pca_counts(reps, PCA_VARIANCE), float(null_pca)),
            ("pr", float(bs.participation_ratios(eig[None])[0]),
             bs.participation_ratios(reps), float(null_pr))):
        lo, hi = bs.percentile_interval(rep, CONFIDENCE)
        out.append(ProfileRecord(**common, estimator=name, points="pixels", ambient=c,
                                 n_points=pts.shape[0], n_images=n, value=value, ci_low=lo,
                                 ci_high=hi, null_value=null, undersampled=few))
    kt = min(k, twonn_per_image)
    sample = pts.reshape(n, k, c)[:, :kt].reshape(n * kt, c)   # the first kt of k random
    out.append(_twonn_record(common, sample, np.repeat(np.arange(n), kt), W, c, n, "pixels"))
    if (b, probe) not in probes.flat:
        return out
    flat = probes.flat[(b, probe)]              # centred in place when owned
    if owned:
        probes.flat = {k: v for k, v in probes.flat.items() if k != (b, probe)}   # let go
    out.append(_twonn_record(common, flat, probes.view_images, W, c * h * w, flat.shape[0],
                             "images", overwrite=owned))
    return out


def _twonn_record(common: dict, points, image_of_point: np.ndarray, W: np.ndarray,
                  ambient: int, n_images: int, kind: str, overwrite: bool = False) -> ProfileRecord:
    value = lo = hi = None
    if points.shape[0] >= 3:
        r1, r2 = bs.twonn_ratios(points, overwrite=overwrite)
        value = bs.twonn_or_none(r1, r2, TWONN_DISCARD)
        if value is not None:
            reps = bs.twonn_replicates(r1, r2, W[:, image_of_point], discard_fraction=TWONN_DISCARD)
            lo, hi = bs.percentile_interval(reps, CONFIDENCE)
    null = bs.null_twonn(points.shape[0], ambient, TWONN_DISCARD)
    return ProfileRecord(**common, estimator="twonn", points=kind, ambient=ambient,
                         n_points=points.shape[0], n_images=n_images, value=value, ci_low=lo,
                         ci_high=hi, null_value=null,
                         undersampled=points.shape[0] < MIN_TWONN_POINTS)


def _block_evidence(probes: Sample, b: int, block: InvertedResidual, W: np.ndarray,
                    fold_of_image: np.ndarray, ridge_alpha: float, rank_points: int,
                    seed: int) -> BlockEvidence:
    d_in, hidden = block.in_channels, block.hidden_channels
    _, h, w = probes.shapes[(b, "expansion")]
    hist = probes.positives[b]
    n_pixels = int(hist.sum())
    counts = np.arange(hist.size)
    cdf = np.cumsum(hist) / n_pixels
    X = probes.points[(b, "input")]
    H = probes.points[(b, "expansion")]
    k = probes.per_image[(b, "input")]
    n = X.shape[0] // k
    image_of_point = np.repeat(np.arange(n), k)
    after = linear_recovery(H, X, image_of_point, fold_of_image, alpha=ridge_alpha, weights=W,
                            level=CONFIDENCE)
    without = linear_recovery(np.clip(X, 0.0, 6.0), X, image_of_point, fold_of_image,
                              alpha=ridge_alpha, weights=W, level=CONFIDENCE)
    rng = np.random.default_rng([int(seed), b, 777])
    rows = rng.choice(H.shape[0], min(rank_points, H.shape[0]), replace=False)
    linear = (H[rows] > 0) & (H[rows] < 6)
    invertible = lemma2_invertible(expansion_matrix(block), linear)
    negative, changed, total = probes.input_signs[b]
    return BlockEvidence(
        block=b + 1, t=block.expand_ratio, d_in=d_in, hidden=hidden, stride=block.stride,
        height=h, width=w, n_images=n, n_pixels=n_pixels,
        positive_min=int(counts[hist > 0].min()), positive_mean=float(counts @ hist / n_pixels),
        positive_max=int(counts[hist > 0].max()),
        positive_p05=int(np.searchsorted(cdf, 0.05)), positive_p95=int(np.searchsorted(cdf, 0.95)),
        positive_min_fraction=float(counts[hist > 0].min() / hidden),
        positive_mean_fraction=float(counts @ hist / n_pixels / hidden),
        positive_max_fraction=float(counts[hist > 0].max() / hidden),
        threshold=d_in, threshold_fraction=d_in / hidden,
        below_threshold_fraction=float(hist[:d_in].sum() / n_pixels),
        invertible_fraction=float(invertible.mean()), rank_points=int(rows.size),
        n_points=int(X.shape[0]), folds=after.n_folds,
        recovered_after_expansion=after.r2, recovered_after_ci_low=after.ci_low,
        recovered_after_ci_high=after.ci_high,
        recovered_without_expansion=without.r2, recovered_without_ci_low=without.ci_low,
        recovered_without_ci_high=without.ci_high,
        input_negative_fraction=negative / total, input_changed_fraction=changed / total)


def evidence_many(models: dict, images, *, workers: int = 1, progress=None,
                  **kwargs) -> dict[str, Evidence]:
    """``evidence`` for several networks on the same images: {name: Evidence}, each with
    ``weights=name``. ``workers`` > 1 runs that many networks at once in threads (torch and
    numpy release the GIL; each network's numbers are those of a lone run). progress:
    ``callable(fraction, message)`` over all networks, called from the worker threads when
    workers > 1."""
    names = list(models)
    workers = _check_int("workers", workers, 1)
    done = {name: 0.0 for name in names}

    def run(name):
        def report(fraction, message):
            done[name] = fraction
            if progress is not None:
                progress(sum(done.values()) / len(names), f"{name}: {message}")
        return evidence(models[name], images, weights=name, progress=report, **kwargs)

    if workers == 1:
        return {name: run(name) for name in names}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(names, pool.map(run, names)))
