"""Bootstrap over images and null references for the dimension estimators.

Used by ``model.evidence``. Points come from images; an interval must say how much an estimate
would move with another draw of images, so every replicate reweights whole images: replicate
b gives image i the weight ``W[b, i]`` (multinomial counts summing to the number of images,
``image_weights``). Recomputing each estimator from raw points for hundreds of replicates
would cost hundreds of eigendecompositions per probe point; instead each replicate is
computed from per-image sufficient statistics:

- **PCA count and participation ratio** (``spectrum_replicates``): to first order in the
  perturbation, an eigenvalue of the replicate's covariance is its variance along the full
  sample's eigenvector (``lambda_k(w) ~ u_k' C(w) u_k``; the rotation of the axes between
  replicates is second order and left out). That variance needs, per image, the sums and
  sums of squares of the points' coordinates on the principal axes: ``(n_images, D)`` arrays,
  whatever the number of replicates.
- **TwoNN** (``twonn_replicates``): each point's ratio ``mu = r2 / r1`` is computed once, in
  the full sample; a replicate refits the Pareto law to the ratios of its images, each counted
  as often as its image is drawn (resampling images would otherwise put exact duplicates next
  to each other, r1 = 0).

Intervals are percentile intervals of the replicates (``percentile_interval``).

Null references (``null_pca_pr``, ``null_twonn``): the same estimator on isotropic Gaussian
points with the same number of points and ambient dimension, seeded by (n, d) only and cached.
They are drawn without the points: by Bartlett's decomposition the scatter matrix of n
Gaussian points is ``L L'`` with L lower triangular, chi-distributed diagonal and N(0, 1)
below it, so a null for 240 points in R^49152 costs a 240 x 240 matrix, not 12 million draws.
"""
from __future__ import annotations

import functools

import numpy as np
import torch
from scipy.special import gammaln

from manifolds.dimension import (
    KDTREE_MAX_FEATURES,
    participation_ratio_from_eigenvalues,
    pca_dimension_from_eigenvalues,
    two_nearest_distances,
    twonn_from_distances,
)

NULL_SEED = 20180113   # the paper's arXiv month; any fixed value: the null depends on (n, d) only


def image_weights(n_images: int, n_boot: int, seed: int) -> np.ndarray:
    """Bootstrap counts, int64 (n_boot, n_images): each row draws n_images images with
    replacement (row sums are n_images). Seeded."""
    if int(n_images) != n_images or n_images < 1:
        raise ValueError(f"n_images must be an integer >= 1, got {n_images}")
    if int(n_boot) != n_boot or n_boot < 1:
        raise ValueError(f"n_boot must be an integer >= 1, got {n_boot}")
    rng = np.random.default_rng([int(seed), 271828])
    return rng.multinomial(int(n_images), np.full(int(n_images), 1.0 / n_images),
                           size=int(n_boot)).astype(np.int64)


def percentile_interval(replicates, level: float = 0.95) -> tuple[float | None, float | None]:
    """The central ``level`` percentile interval of the finite replicates (None, None if none)."""
    r = np.asarray(replicates, dtype=np.float64)
    r = r[np.isfinite(r)]
    if r.size == 0:
        return None, None
    tail = 50.0 * (1.0 - level)
    lo, hi = np.percentile(r, [tail, 100.0 - tail])
    return float(lo), float(hi)


