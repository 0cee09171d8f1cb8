"""Write every registered figure to files: ``python -m app.export --out DIR``.

    python -m app.export --out DIR [--formats png,svg,pdf,html,csv] [--lang en|ko]
                         [--seed N] [--only NAME,...] [--aspect page|16:9] [--caption]
    python -m app.export --deck OUT.pdf [--lang en|ko] [--seed N]

Figures come from the sources in ``app/figure_sources/`` (each page adds one line there). Files
are named ``<figure>_<lang>.<format>`` (``<figure>_<lang>_16x9.<format>`` with --aspect 16:9,
re-laid out at 1600 x 900 for a slide); ``manifest_<lang>.json`` (``manifest_<lang>_16x9.json``)
lists each figure's name, caption, parameters and files, so runs in two languages into one
folder keep both. --caption puts the caption and its source (paper section, settings) in a
band under each PNG/SVG/PDF. --deck writes the presenter sequence (figures/lecture.py) as one
PDF, a page per slide with its title and text. PNG/SVG/PDF are drawn in one Chromium session for all figures. Without
Chromium (or, for Korean, without a Hangul font) the static formats fail with the command that
installs them, HTML and CSV are still written, and the exit status is 1.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from runtime import configure

configure()  # the app's thread policy, so exported numbers are the page's to the last digit

from app.figure_sources import FIGURE_SOURCES, all_figure_specs  # noqa: E402
from figures.render import (FORMATS, STATIC_FORMATS, StaticExportUnavailable,  # noqa: E402
                            file_name, render_static, text_export, write_file)
from figures.slides import ASPECTS, for_aspect, source_line  # noqa: E402
from i18n import LANGS  # noqa: E402


def manifest_file(lang: str, aspect: str = "page") -> str:
    """``manifest_<lang>.json``, ``manifest_<lang>_16x9.json``: one per language and layout,
    so that runs into one folder in another language or layout keep each other's."""
    return f"manifest_{lang}{'' if aspect == 'page' else '_' + aspect.replace(':', 'x')}.json"


def progress_bar(done: int, total: int, width: int = 20) -> str:
    """A text progress bar, e.g. ``[#####...............]  3/12`` (one line per step, so it
    reads well in a terminal, a CI log and a file alike)."""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:>{len(str(total))}}/{total}"


def _formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise argparse.ArgumentTypeError(
            f"unknown format(s) {', '.join(bad) or '(none)'}: allowed are {', '.join(FORMATS)}")
    return list(dict.fromkeys(formats))


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be an integer 0..2**31-1, got {text!r}") from None
    if not 0 <= value < 2**31:
        raise argparse.ArgumentTypeError(f"seed must be an integer 0..2**31-1, got {value}")
    return value


def unwritable_reason(out: Path) -> str:
    """'' when files can be written into the folder ``out`` (created if missing), else why
    not, in one line: checked before any figure is built."""
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file, not a folder"
    existing = next((p for p in out.parents if p.exists()), None)
    if existing is not None and not existing.is_dir():
        return f"--out {out} is under {existing}, which is a file, not a folder"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        return f"cannot write into --out {out}: {exc.strerror or exc}"
    return ""


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m app.export", description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, help="folder to write into (created)")
    p.add_argument("--deck", type=Path, help="write the lecture as one PDF here instead")
    p.add_argument("--aspect", choices=ASPECTS, default="page",
                   help="page: as the app draws it (default); 16:9: laid out for a slide")
    p.add_argument("--caption", action="store_true",
                   help="caption and source inside the PNG/SVG/PDF, in a band under the chart")
    p.add_argument("--formats", type=_formats, default=list(FORMATS),
                   help=f"comma-separated, any of {','.join(FORMATS)} (default: all)")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of texts (default en)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--only", default="", help="comma-separated figure names to export (default all)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="a Dask scheduler (tcp://HOST:8786) for the torch work (default: "
                        "$MANIFOLD_LAB_SCHEDULER, else an embedded cluster)")
    args = p.parse_args(argv)
    if (args.out is None) == (args.deck is None):
        p.error("give either --out DIR (figure files) or --deck OUT.pdf (the lecture)")
    return args


