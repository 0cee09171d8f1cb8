"""The prepared lecture that presenter mode steps through, built from the figure registry.

Each slide names one registered figure (a ``FigureSpec.name``) and the figure source in
``figures.catalog.FIGURE_SOURCES`` that makes it, so presenter mode draws exactly what the
pages and ``python -m app.export`` draw: there is no figure code here. Slide texts are the
strings ``lecture.<key>.title`` and ``lecture.<key>.text`` in ``i18n/strings/classroom.py``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .catalog import FIGURE_SOURCES, FigureSource, FigureSpec


@dataclass(frozen=True)
class Slide:
    """One screen of the lecture: ``key`` for its texts, ``figure`` the FigureSpec name,
    ``source`` the "module:function" of the registered figure source that builds it."""
    key: str
    figure: str
    source: str


# The lecture of issue 5: Figure 1, the collapse curve, the block, the dimension profile,
# the ablation (paper §3.2 / Figure 1, Appendix A, Table 1, §6 and Figure 6a).
LECTURE: tuple[Slide, ...] = (
    Slide("figure1", "relu_figure1", "figures.relu:figure_specs"),
    Slide("collapse", "relu_information_loss", "figures.relu:figure_specs"),
    Slide("block", "block_table1", "figures.block_specs:figure_specs"),
    Slide("profile", "live_profile", "figures.live_specs:figure_specs"),
    Slide("ablation", "block_ablation_curves", "figures.block_specs:figure_specs"),
)


class SlideUnavailable(LookupError):
    """The slide's figure source is not registered (yet) or does not make its figure."""


def registered_sources() -> dict[str, FigureSource]:
    """The registry's sources by their "module:function" name."""
    return {source.__name__: source for source in FIGURE_SOURCES}


def source_specs(target: str, lang: str, seed: int) -> list[FigureSpec]:
    """All figures of the registered source ``target`` (SlideUnavailable if unregistered)."""
    source = registered_sources().get(target)
    if source is None:
        raise SlideUnavailable(f"figure source {target!r} is not in figures.catalog.FIGURE_SOURCES")
    return source(lang, seed)


def pick(specs: list[FigureSpec], slide: Slide) -> FigureSpec:
    """The slide's figure among ``specs`` (SlideUnavailable when it is not there)."""
    for spec in specs:
        if spec.name == slide.figure:
            return spec
    raise SlideUnavailable(f"{slide.source} makes no figure named {slide.figure!r}; it makes "
                           f"{', '.join(s.name for s in specs) or 'none'}")


def slide_spec(slide: Slide, lang: str = "en", seed: int = 0) -> FigureSpec:
    """The FigureSpec shown on ``slide`` (built by its registered source)."""
    return pick(source_specs(slide.source, lang, seed), slide)


def for_projection(figure, *, scale: float = 1.5, height: int = 640):
    """A copy of ``figure`` with every text ``scale`` times larger and the given height, for a
    projector at the back of a room. The page's (cached) figure is left untouched."""
    import plotly.graph_objects as go
    if scale <= 0 or height <= 0:
        raise ValueError(f"scale and height must be positive, got {scale}, {height}")
    fig = go.Figure(figure)
    base = fig.layout.font.size or 12
    fig.update_layout(font=dict(size=round(base * scale)), height=height)
    if fig.layout.title.font.size:
        fig.layout.title.font.size = round(fig.layout.title.font.size * scale)
    else:
        fig.layout.title.font.size = round(17 * scale)
    # Larger titles need more room above the plot.
    fig.layout.margin.t = round((fig.layout.margin.t or 80) * scale)
    for annotation in fig.layout.annotations:
        annotation.font.size = round((annotation.font.size or base) * scale)
    return fig
