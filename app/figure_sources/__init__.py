"""The figure sources: what computes each page's figures at the page's default settings, and
the list of them that ``python -m app.export``, presenter mode and the benches build from.

A figure source is a callable ``(lang: str, seed: int) -> list[FigureSpec]``. It reads the
page's defaults (``app.settings``), gets the numbers (on the Dask cluster through
``services.remote``, through the process's job queues ``services.jobs``, or in this process
for the torch-free ReLU page) and hands them to the page's spec builders in ``figures/``,
which only draw: numbers in, ``FigureSpec`` out. The sources live here, in ``app/``, because
they call ``services/`` and read the pages' settings, which ``figures/`` may not
(tests/test_layers.py); they are the same computations the pages make, at their defaults.

To add a page's figures, add ONE line to ``FIGURE_SOURCES``:

    lazy_source("app.figure_sources.block:figure_specs", prefix="block_"),

Sources are named by "module:function" and imported only when called, so importing this
package (as presenter mode does) never imports another page's computations.
"""
from __future__ import annotations

import importlib
from typing import Callable, Collection

from figures.catalog import FigureSpec

FigureSource = Callable[[str, int], "list[FigureSpec]"]


def lazy_source(target: str, prefix: str = "") -> FigureSource:
    """A figure source named "package.module:function", imported on first call.

    ``prefix`` is the start every one of its figure names shares ("relu_"): ``--only`` then
    builds only the sources that can hold a wanted name."""
    module_name, _, func_name = target.partition(":")
    if not module_name or not func_name:
        raise ValueError(f"a figure source is named 'module:function', got {target!r}")

    def source(lang: str, seed: int) -> list[FigureSpec]:
        return getattr(importlib.import_module(module_name), func_name)(lang, seed)

    source.__name__ = source.__qualname__ = target
    source.prefix = prefix
    return source


FIGURE_SOURCES: list[FigureSource] = [
    lazy_source("app.figure_sources.relu:figure_specs", prefix="relu_"),
    lazy_source("app.figure_sources.relu:frames_specs", prefix="relu_"),
    lazy_source("app.figure_sources.live:figure_specs", prefix="live_"),
    lazy_source("app.figure_sources.block:figure_specs", prefix="block_"),
    lazy_source("app.figure_sources.evidence:figure_specs", prefix="evidence_"),
]


def all_figure_specs(lang: str = "en", seed: int = 0, *,
                     progress: Callable[[int, int, str], None] | None = None,
                     only: Collection[str] = ()) -> list[FigureSpec]:
    """Every registered figure, in page order. Raises ValueError on duplicate names.

    ``only``: figure names wanted; sources whose prefix none of them has are not built (the
    caller still filters the returned specs). ``progress(i, n, source_name)`` is called after
    source i of n has built its figures."""
    sources = [s for s in FIGURE_SOURCES
               if not only or any(name.startswith(getattr(s, "prefix", "")) for name in only)]
    specs = []
    for i, source in enumerate(sources):
        specs.extend(source(lang, seed))
        if progress:
            progress(i, len(sources), source.__name__)
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"figure names must be unique, these repeat: {dupes}")
    return specs