def write_deck(path: Path, lang: str, seed: int, say) -> int:
    """The lecture as one PDF at ``path``: 0, or 1 with a one-line error without Chromium."""
    from app.figure_sources.lecture import deck_pages
    from figures.lecture import LECTURE
    from figures.render import render_deck, static_problem
    problem = static_problem(lang)
    if problem:
        say(f"error: deck not written: {problem}")
        return 1
    if path.suffix.lower() != ".pdf":
        say(f"error: --deck {path} must name a .pdf file")
        return 2
    problem = unwritable_reason(path.parent)
    if problem:
        say(f"error: {problem}")
        return 2
    started = time.perf_counter()
    say(f"Building the lecture's {len(LECTURE)} slides (lang={lang}, seed={seed})…")
    pages = deck_pages(lang, seed)
    say("Drawing the pages in one Chromium session…")
    try:
        data = render_deck(pages, lang)
    except StaticExportUnavailable as e:
        say(f"error: deck not written: {e}")
        return 1
    write_file(path, data)
    say(f"Wrote {path} ({len(pages)} pages) in {time.perf_counter() - started:.1f} s")
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    def say(msg: str) -> None:
        """Progress line by line on stdout; errors on stderr, as the other command lines."""
        print(msg, file=sys.stderr if msg.startswith("error:") else sys.stdout, flush=True)
    from services import cluster
    cluster.use(args.scheduler)
    try:
        cluster.client()
    except cluster.SchedulerUnreachable as exc:
        say(f"error: {exc}")
        return 1
    if args.deck is not None:
        return write_deck(args.deck, args.lang, args.seed, say)
    made = not args.out.exists()          # taken back if nothing is written into it
    problem = unwritable_reason(args.out)
    if problem:
        say(f"error: {problem}")
        return 2
    started = time.perf_counter()
    say(f"Building figures (lang={args.lang}, seed={args.seed})…")
    wanted = [n.strip() for n in args.only.split(",") if n.strip()]
    specs = all_figure_specs(args.lang, args.seed, only=wanted,
                             progress=lambda i, n, name: say(f"  {progress_bar(i + 1, n)} {name}"))
    if wanted:
        unknown = sorted(set(wanted) - {s.name for s in specs})
        if unknown:
            known = ", ".join(s.name for s in specs) or "none with these prefixes"
            say(f"error: unknown figure name(s) {', '.join(unknown)}; known here: {known} "
                f"(names start with {', '.join(dict.fromkeys(src.prefix for src in FIGURE_SOURCES))})")
            if made and not any(args.out.iterdir()):
                args.out.rmdir()
            return 2
        specs = [s for s in specs if s.name in wanted]
    specs = [for_aspect(s, args.aspect) for s in specs]
    name_of = lambda spec, fmt: file_name(spec, fmt, args.lang, args.aspect)  # noqa: E731
    files: dict[str, list[str]] = {s.name: [] for s in specs}
    failures: list[str] = []

    text_formats = [f for f in args.formats if f not in STATIC_FORMATS]
    for spec in specs:
        for fmt in text_formats:
            name = name_of(spec, fmt)
            write_file(args.out / name, text_export(spec, fmt))
            files[spec.name].append(name)
            say(f"  wrote {name}")

    jobs = [(spec, fmt) for spec in specs for fmt in args.formats if fmt in STATIC_FORMATS]
    if jobs:
        say(f"Drawing {len(jobs)} static file(s) in one Chromium session…")

        def done(i, spec, fmt):
            say(f"  {progress_bar(i + 1, len(jobs))} drew {name_of(spec, fmt)}")

        try:
            images = render_static(jobs, lang=args.lang, progress=done, caption=args.caption)
        except StaticExportUnavailable as e:
            failures.append(f"PNG/SVG/PDF not written: {e}")
        else:
            for (spec, fmt), data in zip(jobs, images):
                name = name_of(spec, fmt)
                write_file(args.out / name, data)
                files[spec.name].append(name)

    manifest = {
        "lang": args.lang, "seed": args.seed, "formats": args.formats, "aspect": args.aspect,
        "caption_in_files": args.caption,
        "figures": [{"name": s.name, "caption": s.caption, "parameters": s.params,
                     "source": source_line(s, args.lang), "files": sorted(files[s.name])}
                    for s in specs],
    }
    manifest_name = manifest_file(args.lang, args.aspect)
    write_file(args.out / manifest_name,
               json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
    say(f"Wrote {sum(map(len, files.values()))} file(s) and {manifest_name} to {args.out} "
        f"in {time.perf_counter() - started:.1f} s")
    for failure in failures:
        say(f"error: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
