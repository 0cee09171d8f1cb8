"""The ReLU page's figure sources: its figures at the page's defaults (``app.settings.relu``),
computed in this process (``manifolds``, no torch), drawn by ``figures.relu`` and
``figures.relu_frames``."""
from __future__ import annotations

from app.settings.relu import default_settings
from figures.catalog import FigureSpec
from figures.relu import compute_sweep, depth_spec, grid_spec, loss_spec
from figures.relu_frames import frames_spec


def figure_specs(lang: str = "en", seed: int = 0) -> list[FigureSpec]:
    """The page's three figures at its default settings: Figure 1's grid, one width in depth,
    and the information loss against n (the 10-seed sweep)."""
    s = default_settings(seed)
    return [grid_spec(s, lang), depth_spec(s, lang), loss_spec(s, compute_sweep(s), lang)]


def frames_specs(lang: str = "en", seed: int = 0) -> list[FigureSpec]:
    """The n = 1..64 slider figure at the page's defaults."""
    return [frames_spec(default_settings(seed), lang)]
