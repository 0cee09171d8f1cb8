"""Estimators say clearly when their input cannot be computed with (issue 10, sections 3, 5).

Every dimension estimator refuses NaN and infinity with a ValueError naming it (before:
nan, inf or numpy's "Eigenvalues did not converge"); values of 1e200 or 1e-200 give the same
answers as values of 1 (before: overflow or underflow); TwoNN on a regular grid, where every
point's two nearest neighbours are equally far, says so instead of returning 1e15 or inf.
``manifolds.roundtrip`` refuses complex input and names ``seed`` when it is invalid.
"""
from __future__ import annotations

import numpy as np
import pytest

import manifolds as m
from manifolds.dimension import (covariance_eigenvalues, dead_channel_fraction,
                                 participation_ratio, participation_ratio_from_eigenvalues,
                                 participation_ratio_from_moments, pca_dimension,
                                 pca_dimension_from_eigenvalues, two_nearest_distances,
                                 twonn_dimension, twonn_from_distances, zero_fraction)
from manifolds.pca import pca

pytestmark = pytest.mark.unit

ESTIMATORS_OF_POINTS = {
    "pca_dimension": pca_dimension,
    "participation_ratio": participation_ratio,
    "twonn_dimension": twonn_dimension,
    "covariance_eigenvalues": covariance_eigenvalues,
    "two_nearest_distances": two_nearest_distances,
    "zero_fraction": zero_fraction,
    "dead_channel_fraction": dead_channel_fraction,
    "pca": pca,
}


def _cloud(n=400, d=3, p=20, seed=0) -> np.ndarray:
    """n points on a random d-dimensional subspace of R^p."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)) @ rng.standard_normal((d, p))


@pytest.mark.parametrize("bad, word", [(np.nan, "NaN"), (np.inf, r"\+infinity"),
                                       (-np.inf, "-infinity")])
@pytest.mark.parametrize("name", sorted(ESTIMATORS_OF_POINTS))
def test_non_finite_points_are_refused_by_name(name, bad, word):
    X = _cloud(50, p=4)
    X[7, 2] = bad
    with pytest.raises(ValueError, match=rf"must be finite, but it holds {word} at index \(7, 2\)"):
        ESTIMATORS_OF_POINTS[name](X)


@pytest.mark.parametrize("call", [
    lambda: participation_ratio_from_eigenvalues([3.0, np.nan, 1.0]),
    lambda: pca_dimension_from_eigenvalues([np.inf, 2.0, 1.0]),
    lambda: participation_ratio_from_moments(np.inf, 4.0),
    lambda: participation_ratio_from_moments(2.0, np.nan),
    lambda: twonn_from_distances([1.0, np.nan, 1.0, 1.0], [2.0, 2.0, 3.0, 4.0]),
    lambda: twonn_from_distances([1.0, 1.0, 1.0, 1.0], [2.0, np.inf, 3.0, 4.0]),
], ids=["pr_eig", "pca_eig", "moments_trace", "moments_frobenius", "twonn_r1", "twonn_r2"])
def test_non_finite_summaries_are_refused(call):
    with pytest.raises(ValueError, match="must be finite"):
        call()


@pytest.mark.parametrize("factor", [1e200, 1e-200, 1e300])
@pytest.mark.parametrize("p", [3, 20], ids=["kd_tree", "brute_force"])
def test_estimators_do_not_depend_on_the_scale(factor, p):
    X = _cloud(p=p)
    assert pca_dimension(X * factor) == pca_dimension(X) == 3
    assert participation_ratio(X * factor) == pytest.approx(participation_ratio(X), rel=1e-12)
    assert twonn_dimension(X * factor) == pytest.approx(twonn_dimension(X), rel=1e-9)
    coords, explained = pca(X * factor)
    assert np.all(np.isfinite(coords))
    np.testing.assert_allclose(explained, pca(X)[1], rtol=1e-12)


def test_float32_points_past_float32_squares():
    """1e20 is a fine float32, its square is not: the brute-force search must not overflow."""
    X = _cloud(p=20).astype(np.float32)
    assert twonn_dimension(X * np.float32(1e20)) == pytest.approx(twonn_dimension(X), rel=1e-5)


def test_values_whose_squares_overflow_float64_are_refused_where_unscaled():
    X = _cloud(p=5) * 1e200
    with pytest.raises(ValueError, match="covariance eigenvalues of X overflow float64"):
        covariance_eigenvalues(X)
    unit = covariance_eigenvalues(X / 1e200)
    np.testing.assert_allclose(covariance_eigenvalues(X / 1e120) * 1e-160,   # 1e80 squared: fine
                               unit, rtol=1e-10, atol=1e-12 * unit[0])
    assert np.isfinite(participation_ratio_from_moments(1e200, 1e300))
    assert participation_ratio_from_moments(1e200, 1e300) == pytest.approx(1e100)
    assert pca_dimension_from_eigenvalues([1e308, 1e308, 1e300], 0.9) == 2
    assert participation_ratio_from_eigenvalues([1e300, 1e300]) == pytest.approx(2.0)


def _grid(*sides: int, spacing: float = 0.1) -> np.ndarray:
    axes = [np.arange(s) * spacing for s in sides]
    return np.stack(np.meshgrid(*axes), axis=-1).reshape(-1, len(sides))


@pytest.mark.parametrize("points", [_grid(50), _grid(20, 20), _grid(8, 8, 8), _grid(20, 20) * 1e200],
                         ids=["line", "square", "cube", "huge_square"])
def test_twonn_on_a_regular_grid_says_so(points):
    with pytest.raises(ValueError, match="regular grid"):
        twonn_dimension(points)


def test_twonn_on_a_jittered_grid_is_finite_and_near_two():
    # Half a spacing of noise breaks the ties (much less noise leaves near-ties, for which
    # TwoNN's own arithmetic reads a large dimension: that is the estimator, not overflow).
    X = _grid(40, 40) + np.random.default_rng(0).normal(0, 0.05, (1600, 2))
    assert 1.5 < twonn_dimension(X) < 2.5


# -- manifolds.roundtrip ---------------------------------------------------------------------
def test_roundtrip_refuses_complex_points_instead_of_dropping_the_imaginary_part():
    X = m.make_spiral(50, seed=0) * (1 + 1j)
    with pytest.raises(ValueError, match="X must hold real numbers, got complex"):
        m.roundtrip(X, 5)
    with pytest.raises(ValueError, match="T must hold real numbers, got complex"):
        m.roundtrip(m.make_spiral(50, seed=0), 3, T=np.ones((3, 2)) * 1j)
    with pytest.raises(ValueError, match="recovered must hold real numbers"):
        m.shape_fit(m.make_spiral(50, seed=0), X)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", None, True])
def test_roundtrip_names_an_invalid_seed(seed):
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        m.roundtrip(m.make_spiral(50, seed=0), 5, seed=seed)
