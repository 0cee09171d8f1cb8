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
    Slide("profile", "evidence_profile", "figures.evidence_specs:figure_specs"),
    Slide("figure7", "evidence_figure7", "figures.evidence_specs:figure_specs"),
    Slide("recovery", "evidence_recovery", "figures.evidence_specs:figure_specs"),
    Slide("ablation", "block_ablation_curves", "figures.block_specs:figure_specs"),
)


# The seed every slide is built with: the lecture is the same deck on every screen, in presenter
# mode (where the sidebar, and the seed a visitor set there, is hidden) and in
# ``python -m app.export --deck`` at its default seed. One seed also means the slides are built
# once per language for a whole class, not once per visitor.
LECTURE_SEED = 0


# Slides whose figures are a data-set measurement: their text adds what was measured.
MEASURED = ("profile", "figure7", "recovery")


def measured_text(slide: Slide, lang: str, seed: int = LECTURE_SEED) -> tuple[str, str]:
    """The lines of ``slide`` computed from the measurement its figure shows: (for the
    profile, where training lowers the dimension and where not; how many images and points
    stand behind each number); ('', '') for the other slides. Call once the slide's figure is
    built (the measurement is then done and shared)."""
    if slide.key not in MEASURED:
        return "", ""
    from .evidence_specs import default_results, slide_text
    return slide_text(slide.key, default_results(seed), lang)


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


def slide_spec(slide: Slide, lang: str = "en", seed: int = LECTURE_SEED) -> FigureSpec:
    """The FigureSpec shown on ``slide`` (built by its registered source)."""
    return pick(source_specs(slide.source, lang, seed), slide)


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


def deck_pages(lang: str = "en", seed: int = LECTURE_SEED) -> list[list]:
    """The lecture as deck pages for ``figures.render.render_deck``: for each slide, its
    title band, its figure at 16:9 and its text band (``figures.slides.deck_page``). Each
    registered source is built once, however many slides it feeds; a slide whose figure is
    unavailable gets a page with its texts and a note."""
    from i18n import t
    from .slides import deck_page
    built: dict[str, list[FigureSpec] | None] = {}
    pages = []
    for slide in LECTURE:
        if slide.source not in built:
            try:
                built[slide.source] = source_specs(slide.source, lang, seed)
            except SlideUnavailable:
                built[slide.source] = None
        try:
            spec = pick(built[slide.source], slide) if built[slide.source] is not None else None
        except SlideUnavailable:
            spec = None
        text = t(f"lecture.{slide.key}.text", lang)
        if spec is None:
            text = f"{text}\n{t('deck.no_figure', lang)}"
        else:
            text = "\n".join(line for line in (text, *measured_text(slide, lang, seed)) if line)
        text = text.replace("**", "")
        pages.append(deck_page(spec, t(f"lecture.{slide.key}.title", lang), text))
    return pages
