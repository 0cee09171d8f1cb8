"""Input manifolds a teacher would push through a random ReLU layer.

Every sampler draws its points at random positions along the manifold (never evenly spaced:
evenly spaced samples hide gaps and fool dimension estimates), scales it to a radius of about
1 and centres it on the origin, so that the manifold surrounds the origin and meets every
direction, which is what the collapse theory (docs/PAPER_FACTS.md §1, paper Appendix A) assumes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_count, check_nonneg, check_positive

# More points than this would only exhaust memory (a huge n_points from a script or a link).
MAX_POINTS = 1_000_000


@dataclass(frozen=True)
class Sample:
    """Points of a manifold and where each lies along it.

    X: (n_points, d) coordinates. position: (n_points,) in [0, 1], the point's place along the
    manifold (arc parameter, angle or label + arc), used to colour points so that a fold or a
    collapse shows as colours meeting.
    """
    X: np.ndarray
    position: np.ndarray

    @property
    def d(self) -> int:
        return self.X.shape[1]


def _noisy(X: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    return X + noise * rng.standard_normal(X.shape) if noise > 0 else X


def spiral(n_points: int, *, turns: float = 1.5, noise: float = 0.0, seed: int = 0) -> Sample:
    """Archimedean spiral around the origin, radius growing from 0.1 to 1 over ``turns`` turns.

    The arc parameter is drawn uniformly at random (not evenly spaced). The spiral's centre is
    the origin (no mean is subtracted: the centre of the curve, not of the points).
    """
    check_count("n_points", n_points, hi=MAX_POINTS)
    check_positive("turns", turns)
    check_nonneg("noise", noise)
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, 1.0, n_points))
    angle = 2 * math.pi * turns * t
    radius = 0.1 + 0.9 * t
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return Sample(_noisy(X, noise, rng), t)


def circle(n_points: int, *, noise: float = 0.0, seed: int = 0) -> Sample:
    """Unit circle, angles uniform at random."""
    check_count("n_points", n_points, hi=MAX_POINTS)
    check_nonneg("noise", noise)
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, 1.0, n_points))
    X = np.column_stack([np.cos(2 * math.pi * t), np.sin(2 * math.pi * t)])
    return Sample(_noisy(X, noise, rng), t)


def moons(n_points: int, *, noise: float = 0.0, seed: int = 0) -> Sample:
    """scikit-learn's two moons, centred on the origin and scaled to radius about 1.

    scikit-learn spaces the points evenly along each moon; the order is shuffled and the noise
    added here so the position (moon label / 2 + arc / 2) can be read off the clean curve.
    """
    check_count("n_points", n_points, lo=2, hi=MAX_POINTS)
    check_nonneg("noise", noise)
    rng = np.random.default_rng(seed)
    from sklearn.datasets import make_moons as _sk_moons  # lazy: sklearn is slow to import

    X, label = _sk_moons(n_samples=n_points, noise=0.0, shuffle=True, random_state=seed)
    # Outer moon: (cos a, sin a); inner moon: (1 - cos a, 0.5 - sin a), a in [0, pi].
    arc = np.where(label == 0, np.arctan2(X[:, 1], X[:, 0]),
                   np.arctan2(0.5 - X[:, 1], 1 - X[:, 0]))
    position = 0.5 * label + 0.5 * np.clip(arc / math.pi, 0.0, 1.0)
    X = (X - np.array([0.5, 0.25])) / 1.5
    return Sample(_noisy(X, noise, rng), position)


def line(n_points: int, *, noise: float = 0.0, seed: int = 0) -> Sample:
    """A 1-D segment through the origin at 30 degrees, from radius -1 to 1, positions random.

    It meets only two directions, so the collapse theory's assumption does not hold: a
    contrast case.
    """
    check_count("n_points", n_points, hi=MAX_POINTS)
    check_nonneg("noise", noise)
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, 1.0, n_points))
    s = 2 * t - 1
    X = np.column_stack([s * math.cos(math.pi / 6), s * math.sin(math.pi / 6)])
    return Sample(_noisy(X, noise, rng), t)


def disc(n_points: int, *, noise: float = 0.0, seed: int = 0) -> Sample:
    """Filled unit disc, uniform by area; position is the angle / 2 pi."""
    check_count("n_points", n_points, hi=MAX_POINTS)
    check_nonneg("noise", noise)
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, 1.0, n_points)
    r = np.sqrt(rng.uniform(0.0, 1.0, n_points))
    X = np.column_stack([r * np.cos(2 * math.pi * t), r * np.sin(2 * math.pi * t)])
    return Sample(_noisy(X, noise, rng), t)


def swiss_roll(n_points: int, *, noise: float = 0.0, seed: int = 0) -> Sample:
    """scikit-learn's swiss roll (d = 3), centred and scaled so its largest radius is 1."""
    check_count("n_points", n_points, hi=MAX_POINTS)
    check_nonneg("noise", noise)
    rng = np.random.default_rng(seed)
    from sklearn.datasets import make_swiss_roll as _sk_swiss_roll

    X, t = _sk_swiss_roll(n_samples=n_points, noise=0.0, random_state=seed)
    X = X - X.mean(axis=0)
    X = X / np.linalg.norm(X, axis=1).max()
    span = t.max() - t.min()
    position = (t - t.min()) / span if span > 0 else np.zeros_like(t)
    return Sample(_noisy(X, noise, rng), position)


INPUTS = {"spiral": spiral, "circle": circle, "moons": moons, "line": line, "disc": disc,
          "swiss_roll": swiss_roll}
"""Name -> sampler ``(n_points, *, noise, seed) -> Sample``. All 2-D except swiss_roll (3-D)."""


def sample_input(name: str, n_points: int, *, noise: float = 0.0, seed: int = 0) -> Sample:
    """The input manifold ``name`` (one of ``INPUTS``) with its positions."""
    if name not in INPUTS:
        raise ValueError(f"unknown input manifold {name!r}: allowed are {', '.join(INPUTS)}")
    return INPUTS[name](n_points, noise=noise, seed=seed)


def make_spiral(n_points: int, *, turns: float = 1.5, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """(n_points, 2) points of a spiral centred on the origin, at random positions along it."""
    return spiral(n_points, turns=turns, noise=noise, seed=seed).X


def make_circle(n_points: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """(n_points, 2) points on the unit circle at random angles."""
    return circle(n_points, noise=noise, seed=seed).X


def make_moons(n_points: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """(n_points, 2) two moons (scikit-learn), centred on the origin."""
    return moons(n_points, noise=noise, seed=seed).X


def make_line(n_points: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """(n_points, 2) points on a segment through the origin."""
    return line(n_points, noise=noise, seed=seed).X


def make_disc(n_points: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """(n_points, 2) points filling the unit disc."""
    return disc(n_points, noise=noise, seed=seed).X


def make_swiss_roll(n_points: int, *, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """(n_points, 3) swiss roll centred on the origin, radius 1."""
    return swiss_roll(n_points, noise=noise, seed=seed).X
