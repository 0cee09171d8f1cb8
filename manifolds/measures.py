"""How much of the input manifold survives a round trip: collapse, shape, neighbourhoods."""
from __future__ import annotations

from dataclasses import dataclass

import math

import numpy as np

from ._checks import check_count, check_points
from .roundtrip import RELU_FAMILY, RoundTrip


def collapsed_fraction(rt: RoundTrip) -> float:
    """Fraction of points with fewer than d active units (d = input dimension).

    For relu and relu6 such a point lies where the layer is flat in some direction, so it
    cannot be told apart from its neighbours: information is lost (paper Appendix A, Lemma 2).
    For leaky_relu, tanh, softplus and linear the layer is injective, so nothing is lost; the
    count then only says how many points have fewer than d units on the positive
    (pass-through) side. GELU is injective only for pre-activations above about -0.75.
    """
    return float(np.mean(rt.active < rt.d))


def theory_collapsed_fraction(n: int, d: int = 2) -> float:
    """P(Binomial(n, 1/2) <= d - 1): the expected collapsed fraction for a sign-symmetric T
    and a manifold meeting every direction (docs/PAPER_FACTS.md §1). For d = 2 it equals (n + 1) / 2^n."""
    n = check_count("n", n)
    d = check_count("d", d)
    return math.fsum(math.comb(n, k) for k in range(min(d, n + 1))) / 2.0**n


@dataclass(frozen=True)
class ShapeFit:
    """Least-squares similarity fit recovered ≈ scale * X @ rotation + shift.

    scale: fitted scale (tends to 1/2 for ReLU and large n: pinv(T) relu(T x) -> x / 2).
    rotation: (d, d) proper rotation. error: residual norm / norm of the centred recovered
    points, in [0, 1]: 0 = the same shape, 1 = nothing of X's shape is left.
    """
    scale: float
    rotation: np.ndarray
    shift: np.ndarray
    error: float


def shape_fit(X, recovered) -> ShapeFit:
    """Similarity (scale, rotation, shift) from X (N, d) to recovered (N, d) by least squares
    (Umeyama's solution), and the relative error left after it."""
    X = check_points("X", X)
    Y = check_points("recovered", recovered)
    if X.shape != Y.shape:
        raise ValueError(f"X and recovered must have the same shape (N, d), got {X.shape} and {Y.shape}")
    Xc = X - X.mean(axis=0)
    Yc = Y - Y.mean(axis=0)
    U, S, Vt = np.linalg.svd(Xc.T @ Yc)
    sign = np.ones(len(S))
    sign[-1] = np.sign(np.linalg.det(U @ Vt)) or 1.0  # keep det +1: no mirror images
    rotation = (U * sign) @ Vt
    x_var = float(np.sum(Xc**2))
    scale = float(np.sum(S * sign) / x_var) if x_var > 0 else 0.0
    shift = Y.mean(axis=0) - scale * X.mean(axis=0) @ rotation
    residual = Y - (scale * X @ rotation + shift)
    y_norm = float(np.sqrt(np.sum(Yc**2)))
    error = float(np.sqrt(np.sum(residual**2)) / y_norm) if y_norm > 0 else 1.0
    return ShapeFit(scale=scale, rotation=rotation, shift=shift, error=min(error, 1.0))


def trustworthiness(X, recovered, *, n_neighbors: int = 10) -> float:
    """scikit-learn's trustworthiness in [0, 1]: 1 when every point's n_neighbors nearest
    neighbours in ``recovered`` were also near it in X (no false neighbours from folding).
    Needs N > 2 * n_neighbors. Costs O(N^2): subsample large N."""
    X = check_points("X", X)
    Y = check_points("recovered", recovered)
    n_neighbors = check_count("n_neighbors", n_neighbors)
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X and recovered must have the same number of points, got {X.shape[0]} and {Y.shape[0]}")
    if X.shape[0] <= 2 * n_neighbors:
        raise ValueError(f"trustworthiness needs more than 2 * n_neighbors = {2 * n_neighbors} points, got {X.shape[0]}")
    # Imported here: sklearn.manifold takes about a second to import (cold start).
    from sklearn.manifold import trustworthiness as _sk_trustworthiness

    return float(_sk_trustworthiness(X, Y, n_neighbors=n_neighbors))


class NeighbourRanks:
    """Input-space neighbour ranks of X (N, d), computed once, so that the trustworthiness of
    many embeddings of the same X (one per width n in a sweep) costs one O(N^2) pass each
    instead of a fresh sort of X's distances every time.

    ``trustworthiness(Y, n_neighbors)`` is scikit-learn's formula (Venna and Kaski). Among
    points at equal distance in Y (collapsed points) it may pick other neighbours than
    scikit-learn's search does (deterministically: same input, same value).
    """

    def __init__(self, X):
        X = check_points("X", X)
        N = X.shape[0]
        dist = _squared_distances(X)
        np.fill_diagonal(dist, np.inf)
        order = np.argsort(dist, axis=1, kind="stable")
        self.rank = np.empty((N, N), dtype=np.int64)   # rank[i, j] = 1 for i's nearest
        self.rank[np.arange(N)[:, None], order] = np.arange(1, N + 1)
        self.N = N

    def trustworthiness(self, Y, n_neighbors: int = 10) -> float:
        Y = check_points("recovered", Y)
        k = check_count("n_neighbors", n_neighbors)
        N = self.N
        if Y.shape[0] != N:
            raise ValueError(f"X and recovered must have the same number of points, got {N} and {Y.shape[0]}")
        if N <= 2 * k:
            raise ValueError(f"trustworthiness needs more than 2 * n_neighbors = {2 * k} points, got {N}")
        dist = _squared_distances(Y)
        np.fill_diagonal(dist, np.inf)
        near = np.argpartition(dist, k - 1, axis=1)[:, :k]  # the k nearest, unordered
        excess = self.rank[np.arange(N)[:, None], near] - k
        total = float(np.sum(excess[excess > 0]))
        return 1.0 - total * 2.0 / (N * k * (2.0 * N - 3.0 * k - 1.0))


def _squared_distances(P: np.ndarray) -> np.ndarray:
    """(N, N) squared Euclidean distances of the rows of P (N, d), d small."""
    sq = np.einsum("ij,ij->i", P, P)
    return np.maximum(sq[:, None] + sq[None, :] - 2.0 * (P @ P.T), 0.0)


def is_relu_family(activation: str) -> bool:
    return activation in RELU_FAMILY
