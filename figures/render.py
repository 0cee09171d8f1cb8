"""Turning a ``FigureSpec`` into files: PNG/SVG/PDF (Kaleido 1.x driving the system Chromium),
self-contained HTML (plotly.js inlined, nothing fetched) and CSV of the plotted data.

Used by ``python -m app.export`` and by the download buttons in the app. Nothing here touches
the network: Kaleido gets the plotly.js shipped with plotly and MathJax is off.
"""
from __future__ import annotations

import asyncio
import functools
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Callable, Sequence

from .catalog import FigureSpec
from i18n import t

STATIC_FORMATS = ("png", "svg", "pdf")
TEXT_FORMATS = ("html", "csv")
FORMATS = STATIC_FORMATS + TEXT_FORMATS
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
        "html": "text/html", "csv": "text/csv"}
INSTALL_HINT = "sudo apt-get install chromium fonts-nanum"
DEFAULT_WIDTH = 1400
DEFAULT_HEIGHT = 500
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


def _size(spec: FigureSpec) -> tuple[int, int]:
    layout = spec.figure.layout
    return int(layout.width or DEFAULT_WIDTH), int(layout.height or DEFAULT_HEIGHT)


def figure_html(spec: FigureSpec) -> str:
    """A standalone HTML page of the figure with plotly.js inlined (works offline, no external
    script). The plot's div id is derived from the figure's name, not random, so the same
    figure always gives the same bytes."""
    div_id = "figure-" + re.sub(r"[^a-z0-9_-]", "-", spec.name.lower())
    return spec.figure.to_html(full_html=True, include_plotlyjs=True, include_mathjax=False,
                               div_id=div_id, config={"displaylogo": False},
                               auto_play=False)   # a figure with frames opens at its slider's step


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


def render_static(jobs: Sequence[tuple[FigureSpec, str]], *, lang: str = "en",
                  progress: Callable[[int, FigureSpec, str], None] | None = None) -> list[bytes]:
    """PNG/SVG/PDF bytes for every (spec, format) in ``jobs``, drawn in ONE Chromium session
    (starting Chromium costs about a second; each figure then costs a fraction of that).

    ``progress(i, spec, fmt)`` is called when a job is done, i counting finished jobs from 0
    (two tabs draw side by side, so jobs may finish out of order). Raises
    StaticExportUnavailable (with the install command) when Chromium or, for Korean, a Hangul
    font is missing; ValueError for a format that is not png, svg or pdf.
    """
    for _, fmt in jobs:
        if fmt not in STATIC_FORMATS:
            raise ValueError(f"static formats are {', '.join(STATIC_FORMATS)}, got {fmt!r}")
    problem = static_problem(lang)
    if problem:
        raise StaticExportUnavailable(problem)
    if not jobs:
        return []
    import kaleido  # imported on use: the app should not pay for it on every page

    async def draw_all() -> list[bytes]:
        finished = 0
        # mathjax=False: Kaleido would otherwise load MathJax from a CDN.
        async with kaleido.Kaleido(n=min(TABS, len(jobs)), path=chromium_path(),
                                   mathjax=False) as k:
            async def draw(spec: FigureSpec, fmt: str) -> bytes:
                nonlocal finished
                width, height = _size(spec)
                opts = dict(format=fmt, width=width, height=height,
                            scale=PNG_SCALE if fmt == "png" else 1)
                data = await k.calc_fig(spec.figure, opts=opts)
                finished += 1
                if progress:
                    progress(finished - 1, spec, fmt)
                return data

            # gather keeps the order of jobs; the tabs take them as they come free.
            return list(await asyncio.gather(*(draw(spec, fmt) for spec, fmt in jobs)))

    return _run_in_thread(draw_all)


def export_bytes(spec: FigureSpec, fmt: str, lang: str = "en") -> bytes:
    """One format of one figure (a Chromium session of its own for the static formats)."""
    if fmt in TEXT_FORMATS:
        return text_export(spec, fmt)
    return render_static([(spec, fmt)], lang=lang)[0]


def file_name(spec: FigureSpec, fmt: str, lang: str) -> str:
    return f"{spec.name}_{lang}.{fmt}"


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
