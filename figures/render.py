"""Turning a ``FigureSpec`` into files: PNG/SVG/PDF (Kaleido 1.x driving the system Chromium),
self-contained HTML (plotly.js inlined, nothing fetched) and CSV of the plotted data.

Used by ``python -m app.export`` and by the download buttons in the app. Nothing here touches
the network: Kaleido gets the plotly.js shipped with plotly and MathJax is off.
"""
from __future__ import annotations

import asyncio
import functools
import html
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Callable, Sequence

import plotly.graph_objects as go

from .catalog import FigureSpec
from .slides import ASPECTS, PAGE_SIZE, captioned, figure_size, for_aspect, legend_clear_of_bottom
from .stack import pdf_pages, stack
from i18n import t

STATIC_FORMATS = ("png", "svg", "pdf")
TEXT_FORMATS = ("html", "csv")
FORMATS = STATIC_FORMATS + TEXT_FORMATS
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
        "html": "text/html", "csv": "text/csv"}
INSTALL_HINT = "sudo apt-get install chromium fonts-nanum"
DEFAULT_WIDTH, DEFAULT_HEIGHT = PAGE_SIZE   # a figure without its own size
PNG_SCALE = 2   # slides are projected large: twice the CSS pixels
# Kaleido reloads a tab (plotly.js again) after every figure: with two tabs one draws while the
# other reloads, about 15% faster for the whole export on 2 cores (three gained nothing more).
TABS = 2


class StaticExportUnavailable(RuntimeError):
    """PNG/SVG/PDF cannot be drawn here (no Chromium, or no Hangul font for Korean)."""


