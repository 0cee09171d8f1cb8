"""The Figure 1 math: determinism, theory agreement, exact linear recovery, bad arguments."""
import math

import numpy as np
import pytest

import manifolds as m

pytestmark = pytest.mark.unit


def test_same_seed_same_numbers_other_seed_other_numbers():
    a = m.roundtrip(m.make_spiral(300, seed=4), 7, seed=9)
    b = m.roundtrip(m.make_spiral(300, seed=4), 7, seed=9)
    c = m.roundtrip(m.make_spiral(300, seed=4), 7, seed=10)
    assert np.array_equal(a.recovered, b.recovered) and np.array_equal(a.T, b.T)
    assert not np.array_equal(a.T, c.T)
    s1 = m.sweep(ns=(2, 5), n_seeds=2, n_points=100, trust_points=50, seed=3)
    s2 = m.sweep(ns=(2, 5), n_seeds=2, n_points=100, trust_points=50, seed=3)
    for field in ("collapsed", "shape_error", "scale", "trust"):
        assert np.array_equal(getattr(s1, field), getattr(s2, field))


def test_spiral_is_centred_random_and_shaped():
    X = m.make_spiral(500, seed=1)
    assert X.shape == (500, 2)
    radius = np.linalg.norm(X, axis=1)
    assert 0.09 < radius.min() and radius.max() <= 1.0 + 1e-12  # centre of the curve at 0
    steps = np.diff(m.spiral(500, seed=1).position)
    assert steps.std() > 0.5 * steps.mean()  # random positions, not evenly spaced
    assert m.make_swiss_roll(200).shape == (200, 3)
    for name in m.INPUTS:
        sample = m.sample_input(name, 101, noise=0.01, seed=2)
        assert sample.X.shape[0] == 101 and np.all(np.isfinite(sample.X))
        assert sample.position.min() >= 0 and sample.position.max() <= 1


def test_theory_matches_closed_form():
    for n in (1, 2, 3, 5, 15, 30):
        assert m.theory_collapsed_fraction(n) == pytest.approx((n + 1) / 2**n, rel=1e-12)
    assert m.theory_collapsed_fraction(2, d=3) == 1.0
    assert m.theory_collapsed_fraction(3, d=3) == pytest.approx(7 / 8)


@pytest.mark.parametrize("n", [2, 3, 5, 15, 30])
def test_measured_collapse_agrees_with_theory(n):
    """For each fixed point x != 0 the signs of (T x)_i are independent fair coins when T is
    Gaussian, so E[collapsed fraction] equals the theory exactly, for any spiral. Points
    sharing one T are correlated, so we draw S independent T's and use the spread of the
    per-T fractions: SE = sd / sqrt(S), tolerance 4 SE (a false failure about 1 in 16,000
    for a normal mean). For large n a nonzero fraction is a rare event (about 3% of T's at
    n = 15), so S is large enough to see many of them, and the floor sqrt(p (1 - p) / S) is
    the largest SE any [0, 1]-valued fraction with mean p can have (Var f <= p (1 - p)).
    """
    S = 2000
    X = m.make_spiral(200, seed=0)
    fractions = np.array([m.collapsed_fraction(m.roundtrip(X, n, seed=10_000 + s))
                          for s in range(S)])
    p = m.theory_collapsed_fraction(n)
    se = fractions.std(ddof=1) / math.sqrt(S)
    if se == 0:
        se = math.sqrt(p * (1 - p) / S)
    assert abs(fractions.mean() - p) < 4 * se, (fractions.mean(), p, se)


def test_linear_recovers_input_exactly():
    for X in (m.make_spiral(400, seed=2), m.make_swiss_roll(300, seed=2)):
        for n in (X.shape[1], 5, 64):
            rt = m.roundtrip(X, n, activation="linear", seed=1)
            assert np.max(np.abs(rt.recovered - X)) < 1e-8


def test_every_activation_runs_and_relu_tends_to_half():
    X = m.make_spiral(300, seed=0)
    for act in m.ACTIVATIONS:
        rt = m.roundtrip(X, 16, activation=act, seed=0)
        assert rt.hidden.shape == (300, 16) and rt.recovered.shape == (300, 2)
        assert np.all(np.isfinite(rt.recovered)) and rt.active.shape == (300,)
        assert 0.0 <= m.collapsed_fraction(rt) <= 1.0
    fit = m.shape_fit(X, m.roundtrip(X, 256, seed=0).recovered)
    assert fit.scale == pytest.approx(0.5, abs=0.05) and fit.error < 0.15
    assert np.allclose(fit.rotation @ fit.rotation.T, np.eye(2))


def test_shape_fit_undoes_a_known_similarity():
    X = m.make_moons(200, seed=0)
    a = 0.7
    R = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    fit = m.shape_fit(X, 0.3 * X @ R + np.array([1.0, -2.0]))
    assert fit.scale == pytest.approx(0.3) and fit.error < 1e-12
    assert np.allclose(fit.rotation, R)
    assert m.trustworthiness(X, 0.3 * X @ R) == pytest.approx(1.0)


@pytest.mark.parametrize("call, words", [
    (lambda: m.roundtrip(m.make_spiral(10), 0), "n must be an integer >= 1"),
    (lambda: m.roundtrip(m.make_spiral(10), 2.5), "n must be an integer"),
    (lambda: m.roundtrip(m.make_spiral(10), 3, activation="sigmoid"), "allowed are relu"),
    (lambda: m.roundtrip(np.array([[0.0, np.nan]]), 3), "NaN"),
    (lambda: m.roundtrip(np.zeros(5), 3), "shape (N, d)"),
    (lambda: m.roundtrip(m.make_spiral(10), 3, T=np.ones((3, 3))), "T must have shape"),
    (lambda: m.shape_fit(m.make_spiral(10), m.make_swiss_roll(10)), "same shape"),
    (lambda: m.theory_collapsed_fraction(0), "n must be"),
    (lambda: m.theory_collapsed_fraction(3, d=0), "d must be"),
    (lambda: m.make_spiral(0), "n_points"),
    (lambda: m.make_spiral(10, noise=float("nan")), "noise"),
    (lambda: m.sample_input("torus", 10), "allowed are spiral"),
    (lambda: m.sweep(activation="nope"), "unknown activation"),
    (lambda: m.trustworthiness(m.make_spiral(10), m.make_spiral(10)), "more than"),
])
def test_bad_arguments_raise_value_error(call, words):
    with pytest.raises(ValueError, match=None) as info:
        call()
    assert words in str(info.value)


def test_neighbour_ranks_match_scikit_learn_without_ties():
    X = m.make_spiral(120, seed=3)
    ranks = m.NeighbourRanks(X)
    for n in (5, 30):  # no collapsed (tied) points at these widths
        Y = m.roundtrip(X, n, seed=n).recovered
        assert ranks.trustworthiness(Y, 5) == pytest.approx(m.trustworthiness(X, Y, n_neighbors=5), abs=1e-12)
    noisy = X + 0.05 * np.random.default_rng(0).standard_normal(X.shape)
    assert ranks.trustworthiness(noisy) == pytest.approx(m.trustworthiness(X, noisy), abs=1e-12)
    with pytest.raises(ValueError, match="same number of points"):
        ranks.trustworthiness(X[:50])
