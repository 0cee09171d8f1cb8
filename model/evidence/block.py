"""One block's records from the two passes of ``model.evidence.passes``: the profile
(``ProfileRecord`` per probe point and estimator) and the ``BlockEvidence``.

The images view (each image one flattened point, at ``image_view_probes``) takes the whole
images pass one kept (as many as ``image_memory_bytes`` allows, whatever the set's size).
"""
from __future__ import annotations

import numpy as np

from . import bootstrap as bs
from .records import MIN_TWONN_POINTS, BlockEvidence, ProfileRecord
from .sample import PROBES
from .stats import Recovery, folds_by_image, lemma2_invertible, linear_recovery
from .pass_two import PassTwo
from .passes import BlockFit, PassOne, weights_of

PCA_VARIANCE = 0.9
CONFIDENCE = 0.95
TWONN_DISCARD = 0.1


def view_ratios(one: PassOne) -> dict:
    """{probe: (r1, r2, images)} of the whole images pass one kept: each image's distances
    to its first and second neighbour among them (None, None with fewer than 3), and the
    images' indices in the set."""
    images = np.concatenate(one.view_images) if one.view_images else np.empty(0, np.int64)
    out = {}
    for probe, arrays in one.flat.items():
        flat = np.concatenate(arrays)
        r1 = r2 = None
        if flat.shape[0] >= 3:
            r1, r2 = bs.twonn_ratios(flat, overwrite=True)   # ours: centred in place
        out[probe] = (r1, r2, images)
    return out


def block_records(block, one: PassOne, fitted: BlockFit, two: PassTwo, views: dict | None,
                  expansion: np.ndarray | None, *, seed: int, n_boot: int,
                  ridge_alpha: float) -> tuple[list[ProfileRecord], BlockEvidence | None]:
    """Block ``one.b``'s profile records and, with an expansion, its ``BlockEvidence``.

    block: the network's ``InvertedResidual`` (t, widths, stride); views: ``view_ratios(one)``
    (None: computed here); expansion: the expansion's linear map
    (``measure.expansion_matrix``) for Lemma 2, None without one."""
    b, n, keys = one.b, one.n_images, one.keys
    W = weights_of(n, n_boot, seed)
    views = view_ratios(one) if views is None else views
    profile = []
    for probe in PROBES:
        if (b, probe) not in one.shapes:
            continue
        c, h, w = one.shapes[(b, probe)]
        common = {"block": b + 1, "probe": probe,
                  "relative_depth": round(keys.index((b, probe)) / max(1, len(keys) - 1), 6),
                  "t": block.expand_ratio, "channels": c, "height": h, "width": w}
        profile += _spectrum_records(common, one, fitted, two, probe, W)
        images, rows = one.twonn[probe]
        rows = np.concatenate(rows)
        r1 = r2 = None
        if rows.shape[0] >= 3:
            r1, r2 = bs.twonn_ratios(rows)
        profile.append(twonn_record(common, r1, r2, np.concatenate(images), W, c, n,
                                    "pixels", rows.shape[0]))
        if probe in views:
            r1, r2, images = views[probe]
            profile.append(twonn_record(common, r1, r2, images, W, c * h * w, images.size,
                                        "images", images.size))
    if expansion is None:
        return profile, None
    return profile, _block_evidence(block, one, two, W, expansion, seed, ridge_alpha)


def _spectrum_records(common: dict, one: PassOne, fitted: BlockFit, two: PassTwo, probe: str,
                      W: np.ndarray) -> list[ProfileRecord]:
    b, n, c = one.b, one.n_images, common["channels"]
    k = one.per_image[(b, probe)]
    if one.keeps(probe):            # few points: as in one pass (the Gram path)
        eig, reps = bs.spectrum_replicates(np.concatenate(one.kept[probe]), np.arange(n) * k, W)
    else:
        eig, reps = fitted.probes[probe].eigenvalues, two.replicates(b, probe)
    n_points = n * k
    null_pca, null_pr = bs.null_pca_pr(n_points, c, PCA_VARIANCE)
    out = []
    for name, value, rep, null in (
            ("pca", float(bs.pca_counts(eig[None], PCA_VARIANCE)[0]),
             bs.pca_counts(reps, PCA_VARIANCE), float(null_pca)),
            ("pr", float(bs.participation_ratios(eig[None])[0]),
             bs.participation_ratios(reps), float(null_pr))):
        lo, hi = bs.percentile_interval(rep, CONFIDENCE)
        out.append(ProfileRecord(**common, estimator=name, points="pixels", ambient=c,
                                 n_points=n_points, n_images=n, value=value, ci_low=lo,
                                 ci_high=hi, null_value=null, undersampled=n_points < 2 * c))
    return out


