"""What the "ReLU and manifolds" page computes (paper Figure 1 and Appendix A), with
``manifolds`` in this process (numpy, no torch): the round trips pinv(T) act(T x) behind its
figures, the facts its texts depend on, and the information-loss sweep's arguments.
``figures.relu`` and ``figures.relu_frames`` draw what these return.

``s`` is the page's settings, read by attribute only (``figures.relu.ReluSettings``:
input_name, activation, n, n_points, noise, n_seeds, seed): services/ imports no figures/.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

import manifolds as m

GRID_NS = (2, 3, 5, 15, 30)
"""The widths of the paper's Figure 1."""
FRAME_NS = tuple(range(1, 65))
"""The widths with a frame in the slider figure: scrubbing above 64 is the server-side
slider's job."""
MAX_POINTS = 1000
"""Points drawn per frame (64 frames of 1000 points: about 0.37 MB of JSON); a larger sample
is thinned evenly along the manifold."""


def grid_seed(seed: int, n: int) -> int:
    """T's seed for width n: differs from the input's seed, same for the grid, the depth view
    and the frames so they agree at equal n."""
    return seed * 1000 + n


def can_collapse(activation: str) -> bool:
    """Whether ``activation`` can map a stretch of the manifold onto a line (ReLU, ReLU6);
    leaky ReLU, tanh, softplus, linear are one-to-one and GELU nearly so. The figures' and
    notes' wording ("collapsed" or not) follows it."""
    return activation in m.RELU_FAMILY


def input_dimension(input_name: str) -> int:
    """d, the dimension of the input manifold ``input_name`` (T is n x d)."""
    return m.sample_input(input_name, 8, seed=0).d


def _sample(s) -> m.Sample:
    return m.sample_input(s.input_name, s.n_points, noise=s.noise, seed=s.seed)


@dataclass(frozen=True)
class Grid:
    """Figure 1's numbers. sample: the input (X (N, d), position (N,) in [0, 1]).
    roundtrips: one ``manifolds.RoundTrip`` per width (its n, recovered (N, d), active (N,)).
    collapsed: (len(roundtrips),) each width's share of points with fewer than d active units."""
    sample: m.Sample
    roundtrips: tuple[m.RoundTrip, ...]
    collapsed: tuple[float, ...]


def grid_roundtrips(s, ns=GRID_NS) -> Grid:
    """The input sample and one round trip per width in ``ns`` (T seeded by ``grid_seed``)."""
    sample = _sample(s)
    rts = tuple(m.roundtrip(sample.X, n, activation=s.activation, seed=grid_seed(s.seed, n))
                for n in ns)
    return Grid(sample, rts, tuple(m.collapsed_fraction(rt) for rt in rts))


@dataclass(frozen=True)
class OneWidth:
    """One width n = ``s.n`` in depth. sample: the input. roundtrip: its round trip (recovered
    (N, d), active (N,), hidden (N, n)). hidden_pcs: (N, 3) the hidden layer on its top three
    principal components; explained: (3,) their shares of its variance. fit: the similarity
    fit of the recovered shape to the input (scale, error). collapsed: share of points with
    fewer than d active units."""
    sample: m.Sample
    roundtrip: m.RoundTrip
    hidden_pcs: np.ndarray
    explained: np.ndarray
    fit: m.ShapeFit
    collapsed: float


def one_width(s) -> OneWidth:
    """The round trip at ``s.n`` (seeded as the grid's), its hidden layer's PCA and shape fit."""
    sample = _sample(s)
    rt = m.roundtrip(sample.X, s.n, activation=s.activation, seed=grid_seed(s.seed, s.n))
    coords, explained = m.pca(rt.hidden, 3)
    return OneWidth(sample, rt, coords, explained, m.shape_fit(sample.X, rt.recovered),
                    m.collapsed_fraction(rt))


def sweep_arguments(s) -> dict:
    """``manifolds.sweep``'s arguments for the settings (n itself is not used: every n is
    swept); the page's sweep runs them on the Dask cluster (``services.remote.sweep``)."""
    return dict(input_name=s.input_name, ns=m.DEFAULT_NS, n_seeds=s.n_seeds, seed=s.seed,
                n_points=s.n_points, noise=s.noise, activation=s.activation)


def compute_sweep(s) -> m.SweepResult:
    """The information-loss sweep for the settings, in this process."""
    return m.sweep(**sweep_arguments(s))


def thinned(n_points: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """(min(n_points, max_points),) indices spread evenly over 0..n_points - 1. The inputs'
    points are in order along the manifold, so this keeps its whole length."""
    if n_points <= max_points:
        return np.arange(n_points)
    return np.unique(np.linspace(0, n_points - 1, max_points).round().astype(int))


@dataclass(frozen=True)
class FrameData:
    """The round trips behind the slider figure's frames. N points drawn (after thinning to
    at most ``max_points``), d = 2 or 3.

    keep: (N,) indices into the sample. position: (N,) in [0, 1]. ns: the widths.
    recovered: (len(ns), N, d) float, pinv(T) act(T x) of the drawn points for each width.
    collapsed: (len(ns),) share of all sample points with fewer than d active units.
    """
    keep: np.ndarray
    position: np.ndarray
    ns: tuple[int, ...]
    recovered: np.ndarray
    collapsed: np.ndarray
    max_points: int


def frames_data(s, ns=FRAME_NS, max_points: int = MAX_POINTS) -> FrameData:
    """One ``manifolds.roundtrip`` per width in ``ns``, seeded as the page's other views
    (input seed ``s.seed``, T's seed ``grid_seed(s.seed, n)``), so frame n is the one-width
    view's shape at n."""
    ns = tuple(int(n) for n in ns)
    if not ns or min(ns) < 1:
        raise ValueError(f"frame widths must be integers >= 1, got {ns}")
    sample = _sample(s)
    keep = thinned(len(sample.X), max_points)
    drawn, d = sample.X[keep], sample.X.shape[1]
    recovered, collapsed = [], []
    for n in ns:
        # Only the drawn points go there and back; the collapsed share counts all of them.
        T = m.gaussian_T(n, d, seed=grid_seed(s.seed, n))
        rt = m.roundtrip(drawn, n, activation=s.activation, T=T)
        recovered.append(rt.recovered)
        active = rt.active if len(drawn) == len(sample.X) else m.active_units(sample.X, T, s.activation)
        collapsed.append(float(np.mean(active < d)))
    return FrameData(keep, sample.position[keep], ns, np.stack(recovered), np.asarray(collapsed),
                     max_points)
