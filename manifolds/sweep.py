"""Information loss against width n, averaged over seeds (the page's third figure)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_count
from .inputs import sample_input
from .measures import NeighbourRanks, collapsed_fraction, shape_fit, theory_collapsed_fraction
from .roundtrip import check_activation, roundtrip

DEFAULT_NS = (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 50, 100, 256)


@dataclass(frozen=True)
class SweepResult:
    """Measures for every (seed, n). ns: (K,). seeds: (S,). Each measure is (S, K):
    collapsed (collapsed fraction), shape_error and scale (from ``shape_fit``), trust
    (trustworthiness on at most ``trust_points`` points). theory: (K,) for the input's d."""
    ns: np.ndarray
    seeds: np.ndarray
    d: int
    collapsed: np.ndarray
    shape_error: np.ndarray
    scale: np.ndarray
    trust: np.ndarray
    theory: np.ndarray

    def mean(self, measure: str) -> np.ndarray:
        """(K,) mean over seeds of ``measure`` (collapsed, shape_error, scale, trust)."""
        return getattr(self, measure).mean(axis=0)

    def std(self, measure: str) -> np.ndarray:
        """(K,) standard deviation over seeds (ddof=1; 0 with one seed)."""
        values = getattr(self, measure)
        return values.std(axis=0, ddof=1) if values.shape[0] > 1 else np.zeros(values.shape[1])


def sweep(input_name: str = "spiral", *, ns=DEFAULT_NS, n_seeds: int = 10, seed: int = 0,
          n_points: int = 1000, noise: float = 0.0, activation: str = "relu",
          trust_points: int = 300, n_neighbors: int = 10) -> SweepResult:
    """Round-trip a fresh input sample and a fresh Gaussian T for each of ``n_seeds`` seeds
    (seed, seed + 1, ...) and each width in ``ns``; measure every pair.

    Trustworthiness costs O(N^2), so it uses the first ``trust_points`` points of a random
    permutation (scikit-learn's formula via ``NeighbourRanks``); the
    other measures use all points.
    """
    n_seeds = check_count("n_seeds", n_seeds)
    trust_points = check_count("trust_points", trust_points, lo=2 * n_neighbors + 1)
    check_activation(activation)
    ns = np.array([check_count("n", n) for n in ns], dtype=int)
    if ns.size == 0:
        raise ValueError("ns must hold at least one width n >= 1")
    seeds = np.arange(seed, seed + n_seeds)
    shape = (n_seeds, ns.size)
    collapsed, error, scale, trust = (np.empty(shape) for _ in range(4))
    for i, s in enumerate(seeds):
        sample = sample_input(input_name, n_points, noise=noise, seed=int(s))
        pick = np.random.default_rng(int(s)).permutation(n_points)[:trust_points]
        ranks = NeighbourRanks(sample.X[pick])  # X's ranks once per seed, reused for every n
        for k, n in enumerate(ns):
            # T's seed differs from the input's so the two draws are independent.
            rt = roundtrip(sample.X, int(n), activation=activation, seed=int(s) + 7919 * (k + 1))
            fit = shape_fit(sample.X, rt.recovered)
            collapsed[i, k] = collapsed_fraction(rt)
            error[i, k], scale[i, k] = fit.error, fit.scale
            trust[i, k] = ranks.trustworthiness(rt.recovered[pick], n_neighbors=n_neighbors)
    d = sample.d
    theory = np.array([theory_collapsed_fraction(int(n), d) for n in ns])
    return SweepResult(ns=ns, seeds=seeds, d=d, collapsed=collapsed, shape_error=error,
                       scale=scale, trust=trust, theory=theory)


def join(results: list[SweepResult]) -> SweepResult:
    """One ``SweepResult`` from sweeps of the same widths over different seeds (in order):
    what one ``sweep`` over all those seeds returns."""
    if not results:
        raise ValueError("no sweeps to join")
    first = results[0]
    for r in results[1:]:
        if not np.array_equal(r.ns, first.ns) or r.d != first.d:
            raise ValueError("sweeps over different widths or inputs cannot be joined")
    stack = (lambda name: np.concatenate([getattr(r, name) for r in results]))
    return SweepResult(ns=first.ns, seeds=stack("seeds"), d=first.d, collapsed=stack("collapsed"),
                       shape_error=stack("shape_error"), scale=stack("scale"),
                       trust=stack("trust"), theory=first.theory)
