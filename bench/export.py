"""Benchmark: one Chromium session for every static file vs a Chromium launch per file.

    python bench/export.py [--formats png,svg,pdf] [--lang en|ko] [--only NAME,...]

``python -m app.export`` draws all PNG/SVG/PDF files in ONE Kaleido/Chromium session
(``figures.render.render_static``). The baseline is what a plain loop of
``fig.write_image(...)`` does with Kaleido 1.x, and what a download button in the app does:
launch Chromium, draw one file, close it (``figures.render.export_bytes``). A third run, one
session per figure (all its formats), is printed too. Figures are built once beforehand and
that time is not counted; all runs happen in this one process, one after the other, so the
ratios compare like with like on the same (shared) machine.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.figure_sources import all_figure_specs  # noqa: E402
from figures.render import STATIC_FORMATS, export_bytes, render_static, static_problem  # noqa: E402

SIGNATURES = {"png": b"\x89PNG", "pdf": b"%PDF-", "svg": b"<svg"}


def _check(jobs, images) -> None:
    for (spec, fmt), data in zip(jobs, images):
        if not data.lstrip().startswith(SIGNATURES[fmt]):
            raise SystemExit(f"{spec.name}.{fmt}: not a {fmt} file")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--formats", default=",".join(STATIC_FORMATS))
    p.add_argument("--lang", default="en", choices=("en", "ko"))
    p.add_argument("--only", default="", help="comma-separated figure names (default: all)")
    args = p.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    if any(f not in STATIC_FORMATS for f in formats):
        raise SystemExit(f"--formats: any of {','.join(STATIC_FORMATS)}")
    problem = static_problem(args.lang)
    if problem:
        raise SystemExit(problem)

    t0 = time.perf_counter()
    specs = all_figure_specs(args.lang, 0)
    if args.only:
        wanted = set(args.only.split(","))
        specs = [s for s in specs if s.name in wanted]
    jobs = [(spec, fmt) for spec in specs for fmt in formats]
    print(f"{len(specs)} figures x {len(formats)} formats = {len(jobs)} files "
          f"(figures built in {time.perf_counter() - t0:.1f} s, not counted)", flush=True)

    t0 = time.perf_counter()
    images = render_static(jobs, lang=args.lang)
    one_session = time.perf_counter() - t0
    _check(jobs, images)
    print(f"one session for all files:      {one_session:7.2f} s", flush=True)

    t0 = time.perf_counter()
    for spec in specs:
        _check([(spec, f) for f in formats], render_static([(spec, f) for f in formats], lang=args.lang))
    per_figure = time.perf_counter() - t0
    print(f"one session per figure:         {per_figure:7.2f} s", flush=True)

    t0 = time.perf_counter()
    for spec, fmt in jobs:
        _check([(spec, fmt)], [export_bytes(spec, fmt, args.lang)])
    per_file = time.perf_counter() - t0
    print(f"one session per file (baseline): {per_file:6.2f} s", flush=True)

    print(f"speed-up vs a launch per file:   {per_file / one_session:.1f}x")
    print(f"speed-up vs a launch per figure: {per_figure / one_session:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
