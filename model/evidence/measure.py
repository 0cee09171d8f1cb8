"""The paper's argument measured on a set of images: ``evidence(model, images)``.

>>> from model.evidence import evidence
>>> ev = evidence(net, images, weights="embedded", seed=0)   # images: uint8 (n, R, R, 3)
>>> ev.blocks[0].recovered_after_expansion, ev.blocks[0].recovered_without_expansion
>>> ev.to_dict()          # {"meta": {...}, "blocks": [...], "profile": [...]}, JSON-ready

Two passes over the images in parts (hooks, ``model.evidence.probes``; the statistics,
``model.evidence.passes`` and ``model.evidence.block``), then per bottleneck block:

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
import weakref
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
from torch import nn

from .block import CONFIDENCE, PCA_VARIANCE, block_records
from .probes import EvidenceProbes, probe_shapes
from .records import MIN_TWONN_POINTS, Evidence, EvidenceMeta
from .sample import PROBES, Sample
from .stats import folds_by_image
from .pass_two import PassTwo, merged_twos, spread
from .passes import STEP_IMAGES, fit, merged, pass_one, spans, weights_of
from ..images import IMAGENET_MEAN, IMAGENET_STD
from ..mobilenetv2 import InvertedResidual
from ..taps import in_eval_mode

ESTIMATORS = ("pca", "pr", "twonn")
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
                  image_view_probes=IMAGE_VIEW_PROBES, points_only: bool = False,
                  progress=None) -> Sample:
    """The forward pass of ``evidence`` over ``images`` (images ``first ..`` of a set of
    ``total``, all of it by default), in batches of ``batch_size``: the ``Sample`` the
    statistics are computed from. Parts of a set sampled apart and joined with
    ``model.evidence.passes`` equal one pass over the set when their batches are the same.
    ``points_only``: the pixel samples alone (pass two: ``EvidenceProbes``)."""
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
    with in_eval_mode(model):
        shapes = _shapes(model, x[:1].to(device))
        probes = EvidenceProbes(model, shapes, n_images=n, pixels_per_image=pixels_per_image,
                                seed=seed, image_memory_bytes=image_memory_bytes,
                                view_probes=tuple(image_view_probes), first=first, total=total,
                                points_only=points_only)
        with probes:
            for start in range(0, n, batch_size):
                model(x[start:start + batch_size].to(device))
                report(min(n, start + batch_size) / n, "running the network")
    out = probes.sample()
    out.resolution = int(x.shape[-1])
    return out


_SHAPES: "weakref.WeakKeyDictionary[nn.Module, dict]" = weakref.WeakKeyDictionary()


def _shapes(model: nn.Module, example: torch.Tensor) -> dict:
    """``probe_shapes``, kept per model and input size: each part of a measurement asks (at
    224 px a part is 2 images, and a forward of one more image for the shapes was a third of
    its time)."""
    by_size = _SHAPES.setdefault(model, {})
    size = tuple(example.shape[1:])
    if size not in by_size:
        by_size[size] = probe_shapes(model, example)
    return by_size[size]


def assemble(results, *, n_images: int, n_view_images: int, weights: str, seed: int,
             resolution: int, pixels_per_image: int, twonn_points: int, n_boot: int,
             folds: int, ridge_alpha: float, rank_points: int, seconds: float) -> Evidence:
    """The ``Evidence`` of one network from each block's ``block.block_records`` (in order) on a
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
    many of those enter each pixel TwoNN (the same number from every image; one from each of
    a seeded subset of twonn_points images when there are more images). progress: optional
    ``callable(fraction in 0..1, message)``. image_view_probes: the probe points that also get
    the images-as-points view (default: the bottleneck's two ends, input and projection, the
    block outputs Ansuini et al. measure; the wide expansion and depthwise tensors cost 6x
    more there: pass ``PROBES`` for all). The model runs in eval mode (restored).

    Two passes over the images in parts of ``batch_size``, in steps cut into spans that are
    accumulated apart and merged (``model.evidence.passes``): the memory does not grow with
    the number of images. The app's Dask tasks run the same
    steps apart (``services.measurement.measure_images``) and give the same numbers.
    """
    started = time.perf_counter()
    _check_options(seed=seed, pixels_per_image=pixels_per_image, twonn_points=twonn_points,
                   n_boot=n_boot, folds=folds, ridge_alpha=ridge_alpha, rank_points=rank_points,
                   batch_size=batch_size, image_view_probes=image_view_probes)
    if progress is not None and not callable(progress):
        raise ValueError("progress must be a callable(fraction, message) or None")
    report = progress or (lambda fraction, message: None)
    if not isinstance(images, (np.ndarray, torch.Tensor)):
        as_input(images)                          # says what images must be
    as_input(images[:1], resolution)              # checked now; converted part by part
    n = images.shape[0]
    if n < 2:
        raise ValueError(f"evidence needs at least 2 images (intervals resample images), got {n}")
    parts = [(a, min(n, a + batch_size)) for a in range(0, n, batch_size)]

    def sample(a: int, stop: int, points_only: bool = False) -> Sample:
        return sample_images(model, as_input(images[a:stop], resolution), first=a, total=n,
                             seed=seed, pixels_per_image=pixels_per_image, batch_size=stop - a,
                             image_memory_bytes=image_memory_bytes,
                             image_view_probes=image_view_probes, points_only=points_only)

    report(0.0, "running the network")
    group = max(1, STEP_IMAGES // batch_size)          # parts per step, as the Dask tasks'
    steps = [parts[g:g + group] for g in range(0, len(parts), group)]
    runs = spans(len(steps))            # each accumulated on its own, merged: as the tasks'
    merged_spans, done = None, 0
    for run in runs:
        passes = []
        for i in run:
            step = [sample(a, stop) for a, stop in steps[i]]
            if not passes:
                n_blocks = 1 + max(b for b, _ in step[0].keys)
                passes = [pass_one(b, n, step[0], folds, first=steps[i][0][0])
                          for b in range(n_blocks)]
            passes = [p.with_parts(step, seed=seed, twonn_points=twonn_points,
                                   rank_points=rank_points) for p in passes]
            del step
            done += 1
            report(0.4 * done / len(steps), "pass one: moments")
        # each span merged into those before it once done, as the Dask tasks do
        merged_spans = passes if merged_spans is None else [
            merged([before, now]) for before, now in zip(merged_spans, passes)]
    passes = merged_spans
    fits = {b: fit(p, ridge_alpha) for b, p in enumerate(passes)}
    report(0.5, "pass two: the bootstrap's sums")
    W = weights_of(n, n_boot, seed)
    fold = folds_by_image(n, min(folds, n), seed)
    whole, done = None, 0
    for run in runs:
        two = PassTwo.starting(steps[run[0]][0][0])
        for i in run:
            for a, stop in steps[i]:
                two = two.added(spread(sample(a, stop, points_only=True), fits, fold), W)
                done += 1
                report(0.5 + 0.4 * done / len(parts), "pass two: the bootstrap's sums")
        whole = two if whole is None else merged_twos([whole, two])
    two = whole
    blocks = [m for m in model.modules() if isinstance(m, InvertedResidual)]
    results = [block_records(blocks[b], p, fits[b], two, None,
                             expansion_matrix(blocks[b]) if p.has_expansion else None,
                             seed=seed, n_boot=n_boot, ridge_alpha=ridge_alpha)
               for b, p in enumerate(passes)]
    report(1.0, "done")
    return assemble(results, n_images=n, n_view_images=passes[0].n_view, weights=weights,
                    seed=seed, resolution=passes[0].resolution,
                    pixels_per_image=pixels_per_image, twonn_points=twonn_points,
                    n_boot=n_boot, folds=folds, ridge_alpha=ridge_alpha,
                    rank_points=rank_points, seconds=time.perf_counter() - started)


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
