"""The ReLU page's figure sources: its figures computed in this process (``services.relu``:
``manifolds``, no torch) and drawn by ``figures.relu`` and ``figures.relu_frames``.

The ``*_figure`` helpers (compute, then draw) take any settings; the page caches them
(``app/relu_sections.py``), the tests and the benches call them. ``figure_specs`` and
``frames_specs`` are the export's and presenter mode's, at the page's defaults
(``app.settings.relu``).
"""
from __future__ import annotations

from app.settings.relu import default_settings
from figures.catalog import FigureSpec
from figures.relu import ReluSettings, depth_spec, grid_spec, loss_spec, page_notes
from figures.relu_frames import frames_spec
from services import relu


def notes(s: ReluSettings, lang: str = "en") -> dict[str, str]:
    """The page's explanations for ``s`` (``figures.relu.page_notes``) with the input's d and
    whether the activation can collapse."""
    return page_notes(s, relu.input_dimension(s.input_name), lang,
                      collapses=relu.can_collapse(s.activation))


def grid_figure(s: ReluSettings, lang: str = "en", ns=relu.GRID_NS) -> FigureSpec:
    """Figure 1's grid: the input and one round trip per width in ``ns``."""
    return grid_spec(s, relu.grid_roundtrips(s, ns), lang,
                     collapses=relu.can_collapse(s.activation))


def depth_figure(s: ReluSettings, lang: str = "en") -> FigureSpec:
    """The one-width view at ``s.n``."""
    return depth_spec(s, relu.one_width(s), lang)


def loss_figure(s: ReluSettings, lang: str = "en", sweep=None) -> FigureSpec:
    """The information loss against n, from ``sweep`` (a ``manifolds.SweepResult``, say the
    cluster's) or, when None, the sweep computed here (``services.relu.compute_sweep``)."""
    r = relu.compute_sweep(s) if sweep is None else sweep
    return loss_spec(s, r, lang, collapses=relu.can_collapse(s.activation))


def frames_figure(s: ReluSettings, lang: str = "en", ns=relu.FRAME_NS,
                  max_points: int = relu.MAX_POINTS, data=None) -> FigureSpec:
    """The slider figure: one frame per width in ``ns``, at most ``max_points`` points drawn,
    opening at ``s.n``. ``data``: ``services.relu.frames_data`` of ``s`` computed before (it
    does not depend on ``s.n``), else computed here."""
    return frames_spec(s, relu.frames_data(s, ns, max_points) if data is None else data, lang)


def figure_specs(lang: str = "en", seed: int = 0) -> list[FigureSpec]:
    """The page's three figures at its default settings: Figure 1's grid, one width in depth,
    and the information loss against n (the 10-seed sweep)."""
    s = default_settings(seed)
    return [grid_figure(s, lang), depth_figure(s, lang), loss_figure(s, lang)]


def frames_specs(lang: str = "en", seed: int = 0) -> list[FigureSpec]:
    """The n = 1..64 slider figure at the page's defaults."""
    return [frames_figure(default_settings(seed), lang)]
