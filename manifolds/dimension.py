"""Dimension of a point cloud: PCA count, participation ratio, TwoNN, zeros and dead channels.

Every function takes ``X`` of shape ``(n_samples, n_features)``: one row per point. The
estimators follow docs/PAPER_FACTS.md §8:

- PCA count: fewest principal components that hold ``variance`` of the total variance.
- Participation ratio ``PR = (sum lambda)^2 / sum lambda^2`` over covariance eigenvalues.
- TwoNN (Facco et al. 2017): ``mu = r2 / r1`` is Pareto(d); fit ``-log(1 - F_emp(mu)) =
  d log(mu)`` through the origin on the ``1 - discard_fraction`` smallest ratios. Points with
  ``r1 == 0`` (duplicates) are dropped. Same arithmetic as scikit-dimension's ``TwoNN``.

The ``*_from_eigenvalues`` forms let a caller that accumulated a covariance matrix (see
``model/probes.py``) get the numbers without the points. numpy + scikit-learn only: the ReLU
page imports this package and must not pull in torch.

Every estimator refuses input holding NaN or infinity with a ValueError naming it, and
rescales by a power of two before squaring, so points of size 1e200 (or 1e-200) give the
same answers as points of size 1.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_finite, check_seed, unit_scale

# Above this many features a k-d tree degenerates to brute force with extra overhead, so
# nearest neighbours then come from a blocked float32 matrix product (BLAS, multithreaded).
KDTREE_MAX_FEATURES = 12
DEFAULT_TWONN_MAX_POINTS = 20_000
# |log(r2 / r1)| at or below this counts as r2 == r1 (a tie up to rounding, as on a grid).
TWONN_TIE_TOLERANCE = 1e-9


def _as_points(X, name: str = "X", min_samples: int = 2) -> np.ndarray:
    X = check_finite(name, X)
    if X.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {X.shape}")
    if X.shape[0] < min_samples:
        raise ValueError(f"{name} needs at least {min_samples} samples, got {X.shape[0]}")
    if X.shape[1] < 1:
        raise ValueError(f"{name} needs at least 1 feature, got shape {X.shape}")
    return X


def _check_variance(variance: float) -> float:
    if not 0.0 < float(variance) <= 1.0:
        raise ValueError(f"variance must be in (0, 1], got {variance}")
    return float(variance)


def covariance_eigenvalues(X) -> np.ndarray:
    """Eigenvalues of the sample covariance of X (n, p), descending, length min(n - 1, p) or p.

    Uses the smaller of the p x p covariance and the n x n Gram matrix of the centred points
    (same non-zero eigenvalues), in float64. Tiny negative round-off is clipped to 0.
    Raises ValueError when an eigenvalue is too large for float64 (entries near 1e154 and
    up); ``participation_ratio`` and ``pca_dimension`` do not need them unscaled.
    """
    eig, scale = _scaled_covariance_eigenvalues(X)
    with np.errstate(over="ignore", invalid="ignore"):
        eig = eig * scale * scale
    if not np.all(np.isfinite(eig)):
        raise ValueError(f"the covariance eigenvalues of X overflow float64 (entries up to "
                         f"about {scale:.3g}); rescale X first")
    return eig


def _scaled_covariance_eigenvalues(X) -> tuple[np.ndarray, float]:
    """(covariance eigenvalues of X / scale, scale): ``unit_scale(X)`` keeps them finite."""
    X = _as_points(X).astype(np.float64, copy=False)
    scale = unit_scale(X)
    X = X / scale
    n, p = X.shape
    Xc = X - X.mean(axis=0)
    small = Xc @ Xc.T if n < p else Xc.T @ Xc
    eig = np.linalg.eigvalsh(small / (n - 1))[::-1]
    return np.clip(eig, 0.0, None), scale


def participation_ratio_from_eigenvalues(eigenvalues) -> float:
    """PR = (sum lambda)^2 / sum lambda^2 for covariance eigenvalues lambda (any order).

    Between 1 (one direction holds all variance) and len(eigenvalues) (isotropic); 0.0 when
    every eigenvalue is 0 (a constant point cloud has no spread to count).
    """
    lam = _eigenvalues(eigenvalues)
    denom = float(np.sum(lam * lam))
    return 0.0 if denom == 0.0 else float(np.sum(lam) ** 2 / denom)


def participation_ratio_from_moments(trace: float, frobenius_sq: float) -> float:
    """PR from tr(C) and ||C||_F^2 = tr(C^2) of a covariance C: no eigendecomposition needed.

    Computed as (tr(C) / ||C||_F)^2, which does not overflow where tr(C)^2 would.
    """
    trace = float(check_finite("trace", trace))
    frobenius_sq = float(check_finite("frobenius_sq", frobenius_sq))
    if frobenius_sq <= 0.0:
        return 0.0
    ratio = trace / np.sqrt(frobenius_sq)
    return float(ratio * ratio)


def pca_dimension_from_eigenvalues(eigenvalues, variance: float = 0.9) -> int:
    """Fewest leading eigenvalues whose sum reaches ``variance`` of the total (0 if total is 0).

    Same rule as scikit-dimension's ``lPCA(ver="ratio", alphaRatio=variance)``.
    """
    variance = _check_variance(variance)
    lam = np.sort(_eigenvalues(eigenvalues))[::-1]
    total = float(lam.sum())
    if total == 0.0:
        return 0
    cumulative = np.cumsum(lam) / total
    return int(min(np.count_nonzero(cumulative < variance) + 1, lam.size))


def _eigenvalues(eigenvalues) -> np.ndarray:
    """Finite eigenvalues as float64 (negative round-off clipped to 0), divided by a power of
    two so that their squares and sums stay finite (PR and the PCA count are ratios)."""
    lam = np.clip(check_finite("eigenvalues", eigenvalues).astype(np.float64), 0.0, None)
    return lam / unit_scale(lam)


def participation_ratio(X) -> float:
    """Participation ratio of X (n, p) from its covariance eigenvalues (docs/PAPER_FACTS.md §8)."""
    return participation_ratio_from_eigenvalues(_scaled_covariance_eigenvalues(X)[0])


def pca_dimension(X, variance: float = 0.9) -> int:
    """Number of principal components of X (n, p) holding ``variance`` of the variance."""
    _check_variance(variance)
    return pca_dimension_from_eigenvalues(_scaled_covariance_eigenvalues(X)[0], variance)


def _nearest_candidates(X: np.ndarray, n_candidates: int, block_bytes: int = 64 << 20) -> np.ndarray:
    """Indices (n, n_candidates) of the nearest other rows of X (n, p), by float32 brute force.

    Squared distances come from one float32 matrix product per block of rows (centred first so
    the norms stay small); the few smallest per row are picked by repeated argmin, which is
    much cheaper than sorting or partitioning whole rows. Callers recompute exact distances.
    One BLAS thread: on a shared 2-core machine two threads spin against each other and were
    up to 3x slower (20,000 x 144: 2.3 s with one thread, 6.2 s with two, under load).
    """
    n = X.shape[0]
    Xc = np.asarray(X, dtype=np.float32)
    Xc = Xc - X.mean(axis=0, dtype=np.float64).astype(np.float32)
    sq = np.einsum("np,np->n", Xc, Xc)
    # |x_i - x_j|^2 = |x_i|^2 + (|x_j|^2 - 2 x_i.x_j): the first term does not change which j
    # is nearest, so only the second is computed.
    rows_per_block = max(1, min(n, block_bytes // (4 * n)))
    out = np.empty((n, n_candidates), dtype=np.int64)
    if rows_per_block == n:
        # One block: numpy computes Xc @ Xc.T with BLAS's symmetric routine (half the flops).
        d2 = Xc @ Xc.T
        d2 *= -2.0
        d2 += sq[None, :]
        _pick_smallest(d2, 0, out)
        return out
    # Several blocks: one product of augmented factors per block gives the second term.
    left = np.hstack([Xc, np.ones((n, 1), dtype=np.float32)])
    right = np.hstack([-2.0 * Xc, sq[:, None]])
    for start in range(0, n, rows_per_block):
        stop = min(n, start + rows_per_block)
        _pick_smallest(left[start:stop] @ right.T, start, out)
    return out


def _pick_smallest(d2: np.ndarray, start: int, out: np.ndarray) -> None:
    """Column indices of the out.shape[1] smallest entries of each row of d2 (rows start..),
    skipping the diagonal (a point is not its own neighbour). Overwrites d2."""
    local = np.arange(d2.shape[0])
    d2[local, local + start] = np.inf
    for j in range(out.shape[1]):
        nearest = d2.argmin(axis=1)
        out[start:start + d2.shape[0], j] = nearest
        d2[local, nearest] = np.inf


def two_nearest_distances(X) -> tuple[np.ndarray, np.ndarray]:
    """Distances r1 <= r2 of each row of X (n, p) to its first and second nearest other row.

    Low-dimensional data: a k-d tree. Otherwise a float32 brute-force search proposes three
    neighbours per point and the distances to them are recomputed from direct differences (the
    fast search expands |x - y|^2 = |x|^2 - 2 x.y + |y|^2, which loses digits for close
    points). A point's exact duplicate gives r1 = 0. Raises ValueError when a distance is too
    large for float64 (entries near 1e308); ``twonn_dimension`` needs only their ratios.
    """
    r1, r2, scale = _scaled_two_nearest(X)
    with np.errstate(over="ignore", invalid="ignore"):
        r1, r2 = r1 * scale, r2 * scale
    if not (np.all(np.isfinite(r1)) and np.all(np.isfinite(r2))):
        raise ValueError(f"the neighbour distances of X overflow float64 (entries up to about "
                         f"{scale:.3g}); rescale X first")
    return r1, r2


def _scaled_two_nearest(X) -> tuple[np.ndarray, np.ndarray, float]:
    """(r1, r2 of X / scale, scale): dividing by ``unit_scale(X)`` first keeps the squared
    distances finite in float64 and float32 alike (1e200 squared overflows, as does 1e20 in
    float32)."""
    X = _as_points(X, min_samples=3)
    scale = unit_scale(X)
    X = X / scale
    n, p = X.shape
    if p <= KDTREE_MAX_FEATURES:
        from scipy.spatial import cKDTree   # here, not at the top: importing it costs 0.2 s
        dist, _ = cKDTree(np.asarray(X, dtype=np.float64)).query(X, k=3)
        return dist[:, 1], dist[:, 2], scale
    candidates = _nearest_candidates(X, n_candidates=min(3, n - 1))
    # Direct differences do not cancel, so the input's own precision is enough here.
    Xf = X if np.issubdtype(X.dtype, np.floating) else X.astype(np.float64)
    exact = np.empty(candidates.shape, dtype=np.float64)
    for j in range(candidates.shape[1]):
        diff = Xf[candidates[:, j]] - Xf
        exact[:, j] = np.einsum("np,np->n", diff, diff)
    exact = np.sqrt(np.sort(exact, axis=1))
    return exact[:, 0], exact[:, 1], scale


def twonn_from_distances(r1, r2, *, discard_fraction: float = 0.1) -> float:
    """TwoNN dimension from first/second neighbour distances (arrays of shape (n,)).

    Points with r1 == 0 (duplicates) are dropped; the largest ``discard_fraction`` of the
    ratios (and always the very largest, whose empirical F is 1) are left out of the
    least-squares fit through the origin. Raises ValueError when the kept ratios are all 1
    (up to rounding): first and second neighbours equally far, as on a regular grid, leave
    the fit no slope to read.
    """
    if not 0.0 <= float(discard_fraction) < 1.0:
        raise ValueError(f"discard_fraction must be in [0, 1), got {discard_fraction}")
    r1 = check_finite("r1", r1).astype(np.float64)
    r2 = check_finite("r2", r2).astype(np.float64)
    valid = r1 > 0
    mu = np.sort(r2[valid] / r1[valid])
    n = mu.size
    # The largest ratio has F_emp = 1 and -log(0) = inf: it never enters the fit.
    n_keep = min(int(n * (1 - discard_fraction)), n - 1)
    if n_keep < 2:
        raise ValueError(f"TwoNN needs at least 2 distinct points after dropping duplicates "
                         f"and the discarded fraction; {n} distinct points left")
    x = np.log(mu[:n_keep])
    if float(np.max(np.abs(x))) <= TWONN_TIE_TOLERANCE:
        raise ValueError(
            f"TwoNN cannot estimate a dimension here: for all {n_keep} points in the fit the "
            f"second neighbour is as near as the first (r2 = r1, as on a regular grid), so "
            f"the ratios carry no dimension; add a little noise or use PCA or PR")
    y = -np.log(1.0 - np.arange(1, n_keep + 1) / n)
    return float(x @ y / float(x @ x))


def twonn_dimension(X, *, discard_fraction: float = 0.1,
                    max_points: int | None = DEFAULT_TWONN_MAX_POINTS, seed: int = 0) -> float:
    """TwoNN intrinsic dimension of X (n, p).

    When n > ``max_points`` a uniformly random subset of ``max_points`` rows (seeded) is used:
    evenly spaced samples fool TwoNN (docs/PAPER_FACTS.md §8). ``max_points=None`` uses every row.
    """
    X = _as_points(X, min_samples=3)
    if max_points is not None:
        if int(max_points) != max_points or max_points < 3:
            raise ValueError(f"max_points must be an integer >= 3 or None, got {max_points}")
        if X.shape[0] > max_points:
            rows = np.random.default_rng(check_seed("seed", seed)).choice(X.shape[0], int(max_points), replace=False)
            X = X[np.sort(rows)]
    r1, r2, _ = _scaled_two_nearest(X)     # the ratios r2 / r1 do not depend on the scale
    return twonn_from_distances(r1, r2, discard_fraction=discard_fraction)


def zero_fraction(X) -> float:
    """Fraction of the entries of X (n, p) that are exactly 0 (ReLU6 clipping at the bottom)."""
    X = check_finite("X", X)
    if X.size == 0:
        raise ValueError("X is empty")
    return float(np.count_nonzero(X == 0) / X.size)


def dead_channel_fraction(X) -> float:
    """Fraction of the p columns (channels) of X (n, p) that are exactly 0 for every row."""
    X = _as_points(X, min_samples=1)
    return float(np.count_nonzero(~np.any(X != 0, axis=0)) / X.shape[1])
