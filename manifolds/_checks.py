"""Argument checks shared by the math: each raises ValueError saying what is allowed."""
from __future__ import annotations

import math
import numbers

import numpy as np


def check_count(name: str, value, lo: int = 1, hi: int | None = None) -> int:
    """An integer >= lo, and <= hi when given (bools and floats like 2.5 are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {lo}, got {value!r}")
    if value < lo:
        raise ValueError(f"{name} must be an integer >= {lo}, got {value}")
    if hi is not None and value > hi:
        raise ValueError(f"{name} must be an integer from {lo} to {hi:,}, got {value:,}")
    return int(value)


def check_nonneg(name: str, value) -> float:
    if not isinstance(value, numbers.Real) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def check_positive(name: str, value) -> float:
    if not isinstance(value, numbers.Real) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def check_seed(name: str, value) -> int:
    """A seed for ``np.random.default_rng``: an integer >= 0."""
    return check_count(name, value, lo=0)


def check_finite(name: str, values) -> np.ndarray:
    """``values`` (any shape) as a real numeric array whose entries are all finite.

    The dtype is kept (float32 stays float32; bools and integers pass); anything else is
    converted to float64. Complex values are refused rather than cast (a cast would silently
    drop the imaginary part). The message names the first NaN or infinity and where it is.
    """
    X = np.asarray(values)
    if np.iscomplexobj(X):
        raise ValueError(f"{name} must hold real numbers, got complex values (dtype {X.dtype}); "
                         f"pass its .real or abs() if that is what is meant")
    if X.dtype != bool and not np.issubdtype(X.dtype, np.number):
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must hold real numbers, got dtype {X.dtype}") from None
    if np.issubdtype(X.dtype, np.inexact) and not np.all(np.isfinite(X)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(X))[0])
        value = X[where]
        what = "NaN" if np.isnan(value) else ("+infinity" if value > 0 else "-infinity")
        at = f" at index {where[0] if len(where) == 1 else where}" if where else ""
        raise ValueError(f"{name} must be finite, but it holds {what}{at} "
                         f"({int(np.count_nonzero(~np.isfinite(X))):,} of {X.size:,} values "
                         f"are not finite)")
    return X


def check_points(name: str, X) -> np.ndarray:
    """A finite real float array of shape (N, d) with N >= 1 and d >= 1."""
    X = check_finite(name, X)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must be an array of shape (N, d) with N, d >= 1, got shape {X.shape}")
    return X.astype(float, copy=False)


def unit_scale(X: np.ndarray) -> float:
    """A power of two s with max|X| / s in [1, 2) (1.0 for an all-zero X); s itself is
    finite for any finite X (2 ** 1023 at most).

    Dividing by s is exact, so scale-free measures (ratios of variances or distances) come
    out as before, while squares of 1e200 no longer overflow and squares of 1e-200 no
    longer vanish.
    """
    top = max(abs(float(X.max())), abs(float(X.min()))) if X.size else 0.0
    return 1.0 if top == 0.0 else float(np.ldexp(1.0, int(np.frexp(top)[1]) - 1))
