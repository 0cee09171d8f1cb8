"""The lecture's figures built (``figures.lecture.LECTURE`` names, for each slide, a figure and
the registered source in ``FIGURE_SOURCES`` that makes it): presenter mode, a live class and
``python -m app.export --deck`` draw exactly what the pages and the export draw.

Here rather than in ``figures.lecture`` because building a slide calls its figure source,
and the measured slides' texts wait for the default measurement (``services.jobs``); the
lecture itself (which slides, which texts) and the drawing stay in ``figures/``.
"""
from __future__ import annotations

from figures.catalog import FigureSpec
from figures.lecture import LECTURE, LECTURE_SEED, MEASURED, Slide, SlideUnavailable, pick

from . import FIGURE_SOURCES, FigureSource


def measured_text(slide: Slide, lang: str, seed: int = LECTURE_SEED) -> tuple[str, str]:
    """The lines of ``slide`` computed from the measurement its figure shows: (for the
    profile, where training lowers the dimension and where not; how many images and points
    stand behind each number); ('', '') for the other slides. Call once the slide's figure is
    built (the measurement is then done and shared)."""
    if slide.key not in MEASURED:
        return "", ""
    from figures.evidence_specs import slide_text
    from .evidence import default_results
    return slide_text(slide.key, default_results(seed), lang)


def registered_sources() -> dict[str, FigureSource]:
    """The registry's sources by their "module:function" name."""
    return {source.__name__: source for source in FIGURE_SOURCES}


def source_specs(target: str, lang: str, seed: int) -> list[FigureSpec]:
    """All figures of the registered source ``target`` (SlideUnavailable if unregistered)."""
    source = registered_sources().get(target)
    if source is None:
        raise SlideUnavailable(f"figure source {target!r} is not in "
                               "app.figure_sources.FIGURE_SOURCES")
    return source(lang, seed)


def slide_spec(slide: Slide, lang: str = "en", seed: int = LECTURE_SEED) -> FigureSpec:
    """The FigureSpec shown on ``slide`` (built by its registered source)."""
    return pick(source_specs(slide.source, lang, seed), slide)


def deck_pages(lang: str = "en", seed: int = LECTURE_SEED) -> list[list]:
    """The lecture as deck pages for ``figures.render.render_deck``: for each slide, its
    title band, its figure at 16:9 and its text band (``figures.slides.deck_page``). Each
    registered source is built once, however many slides it feeds; a slide whose figure is
    unavailable gets a page with its texts and a note."""
    from figures.slides import deck_page
    from i18n import t
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