def chromium_path() -> str | None:
    """The Chromium Kaleido should drive: $BROWSER_PATH (choreographer's own variable) when
    set, and then only it; else Debian's /usr/bin/chromium, else ``chromium`` on PATH. None
    when there is none."""
    def usable(path):
        return bool(path) and os.path.isfile(path) and os.access(path, os.X_OK)

    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if usable(explicit) else None
    # Checked in order, PATH searched only when needed: the app asks on every rerun.
    if usable("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    found = shutil.which("chromium")
    return found if usable(found) else None


@functools.lru_cache(maxsize=1)
def hangul_font_installed() -> bool:
    """True when fontconfig knows a font covering Korean (``fc-list :lang=ko``)."""
    try:
        out = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and bool(out.stdout.strip())


def static_problem(lang: str = "en") -> str | None:
    """Why PNG/SVG/PDF cannot be made here for ``lang`` (a message saying how to fix it in
    that language), or None when they can."""
    if chromium_path() is None:
        return t("export.no_chromium", lang)
    if lang == "ko" and not hangul_font_installed():
        return t("downloads.no_font", lang)
    return None


def figure_html(spec: FigureSpec) -> str:
    """A standalone HTML page of the figure with plotly.js inlined (works offline, no external
    script). The plot's div id is derived from the figure's name, not random, so the same
    figure always gives the same bytes."""
    div_id = "figure-" + re.sub(r"[^a-z0-9_-]", "-", spec.name.lower())
    page = spec.figure.to_html(full_html=True, include_plotlyjs=True, include_mathjax=False,
                               div_id=div_id, config={"displaylogo": False},
                               auto_play=False)   # a figure with frames opens at its slider's step
    # A browser tab (and a slide tool importing the file) shows the caption, as text.
    title = f"<title>{html.escape(spec.caption or spec.name)}</title>"
    return page.replace("<head>", "<head>\n    " + title, 1)


def figure_csv(spec: FigureSpec) -> str:
    """The figure's plotted data as CSV (header row, no index, '\\n' line ends)."""
    return spec.data.to_csv(index=False, lineterminator="\n")


def text_export(spec: FigureSpec, fmt: str) -> bytes:
    """HTML or CSV bytes (UTF-8) of the figure."""
    if fmt == "html":
        return figure_html(spec).encode("utf-8")
    if fmt == "csv":
        return figure_csv(spec).encode("utf-8")
    raise ValueError(f"text formats are {', '.join(TEXT_FORMATS)}, got {fmt!r}")


def _run_in_thread(coro_factory: Callable):
    """asyncio.run in a fresh thread: the caller may already run an event loop (Streamlit)."""
    box: dict = {}

    def target():
        try:
            box["value"] = asyncio.run(coro_factory())
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = e

    thread = threading.Thread(target=target, name="kaleido-export")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


def _draw(jobs: Sequence[tuple[go.Figure, str]], lang: str,
          done: Callable[[int], None] | None = None) -> list[bytes]:
    """Bytes of every (figure, format) in ``jobs`` drawn in ONE Chromium session, in order;
    ``done(j)`` after job j is drawn."""
    problem = static_problem(lang)
    if problem:
        raise StaticExportUnavailable(problem)
    if not jobs:
        return []
    import kaleido  # imported on use: the app should not pay for it on every page

    async def draw_all() -> list[bytes]:
        # mathjax=False: Kaleido would otherwise load MathJax from a CDN.
        async with kaleido.Kaleido(n=min(TABS, len(jobs)), path=chromium_path(),
                                   mathjax=False) as k:
            async def draw(j: int, fig: go.Figure, fmt: str) -> bytes:
                fig = legend_clear_of_bottom(fig)
                width, height = figure_size(fig)
                opts = dict(format=fmt, width=width, height=height,
                            scale=PNG_SCALE if fmt == "png" else 1)
                data = await k.calc_fig(fig, opts=opts)
                if done:
                    done(j)
                return data

            # gather keeps the order of jobs; the tabs take them as they come free.
            return list(await asyncio.gather(*(draw(j, fig, fmt)
                                               for j, (fig, fmt) in enumerate(jobs))))

    return _run_in_thread(draw_all)


def render_static(jobs: Sequence[tuple[FigureSpec, str]], *, lang: str = "en",
                  progress: Callable[[int, FigureSpec, str], None] | None = None,
                  caption: bool = False) -> list[bytes]:
    """PNG/SVG/PDF bytes for every (spec, format) in ``jobs``, drawn in ONE Chromium session
    (starting Chromium costs about a second; each figure then costs a fraction of that).

    ``caption``: the caption and its source (paper section, settings) in a band under the
    chart, in the file itself. ``progress(i, spec, fmt)`` is called when a job is done, i
    counting finished jobs from 0 (two tabs draw side by side, so jobs may finish out of
    order). Raises StaticExportUnavailable (with the install command) when Chromium or, for
    Korean, a Hangul font is missing; ValueError for a format that is not png, svg or pdf.
    """
    for _, fmt in jobs:
        if fmt not in STATIC_FORMATS:
            raise ValueError(f"static formats are {', '.join(STATIC_FORMATS)}, got {fmt!r}")
    parts = [captioned(spec, lang) if caption else [spec.figure] for spec, _ in jobs]
    flat = [(fig, fmt) for figs, (_, fmt) in zip(parts, jobs) for fig in figs]
    owner = [i for i, figs in enumerate(parts) for _ in figs]
    left = [len(figs) for figs in parts]
    finished = 0

    def done(j: int) -> None:
        nonlocal finished
        left[owner[j]] -= 1
        if left[owner[j]] == 0:
            finished += 1
            if progress:
                progress(finished - 1, *jobs[owner[j]])

    drawn = _draw(flat, lang, done)
    out, at = [], 0
    for figs, (_, fmt) in zip(parts, jobs):
        out.append(stack(drawn[at:at + len(figs)], fmt))
        at += len(figs)
    return out


def render_deck(pages: Sequence[Sequence[go.Figure]], lang: str = "en") -> bytes:
    """One PDF with a page per entry of ``pages`` (each a list of figures stacked top to
    bottom, e.g. ``figures.slides.deck_page``), drawn in one Chromium session, titled in
    ``lang`` in its metadata."""
    flat = [(fig, "pdf") for figs in pages for fig in figs]
    drawn = _draw(flat, lang)
    grouped, at = [], 0
    for figs in pages:
        grouped.append(drawn[at:at + len(figs)])
        at += len(figs)
    return pdf_pages(grouped, title=t("deck.title", lang))


def export_bytes(spec: FigureSpec, fmt: str, lang: str = "en", *, aspect: str = "page",
                 caption: bool = False) -> bytes:
    """One format of one figure, laid out for ``aspect`` (figures.slides.ASPECTS), with the
    caption band when ``caption`` (static formats). A Chromium session of its own for
    PNG/SVG/PDF."""
    spec = for_aspect(spec, aspect)
    if fmt in TEXT_FORMATS:
        return text_export(spec, fmt)
    return render_static([(spec, fmt)], lang=lang, caption=caption)[0]


def file_name(spec: FigureSpec, fmt: str, lang: str, aspect: str = "page") -> str:
    """``<figure>_<lang>.<fmt>``, with ``_16x9`` before the extension for a slide layout."""
    if aspect not in ASPECTS:
        raise ValueError(f"aspect must be one of {', '.join(ASPECTS)}, got {aspect!r}")
    suffix = "" if aspect == "page" else "_" + aspect.replace(":", "x")
    return f"{spec.name}_{lang}{suffix}.{fmt}"


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