def group_sums(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Row sums of ``values`` (N, ...) over consecutive groups starting at ``starts``
    (strictly increasing, starts[0] == 0): (n_groups, ...)."""
    return np.add.reduceat(values, starts, axis=0)


# -- PCA count and participation ratio --------------------------------------------------------
def spectrum_replicates(points: np.ndarray, starts: np.ndarray, weights: np.ndarray,
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Covariance eigenvalues of the pooled points and of each bootstrap replicate.

    points: (N, D), rows grouped by image, image i's rows from ``starts[i]``; weights:
    (n_boot, n_images) counts. Returns (eigenvalues (r,), replicates (n_boot, r)), both in
    descending order per row, r = min(N - 1, D): exact for the full sample, to first order for
    the replicates (module docstring).
    """
    X = torch.as_tensor(np.asarray(points, dtype=np.float32))
    n, d = X.shape
    if n < 2:
        raise ValueError(f"need at least 2 points for a covariance, got {n}")
    # Products in float32 (fast) of points centred in float64 first, so nothing cancels;
    # the eigendecomposition itself is float64.
    Xc = X - X.mean(dim=0, dtype=torch.float64).float()
    if n > d:
        eig, axes = np.linalg.eigh((Xc.T @ Xc).double().numpy() / (n - 1))
        scores = Xc @ torch.from_numpy(axes).float()                # on the axes (N, D)
    else:   # fewer points than dimensions: the N x N Gram matrix has the same spectrum
        eig, vecs = np.linalg.eigh((Xc @ Xc.T).double().numpy())
        eig = np.clip(eig, 0.0, None)
        scores = torch.from_numpy((vecs * np.sqrt(eig)).astype(np.float32))   # (N, N)
        eig = eig / (n - 1)
    keep = min(n - 1, d)
    order = np.argsort(eig)[::-1][:keep]
    eig, scores = np.clip(eig[order], 0.0, None), scores[:, torch.from_numpy(order.copy())]
    counts = np.diff(np.append(starts, n)).astype(np.float64)          # points per image
    if np.all(counts == counts[0]):     # the usual case: as many points from every image
        per_image = scores.reshape(len(starts), int(counts[0]), -1)
        s = per_image.sum(dim=1).double().numpy()
        q = per_image.square().sum(dim=1).double().numpy()
    else:
        s = group_sums(scores.numpy(), starts).astype(np.float64)
        q = group_sums(np.square(scores.numpy(), dtype=np.float64), starts)
    w = np.asarray(weights, dtype=np.float64)
    n_b = w @ counts                                                    # (n_boot,)
    S, Q = w @ s, w @ q
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = (Q - S * S / n_b[:, None]) / (n_b[:, None] - 1.0)
    reps[n_b < 2] = np.nan
    return eig, -np.sort(-np.clip(reps, 0.0, None), axis=1)


def pca_counts(eigenvalues: np.ndarray, variance: float = 0.9) -> np.ndarray:
    """PCA count of each row of descending eigenvalues (n_rows, r): the fewest leading ones
    holding ``variance`` of the row's total (0 for an all-zero row); same rule as
    ``manifolds.dimension.pca_dimension_from_eigenvalues``."""
    lam = np.atleast_2d(np.asarray(eigenvalues, dtype=np.float64))
    total = lam.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        cumulative = np.cumsum(lam, axis=1) / total
    count = np.minimum((cumulative < variance).sum(axis=1) + 1, lam.shape[1]).astype(np.float64)
    count[total[:, 0] == 0] = 0.0
    count[~np.isfinite(total[:, 0])] = np.nan
    return count


def participation_ratios(eigenvalues: np.ndarray) -> np.ndarray:
    """(sum lambda)^2 / sum lambda^2 of each row (n_rows, r); 0 for an all-zero row."""
    lam = np.atleast_2d(np.asarray(eigenvalues, dtype=np.float64))
    denom = (lam * lam).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        pr = lam.sum(axis=1) ** 2 / denom
    pr[denom == 0] = 0.0
    return pr


# -- TwoNN ------------------------------------------------------------------------------------
def twonn_ratios(points, *, overwrite: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(r1, r2) of every row of points (n, D): distances to its first and second neighbour.

    Few features: ``manifolds.dimension.two_nearest_distances`` (a k-d tree). Otherwise one
    float32 Gram matrix G of the centred points proposes three candidates per point, and
    |x_i - x_j|^2 = |x_i|^2 + |x_j|^2 - 2 G_ij is taken from it where it is at least a tenth
    of |x_i|^2 + |x_j|^2 (float32 rounding then moves it by < 1e-5 relative); closer pairs,
    where the expansion loses digits (near-duplicates), are recomputed from direct
    differences. For 240 images x 50,000 features, recomputing every pair cost as much as
    the product itself. The points must be finite (activations of checked images are);
    ``overwrite=True`` lets a float32 torch tensor be centred in place (no copy).
    """
    X = points if isinstance(points, torch.Tensor) else torch.from_numpy(np.asarray(points))
    if X.dtype != torch.float32:
        X, overwrite = X.float(), True
    n, d = X.shape
    if d <= KDTREE_MAX_FEATURES or n < 4:
        return two_nearest_distances(X.numpy())
    X = X if overwrite else X.clone()
    X -= X.mean(dim=0)                  # any shift near the data keeps the products small
    sq = torch.einsum("np,np->n", X, X)
    gram = X @ X.T                      # torch's float32 product: faster than numpy's (RESULTS)
    score = sq[None, :] - 2.0 * gram    # + |x_i|^2 does not change which j is nearest
    score.fill_diagonal_(float("inf"))
    cand = torch.topk(score, 3, dim=1, largest=False).indices                 # (n, 3)
    sq64 = sq.double()
    norms = sq64[:, None] + sq64[cand]
    d2 = norms - 2.0 * torch.gather(gram, 1, cand).double()
    close_i, close_k = torch.nonzero(d2 < 0.1 * norms, as_tuple=True)
    step = max(1, (16 << 20) // (4 * d))                       # pairs per ~16 MB
    for s in range(0, close_i.numel(), step):
        i, k = close_i[s:s + step], close_k[s:s + step]
        diff = X[cand[i, k]] - X[i]
        d2[i, k] = torch.einsum("mp,mp->m", diff, diff).double()
    d2 = torch.sort(torch.clamp(d2, min=0.0), dim=1).values.numpy()
    return np.sqrt(d2[:, 0]), np.sqrt(d2[:, 1])


def twonn_replicates(r1: np.ndarray, r2: np.ndarray, counts: np.ndarray, *,
                     discard_fraction: float = 0.1) -> np.ndarray:
    """TwoNN fitted to the points' ratios mu = r2 / r1, each counted ``counts[b, j]`` times.

    counts: (n_boot, n) integer multiplicities of the n points (a point's multiplicity is its
    image's bootstrap count). With all counts 1 this is exactly
    ``manifolds.dimension.twonn_from_distances``: the ratios with multiplicity are sorted,
    the largest ``discard_fraction`` (and always the very largest) left out, and
    -log(1 - j / n) regressed on log(mu) through the origin. NaN where too few remain.
    """
    r1, r2 = np.asarray(r1, dtype=np.float64), np.asarray(r2, dtype=np.float64)
    valid = r1 > 0                                     # duplicates have no ratio
    order = np.argsort(r2[valid] / r1[valid], kind="stable")
    x = np.log(r2[valid][order] / r1[valid][order])                    # (m,) ascending
    c = np.atleast_2d(np.asarray(counts))[:, valid][:, order].astype(np.float64)
    n = c.sum(axis=1)                                                  # (n_boot,)
    n_keep = np.minimum(np.floor(n * (1.0 - discard_fraction)), n - 1.0)
    end = np.cumsum(c, axis=1)
    a = np.minimum(end - c, n_keep[:, None])           # positions (a, b] of each ratio, clipped
    b = np.minimum(end, n_keep[:, None])
    nn = n[:, None]
    # sum_{j=a+1}^{b} -log(1 - j/n) = (b - a) log n - (lgamma(n - a) - lgamma(n - b)); all
    # arguments are integers from 1 to max(n), so lgamma is a table look-up.
    table = gammaln(np.arange(int(n.max()) + 2, dtype=np.float64))
    upper = (nn - a).astype(np.int64)
    lower = np.maximum(nn - b, 1).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_sum = (b - a) * np.log(nn) - (table[upper] - table[lower])
        num = (x * y_sum).sum(axis=1)
        den = (x * x * (b - a)).sum(axis=1)
        d = num / den
    d[(n_keep < 2) | (den <= 0)] = np.nan
    return d


def twonn_or_none(r1: np.ndarray, r2: np.ndarray, discard_fraction: float = 0.1) -> float | None:
    """``twonn_from_distances``, or None where the data leave no estimate (ties, too few)."""
    try:
        d = twonn_from_distances(r1, r2, discard_fraction=discard_fraction)
    except ValueError:
        return None
    return d if np.isfinite(d) else None


# -- null references --------------------------------------------------------------------------
def _bartlett(p: int, dof: int, rng: np.random.Generator) -> np.ndarray:
    """L (p, p) lower triangular with L L' ~ Wishart_p(dof, I), dof >= p (Bartlett)."""
    L = np.tril(rng.standard_normal((p, p)), k=-1)
    L[np.diag_indices(p)] = np.sqrt(rng.chisquare(dof - np.arange(p)))
    return L


@functools.lru_cache(maxsize=256)
def null_spectrum(n_points: int, ambient: int) -> tuple[float, ...]:
    """Non-zero covariance eigenvalues (descending) of n_points isotropic Gaussian points in
    R^ambient: (n - 1) C ~ Wishart_d(n - 1, I), whose non-zero spectrum is that of
    Wishart_p(dof) with p = min(d, n - 1), dof = max(d, n - 1). Seeded by (n, d) only."""
    n, d = int(n_points), int(ambient)
    if n < 2 or d < 1:
        raise ValueError(f"need n_points >= 2 and ambient >= 1, got {n}, {d}")
    rng = np.random.default_rng([NULL_SEED, n, d, 1])
    p, dof = min(d, n - 1), max(d, n - 1)
    sv = np.linalg.svd(_bartlett(p, dof, rng), compute_uv=False)
    return tuple(float(v) for v in sv * sv / (n - 1))


def null_pca_pr(n_points: int, ambient: int, variance: float = 0.9) -> tuple[int, float]:
    """(PCA count, participation ratio) of the Gaussian null with n_points in R^ambient."""
    eig = np.asarray(null_spectrum(n_points, ambient))
    return (pca_dimension_from_eigenvalues(eig, variance),
            participation_ratio_from_eigenvalues(eig))


@functools.lru_cache(maxsize=256)
def null_twonn(n_points: int, ambient: int, discard_fraction: float = 0.1) -> float | None:
    """TwoNN of n_points isotropic Gaussian points in R^ambient (seeded by (n, d) only).

    ambient >= n_points: the Gram matrix G = X X' ~ Wishart_n(d, I) is drawn directly
    (Bartlett) and the distances read off it; otherwise the points themselves are drawn."""
    n, d = int(n_points), int(ambient)
    if n < 3 or d < 1:
        return None
    rng = np.random.default_rng([NULL_SEED, n, d, 2])
    if d >= n:
        L = _bartlett(n, d, rng)
        G = L @ L.T
        sq = np.diag(G)
        d2 = sq[:, None] + sq[None, :] - 2.0 * G
        np.fill_diagonal(d2, np.inf)
        two = np.sqrt(np.clip(np.partition(d2, 1, axis=1)[:, :2], 0.0, None))
        r1, r2 = two.min(axis=1), two.max(axis=1)
    else:
        r1, r2 = two_nearest_distances(rng.standard_normal((n, d)))
    return twonn_or_none(r1, r2, discard_fraction)
