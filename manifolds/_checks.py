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


def check_points(name: str, X) -> np.ndarray:
    """A finite float array of shape (N, d) with N >= 1 and d >= 1."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must be an array of shape (N, d) with N, d >= 1, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} must be finite: it contains NaN or infinity")
    return X
