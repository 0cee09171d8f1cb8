"""The numbers behind ``model.evidence``'s per-block record.

- ``linear_recovery``: held-out R^2 of the best linear (ridge) map from features to a target,
  cross-fitted by image: images are split into folds, each fold is predicted by a map fitted
  on the others, so no pixel of a test image was seen in fitting (neighbouring pixels of one
  image are nearly copies of each other; a split by pixel would flatter wide features).
- ``lemma2_invertible``: the paper's Lemma 2 (Appendix A) at each point: ReLU6(A x + b) can
  be inverted at x when the rows of A whose outputs are in ReLU6's linear range (0 < z < 6)
  have rank d_in there.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .bootstrap import percentile_interval

# Relative singular-value floor for "rank d_in": float32 data carry about 7 digits, so a map
# whose smallest singular value is below 1e-6 of its size cannot be inverted in practice.
RANK_RTOL = 1e-6


@dataclass(frozen=True)
class Recovery:
    """Held-out R^2 (variance-weighted over the target's channels) and its bootstrap interval
    over test images (the fitted maps held fixed)."""
    r2: float | None
    ci_low: float | None
    ci_high: float | None
    n_points: int
    n_folds: int


def folds_by_image(n_images: int, n_folds: int, seed: int) -> np.ndarray:
    """Fold of each image, int64 (n_images,): a seeded permutation cut into near-equal folds."""
    if int(n_folds) != n_folds or n_folds < 2:
        raise ValueError(f"folds must be an integer >= 2, got {n_folds}")
    if n_images < 2:
        raise ValueError(f"held-out recovery needs at least 2 images, got {n_images}")
    k = min(int(n_folds), int(n_images))
    fold = np.empty(n_images, dtype=np.int64)
    fold[np.random.default_rng([int(seed), 314159]).permutation(n_images)] = np.arange(n_images) % k
    return fold


def linear_recovery(features: np.ndarray, target: np.ndarray, image_of_point: np.ndarray,
                    fold_of_image: np.ndarray, *, alpha: float, weights: np.ndarray | None = None,
                    level: float = 0.95) -> Recovery:
    """Cross-fitted R^2 of target (N, d) from features (N, p) by ridge regression.

    image_of_point: (N,) image index of each row; fold_of_image: (n_images,) from
    ``folds_by_image``. Each fold's map: B = (S_ff + lam I)^-1 S_ft with an unpenalised
    intercept, S the training fold's centred scatter matrices and lam = alpha * tr(S_ff) / p
    (alpha is relative to the mean feature variance, so it does not depend on the scale).
    R^2 = 1 - sum of squared errors / sum of squares about each test fold's mean, pooled over
    folds. ``weights`` (n_boot, n_images) bootstrap counts give the interval: the same
    per-image errors reweighted. The products are float32 (summed in float64): R^2 is
    good to about 1e-5.
    """
    F = np.asarray(features, dtype=np.float32)
    T = np.asarray(target, dtype=np.float32)
    image_of_point = np.asarray(image_of_point)
    n_images = fold_of_image.shape[0]
    p = F.shape[1]
    fold_of_point = fold_of_image[image_of_point]
    order = np.argsort(fold_of_point, kind="stable")        # each fold's rows contiguous
    fold_of_point, image_of_point = fold_of_point[order], image_of_point[order]
    Z = torch.from_numpy(np.hstack([F[order], T[order]]))
    # Centred once in float64 (the scatter sums then do not cancel); products in float32
    # (fast), summed per fold in float64.
    Z -= Z.mean(dim=0, dtype=torch.float64).float()
    folds, first = np.unique(fold_of_point, return_index=True)
    bounds = list(zip(first, np.append(first[1:], len(order))))
    grams = [(Z[a:b].T @ Z[a:b]).double().numpy() for a, b in bounds]
    sums = [Z[a:b].sum(dim=0, dtype=torch.float64).numpy() for a, b in bounds]
    sizes = [b - a for a, b in bounds]
    g_all, s_all, n_all = sum(grams), sum(sums), sum(sizes)
    sse = np.zeros(n_images)
    sst = np.zeros(n_images)
    for (a, b), gram, fsum, size in zip(bounds, grams, sums, sizes):
        n = n_all - size
        if n < 2:
            return Recovery(None, None, None, F.shape[0], len(folds))
        mean = (s_all - fsum) / n
        scatter = (g_all - gram) - n * np.outer(mean, mean)
        s_ff, s_ft = scatter[:p, :p], scatter[:p, p:]
        lam = alpha * max(float(np.trace(s_ff)) / p, np.finfo(float).tiny)
        coef = _solve_spd(s_ff + lam * np.eye(p), s_ft)
        zf, zt = Z[a:b, :p], Z[a:b, p:]
        # float32 residuals: rounded to ~1e-7 of the target's size, which moves R^2 by
        # less than 1e-6
        residual = zt - torch.from_numpy(mean[p:]).float() - (
            (zf - torch.from_numpy(mean[:p]).float()) @ torch.from_numpy(coef).float())
        spread = zt - zt.mean(dim=0)
        img = image_of_point[a:b]
        sse += np.bincount(img, weights=residual.square().sum(dim=1).double().numpy(),
                           minlength=n_images)
        sst += np.bincount(img, weights=spread.square().sum(dim=1).double().numpy(),
                           minlength=n_images)
    total = float(sst.sum())
    if total <= 0:
        return Recovery(None, None, None, F.shape[0], len(folds))
    r2 = 1.0 - float(sse.sum()) / total
    lo = hi = None
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            reps = 1.0 - (w @ sse) / (w @ sst)
        lo, hi = percentile_interval(reps, level)
    return Recovery(r2, lo, hi, F.shape[0], len(folds))


def _solve_spd(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a^-1 b for symmetric positive definite a (ridge's normal equations), by Cholesky."""
    ta, tb = torch.from_numpy(a), torch.from_numpy(b)
    return torch.cholesky_solve(tb, torch.linalg.cholesky(ta)).numpy()


def lemma2_invertible(expansion: np.ndarray, linear: np.ndarray, *, rtol: float = RANK_RTOL,
                      chunk: int = 256) -> np.ndarray:
    """Lemma 2 at each point: do the rows of ``expansion`` in the linear range span R^d_in?

    expansion: (hidden, d_in) the expansion's linear map (BatchNorm's scale folded in);
    linear: (m, hidden) bool, True where the point's output is strictly inside (0, 6).
    Returns bool (m,): True where those rows A_S have rank d_in numerically, i.e. smallest
    singular value above ``rtol`` times their Frobenius norm. Tested as: A_S' A_S - tau I is
    positive definite (a Cholesky factorisation succeeds), tau = rtol^2 ||A_S||_F^2. Points
    with fewer than d_in such rows are False without any factorisation.
    """
    A = np.asarray(expansion, dtype=np.float64)
    mask = np.asarray(linear, dtype=bool)
    hidden, d_in = A.shape
    if mask.ndim != 2 or mask.shape[1] != hidden:
        raise ValueError(f"linear must have shape (m, {hidden}), got {mask.shape}")
    out = np.zeros(mask.shape[0], dtype=bool)
    todo = np.flatnonzero(mask.sum(axis=1) >= d_in)
    # A_S' A_S = sum over the rows k in S of a_k a_k': one product of the masks with the
    # rows' outer products (hidden, d_in^2) gives every point's Gram matrix.
    outer = torch.from_numpy((A[:, :, None] * A[:, None, :]).reshape(hidden, d_in * d_in))
    eye = torch.eye(d_in, dtype=torch.float64)
    for start in range(0, todo.size, chunk):
        rows = todo[start:start + chunk]
        gram = (torch.from_numpy(mask[rows]).double() @ outer).reshape(-1, d_in, d_in)
        tau = (rtol * rtol) * torch.diagonal(gram, dim1=1, dim2=2).sum(dim=1)   # ||A_S||_F^2
        _, info = torch.linalg.cholesky_ex(gram - tau[:, None, None] * eye)
        out[rows] = (info == 0).numpy()
    return out
