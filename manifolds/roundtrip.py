"""The paper's Figure 1 experiment: embed, apply an activation, map back.

``X_rec = pinv(T) @ act(T @ x)`` for every point x (docs/PAPER_FACTS.md §1). T is Gaussian (entries
N(0, 1)), drawn from the seed: the paper gives neither T's distribution nor a seed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ._checks import check_count, check_finite, check_points, check_seed

LEAKY_SLOPE = 0.01
RELU6_CAP = 6.0


def _gelu(z: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # lazy: scipy.special adds 0.3 s to a cold start

    return 0.5 * z * (1.0 + erf(z / np.sqrt(2.0)))


ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0.0),
    "relu6": lambda z: np.clip(z, 0.0, RELU6_CAP),
    "leaky_relu": lambda z: np.where(z > 0, z, LEAKY_SLOPE * z),
    "gelu": _gelu,
    "tanh": np.tanh,
    "softplus": lambda z: np.logaddexp(0.0, z),
    "linear": lambda z: z,
}
"""Name -> elementwise function on an array."""

RELU_FAMILY = ("relu", "relu6")
"""Activations that set units exactly flat (0, or 6 for relu6): a point whose active units
are fewer than d is mapped onto a lower-dimensional set and cannot be recovered."""


# pre and hidden are (N, n) float64 each: 20M values is 320 MB for the two.
MAX_HIDDEN_VALUES = 20_000_000


def check_activation(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}: allowed are {', '.join(ACTIVATIONS)}")
    return activation


def gaussian_T(n: int, d: int, seed: int = 0) -> np.ndarray:
    """(n, d) matrix with independent N(0, 1) entries from ``seed``."""
    check_count("n", n)
    check_count("d", d)
    return np.random.default_rng(check_seed("seed", seed)).standard_normal((n, d))


@dataclass(frozen=True)
class RoundTrip:
    """Result of ``roundtrip``. N points, input dimension d, hidden width n.

    X: (N, d) input. T: (n, d) embedding. pre: (N, n) = X T^T. hidden: (N, n) = act(pre).
    recovered: (N, d) = hidden pinv(T)^T. active: (N,) number of units in the activation's
    pass-through region: pre > 0, and for relu6 also pre < 6 (a unit stuck at 6 is flat too).
    """
    X: np.ndarray
    T: np.ndarray
    pre: np.ndarray
    hidden: np.ndarray
    recovered: np.ndarray
    active: np.ndarray
    activation: str

    @property
    def n(self) -> int:
        return self.T.shape[0]

    @property
    def d(self) -> int:
        return self.T.shape[1]


def roundtrip(X, n: int, *, activation: str = "relu", seed: int = 0, T=None) -> RoundTrip:
    """Map X (N, d) to n dimensions with a Gaussian T (n, d), apply ``activation``, map back
    with T's pseudo-inverse.

    ``T`` may be given instead of drawn (shape (n, d)), e.g. to compare activations on one T.
    Raises ValueError for n < 1, non-finite or complex X, an unknown activation, a seed that is
    not an integer >= 0, or a T of the wrong shape.
    """
    X = check_points("X", X)
    n = check_count("n", n)
    check_activation(activation)
    seed = check_seed("seed", seed)
    d = X.shape[1]
    if X.shape[0] * n > MAX_HIDDEN_VALUES:
        raise ValueError(f"N x n = {X.shape[0]:,} x {n:,} hidden values is more than the "
                         f"{MAX_HIDDEN_VALUES:,} allowed (memory); use fewer points or a smaller n")
    if T is None:
        T = gaussian_T(n, d, seed)
    else:
        T = check_finite("T", T).astype(float)
        if T.shape != (n, d):
            raise ValueError(f"T must have shape (n, d) = ({n}, {d}) to match n and X, got {T.shape}")
    pre = X @ T.T
    hidden = ACTIVATIONS[activation](pre)
    recovered = hidden @ np.linalg.pinv(T).T
    return RoundTrip(X=X, T=T, pre=pre, hidden=hidden, recovered=recovered,
                     active=_active(pre, activation), activation=activation)


def _active(pre: np.ndarray, activation: str) -> np.ndarray:
    """(N,) units in the pass-through region per row of pre (N, n): pre > 0, and for relu6
    also pre < 6."""
    on = pre > 0
    if activation == "relu6":
        on &= pre < RELU6_CAP
    return on.sum(axis=1)


def active_units(X, T, activation: str = "relu") -> np.ndarray:
    """(N,) ``roundtrip(X, n, T=T, activation=...).active`` without the activation and the
    way back: for counting collapsed points among many while mapping back only a few."""
    X = check_points("X", X)
    T = check_finite("T", T).astype(float)
    if T.ndim != 2 or T.shape[1] != X.shape[1]:
        raise ValueError(f"T must have shape (n, d) with d = {X.shape[1]}, got {T.shape}")
    return _active(X @ T.T, check_activation(activation))