def twonn_record(common: dict, r1, r2, image_of_point: np.ndarray, W: np.ndarray, ambient: int,
                 n_images: int, kind: str, n_points: int) -> ProfileRecord:
    """The TwoNN record of points whose neighbour distances are (r1, r2) (None: fewer than
    3 points), each point's image in ``image_of_point``; the interval refits the ratios with
    their images' bootstrap counts."""
    value = lo = hi = None
    if r1 is not None:
        value = bs.twonn_or_none(r1, r2, TWONN_DISCARD)
        if value is not None:
            reps = bs.twonn_replicates(r1, r2, W[:, image_of_point], discard_fraction=TWONN_DISCARD)
            lo, hi = bs.percentile_interval(reps, CONFIDENCE)
    null = bs.null_twonn(n_points, ambient, TWONN_DISCARD)
    return ProfileRecord(**common, estimator="twonn", points=kind, ambient=ambient,
                         n_points=n_points, n_images=n_images, value=value, ci_low=lo,
                         ci_high=hi, null_value=null, undersampled=n_points < MIN_TWONN_POINTS)


def _recovery(two: PassTwo, b: int, kind: str, n_points: int, folds: int) -> Recovery:
    if (b, kind) not in two.sse or two.sst[(b, kind)] <= 0:
        return Recovery(None, None, None, n_points, folds)
    r2 = 1.0 - two.sse[(b, kind)] / two.sst[(b, kind)]
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = 1.0 - two.SSE[(b, kind)] / two.SST[(b, kind)]
    lo, hi = bs.percentile_interval(reps, CONFIDENCE)
    return Recovery(r2, lo, hi, n_points, folds)


def _kept_recovery(one: PassOne, kind: str, W: np.ndarray, seed: int,
                   ridge_alpha: float) -> Recovery:
    """A kept block's recovery, as in one pass (``stats.linear_recovery``)."""
    X = np.concatenate(one.kept["input"])
    features = np.concatenate(one.kept["expansion"]) if kind == "after" else np.clip(X, 0.0, 6.0)
    k = one.per_image[(one.b, "input")]
    return linear_recovery(features, X, np.repeat(np.arange(one.n_images), k),
                           folds_by_image(one.n_images, one.folds, seed), alpha=ridge_alpha,
                           weights=W, level=CONFIDENCE)


def _block_evidence(block, one: PassOne, two: PassTwo, W: np.ndarray,
                    expansion: np.ndarray, seed: int, ridge_alpha: float) -> BlockEvidence:
    b, n = one.b, one.n_images
    d_in, hidden = block.in_channels, block.hidden_channels
    _, h, w = one.shapes[(b, "expansion")]
    hist = one.positives
    n_pixels = int(hist.sum())
    counts = np.arange(hist.size)
    cdf = np.cumsum(hist) / n_pixels
    n_points = n * one.per_image[(b, "input")]
    if one.keeps_block:
        after, without = (_kept_recovery(one, kind, W, seed, ridge_alpha)
                          for kind in ("after", "without"))
    else:
        after = _recovery(two, b, "after", n_points, one.folds)
        without = _recovery(two, b, "without", n_points, one.folds)
    rows = np.concatenate(one.rank)
    invertible = lemma2_invertible(expansion, (rows > 0) & (rows < 6))
    negative, changed, total = one.signs
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
        invertible_fraction=float(invertible.mean()), rank_points=int(rows.shape[0]),
        n_points=int(n_points), folds=after.n_folds,
        recovered_after_expansion=after.r2, recovered_after_ci_low=after.ci_low,
        recovered_after_ci_high=after.ci_high,
        recovered_without_expansion=without.r2, recovered_without_ci_low=without.ci_low,
        recovered_without_ci_high=without.ci_high,
        input_negative_fraction=negative / total, input_changed_fraction=changed / total)
