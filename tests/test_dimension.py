"""Dimension estimators on data of known dimension, and against scikit-dimension."""
import warnings

import numpy as np
import pytest
import skdim
from scipy.spatial.distance import cdist
from threadpoolctl import threadpool_limits

from manifolds.dimension import (covariance_eigenvalues, dead_channel_fraction,
                                 participation_ratio, participation_ratio_from_eigenvalues,
                                 participation_ratio_from_moments, pca_dimension,
                                 pca_dimension_from_eigenvalues, two_nearest_distances,
                                 twonn_dimension, twonn_from_distances, zero_fraction)

pytestmark = pytest.mark.unit


def embed(Z, ambient=100, seed=0):
    """Z (n, k) placed in R^ambient by a random linear map with orthonormal columns."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((ambient, Z.shape[1])))
    return Z @ q.T


def gaussian(n, k, seed=0):
    return embed(np.random.default_rng(seed).standard_normal((n, k)), seed=seed + 1)


def sphere(n, k, seed=0):
    """n points on the k-dimensional unit sphere S^k (in R^(k+1)), embedded in R^100."""
    z = np.random.default_rng(seed).standard_normal((n, k + 1))
    return embed(z / np.linalg.norm(z, axis=1, keepdims=True), seed=seed + 1)


@pytest.mark.parametrize("k", [2, 5, 10])
def test_known_dimension_gaussian(k):
    X = gaussian(2000, k)
    assert pca_dimension(X, 0.9999) == k             # a k-dim subspace holds all the variance
    assert k - 1 <= pca_dimension(X, 0.9) <= k
    assert participation_ratio(X) == pytest.approx(k, rel=0.05)   # isotropic: PR = k
    assert twonn_dimension(X) == pytest.approx(k, rel=0.1)


@pytest.mark.parametrize("k", [2, 4, 8])
def test_known_dimension_sphere(k):
    X = sphere(2000, k)
    # Curved: TwoNN sees the k-dim manifold, PCA sees the (k+1)-dim linear span.
    assert twonn_dimension(X) == pytest.approx(k, rel=0.1)
    assert pca_dimension(X, 0.999) == k + 1


def _skdim_twonn(X, discard=0.1):
    # One BLAS thread: on a busy 2-core machine two threads can make this 10x slower.
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")   # skdim warns about the duplicates it drops
        return skdim.id.TwoNN(discard_fraction=discard).fit(X).dimension_


@pytest.mark.parametrize("data", ["gauss5", "sphere3", "wide"])
def test_agrees_with_scikit_dimension(data):
    rng = np.random.default_rng(7)
    X = {"gauss5": lambda: gaussian(1500, 5),
         "sphere3": lambda: sphere(1500, 3),
         # high-dimensional, offset from the origin (float32 search + exact recompute)
         "wide": lambda: (rng.standard_normal((800, 300)) + 50.0).astype(np.float32)}[data]()
    # Same points, same discard fraction, no subsampling: the estimates must agree.
    for discard in (0.1, 0.25):
        ours = twonn_dimension(X, discard_fraction=discard, max_points=None)
        assert ours == pytest.approx(_skdim_twonn(X, discard), rel=0.02)
    with np.errstate(divide="ignore", invalid="ignore"), threadpool_limits(1):  # skdim: 0/0 gaps
        lpca = skdim.id.lPCA(ver="ratio", alphaRatio=0.9).fit(X).dimension_
        pr = skdim.id.lPCA(ver="participation_ratio").fit(X).dimension_
    assert pca_dimension(X, 0.9) == lpca
    assert participation_ratio(X) == pytest.approx(pr, rel=0.02)


def test_two_nearest_distances_both_paths_are_exact():
    rng = np.random.default_rng(3)
    for p in (3, 40):                       # k-d tree path and brute-force path
        X = rng.standard_normal((300, p)) * 10 + 1000.0
        r1, r2 = two_nearest_distances(X)
        d = cdist(X, X)
        np.fill_diagonal(d, np.inf)
        d.sort(axis=1)
        np.testing.assert_allclose(r1, d[:, 0], rtol=1e-9)
        np.testing.assert_allclose(r2, d[:, 1], rtol=1e-9)


def test_duplicates_are_dropped_not_fatal():
    X = gaussian(500, 3)
    doubled = np.vstack([X, X])
    r1, _ = two_nearest_distances(doubled)
    assert np.all(r1 == 0)                   # every point has a twin
    with pytest.raises(ValueError, match="distinct"):
        twonn_dimension(doubled)
    partly = np.vstack([X, X[:100]])
    # scikit-dimension's distances come from |x|^2 - 2x.y + |y|^2, which gives ~6e-8 instead
    # of 0 for a twin, so its own search keeps duplicates with huge ratios. Give it the exact
    # distances instead: then it must drop the same points and fit the same line.
    d = cdist(partly, partly)
    np.fill_diagonal(d, np.inf)
    d.sort(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = skdim.id.TwoNN(dist=True).fit(d[:, :2]).dimension_
    assert twonn_dimension(partly) == pytest.approx(ref, rel=1e-9)
    # discard_fraction = 0 is allowed: only the ratio with F_emp = 1 is left out.
    assert np.isfinite(twonn_dimension(X, discard_fraction=0.0))


def test_subsample_is_seeded_and_random():
    X = gaussian(5000, 6)
    a = twonn_dimension(X, max_points=1000, seed=1)
    assert a == twonn_dimension(X, max_points=1000, seed=1)
    assert a != twonn_dimension(X, max_points=1000, seed=2)
    assert a == pytest.approx(6, rel=0.15)
    rows = np.sort(np.random.default_rng(1).choice(5000, 1000, replace=False))
    assert a == pytest.approx(twonn_dimension(X[rows], max_points=None), rel=1e-12)


def test_eigenvalue_forms_match_the_point_forms():
    X = np.random.default_rng(0).standard_normal((50, 80)) @ np.diag(np.linspace(1, 3, 80))
    eig = covariance_eigenvalues(X)          # n < p: via the Gram matrix
    assert eig.shape == (50,) and np.all(np.diff(eig) <= 1e-12)
    full = np.linalg.eigvalsh(np.cov(X, rowvar=False))[::-1]
    np.testing.assert_allclose(eig[:49], full[:49], rtol=1e-8, atol=1e-10)
    assert participation_ratio_from_eigenvalues(eig) == pytest.approx(participation_ratio(X))
    c = np.cov(X, rowvar=False)
    assert participation_ratio_from_moments(np.trace(c), np.sum(c * c)) == pytest.approx(
        participation_ratio(X))
    assert pca_dimension_from_eigenvalues([4, 3, 2, 1], 0.7) == 2   # 70% exactly
    assert pca_dimension_from_eigenvalues([1, 4, 2, 3], 0.75) == 3
    assert pca_dimension_from_eigenvalues([0, 0, 0], 0.9) == 0
    assert participation_ratio_from_eigenvalues([0.0, 0.0]) == 0.0
    assert participation_ratio_from_eigenvalues([1.0, 1.0, 1.0, 1.0]) == pytest.approx(4.0)


def test_zeros_and_dead_channels():
    X = np.array([[0.0, 1.0, 0.0], [0.0, 2.0, 3.0]])
    assert zero_fraction(X) == pytest.approx(3 / 6)
    assert dead_channel_fraction(X) == pytest.approx(1 / 3)
    relu = np.maximum(gaussian(400, 20), 0)
    assert 0.4 < zero_fraction(relu) < 0.6 and dead_channel_fraction(relu) == 0.0


@pytest.mark.parametrize("call, match", [
    (lambda: pca_dimension(np.ones((5, 3)), variance=1.5), "variance"),
    (lambda: participation_ratio(np.ones(5)), "2-D"),
    (lambda: twonn_dimension(np.ones((2, 3))), "at least 3"),
    (lambda: twonn_dimension(np.random.rand(10, 3), max_points=2), "max_points"),
    (lambda: twonn_dimension(np.random.rand(10, 3), discard_fraction=1.0), "discard_fraction"),
    (lambda: pca_dimension(np.array([[np.nan, 1.0], [1.0, 2.0]])), "NaN"),
    (lambda: twonn_from_distances([0.0, 0.0], [1.0, 1.0]), "distinct"),
])
def test_bad_parameters_say_what_is_allowed(call, match):
    with pytest.raises(ValueError, match=match):
        call()
