"""The prepared lecture that presenter mode steps through: its slides, and how a slide's
figure is drawn on a projector.

Each slide names one registered figure (a ``FigureSpec.name``) and, by its "module:function"
name, the figure source in ``app.figure_sources.FIGURE_SOURCES`` that makes it, so presenter
mode draws exactly what the pages and ``python -m app.export`` draw: there is no figure code
here, and nothing here computes (building a slide is ``app.figure_sources.lecture``). Slide
texts are the strings ``lecture.<key>.title`` and ``lecture.<key>.text`` in
``i18n/strings/classroom.py``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .catalog import FigureSpec


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
    Slide("figure1", "relu_figure1", "app.figure_sources.relu:figure_specs"),
    Slide("collapse", "relu_information_loss", "app.figure_sources.relu:figure_specs"),
    Slide("block", "block_table1", "app.figure_sources.block:figure_specs"),
    Slide("profile", "evidence_profile", "app.figure_sources.evidence:figure_specs"),
    Slide("figure7", "evidence_figure7", "app.figure_sources.evidence:figure_specs"),
    Slide("recovery", "evidence_recovery", "app.figure_sources.evidence:figure_specs"),
    Slide("ablation", "block_ablation_curves", "app.figure_sources.block:figure_specs"),
)


# The seed every slide is built with: the lecture is the same deck on every screen, in presenter
# mode (where the sidebar, and the seed a visitor set there, is hidden) and in
# ``python -m app.export --deck`` at its default seed. One seed also means the slides are built
# once per language for a whole class, not once per visitor.
LECTURE_SEED = 0


# Slides whose figures are a data-set measurement: their text adds what was measured.
MEASURED = ("profile", "figure7", "recovery")


class SlideUnavailable(LookupError):
    """The slide's figure source is not registered (yet) or does not make its figure."""


def pick(specs: list[FigureSpec], slide: Slide) -> FigureSpec:
    """The slide's figure among ``specs`` (SlideUnavailable when it is not there)."""
    for spec in specs:
        if spec.name == slide.figure:
            return spec
    raise SlideUnavailable(f"{slide.source} makes no figure named {slide.figure!r}; it makes "
                           f"{', '.join(s.name for s in specs) or 'none'}")


PROJECTION_SCALE = 4 / 3
"""Chart text in presenter mode: the page's 12 px type becomes 16 px (at least 14 px at 1280
wide, the issue-9 minimum for a projector) without running Figure 1's panel titles together."""


def for_projection(figure, *, scale: float = PROJECTION_SCALE, height: int | None = None):
    """A copy of ``figure`` with every text ``scale`` times larger, for a projector at the back
    of a room. ``height`` None leaves the height to the page (presenter mode sizes the chart to
    the window with CSS); a number fixes it. The page's (cached) figure is left untouched."""
    import plotly.graph_objects as go
    from .slides import scale_text
    if scale <= 0 or (height is not None and height <= 0):
        raise ValueError(f"scale and height must be positive, got {scale}, {height}")
    fig = scale_text(go.Figure(figure), scale)
    fig.update_layout(height=height, autosize=height is None)
    return fig
