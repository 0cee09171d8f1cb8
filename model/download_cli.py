"""Command line: download torchvision's ImageNet MobileNetV2 checkpoints into torch hub's cache.

    python -m model.weights download imagenet-v1|imagenet-v2|all [--mirror URL] [--timeout S]

The same download and checks as the app's Download button (``model.download``): the
registry's URL or the mirror (``--mirror``, else ``$MANIFOLD_LAB_WEIGHTS_MIRROR``), the
published SHA-256, a bounded size, one rename into place. A progress bar goes to stderr; the
path of each file to stdout. Exit status 1 with one line on the first failure.
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import Callable

from .download import STALL_TIMEOUT_S, DownloadError, destination, download
from .registry import IMAGENET, WeightsError, spec

BAR_WIDTH = 30
REDRAW_S = 0.1        # the bar is drawn at most this often


def _parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog, description="Download torchvision's ImageNet MobileNetV2 checkpoints into "
                               "torch hub's cache, checked against their published SHA-256.")
    p.add_argument("command", choices=("download",))
    p.add_argument("names", nargs="+", choices=(*IMAGENET, "all"), metavar="NAME",
                   help=f"{', '.join(IMAGENET)} or all")
    p.add_argument("--mirror", default=None, metavar="URL",
                   help="a folder holding the same file names (default: "
                        "$MANIFOLD_LAB_WEIGHTS_MIRROR, else download.pytorch.org)")
    p.add_argument("--timeout", type=float, default=STALL_TIMEOUT_S, metavar="S",
                   help=f"give up after S seconds without data (default {STALL_TIMEOUT_S:g})")
    return p


class Bar:
    """A one-line progress bar on ``stream``: MB done of the total, and the rate."""

    def __init__(self, name: str, stream=None):
        self.name, self.stream = name, stream or sys.stderr
        self.started = time.monotonic()
        self.drawn = 0.0
        self.shown = False

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.drawn < REDRAW_S and done != total:
            return
        self.drawn, self.shown = now, True
        rate = done / max(now - self.started, 1e-6) / 1e6
        if total:
            filled = int(BAR_WIDTH * done / total)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            text = f"{self.name} [{bar}] {done / 1e6:.1f}/{total / 1e6:.1f} MB {rate:.1f} MB/s"
        else:
            text = f"{self.name} {done / 1e6:.1f} MB {rate:.1f} MB/s"
        self.stream.write("\r" + text)
        self.stream.flush()

    def end(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


def main(argv: list[str] | None = None, *, check: Callable[[str], None] | None = None,
         prog: str = "python -m model.weights") -> int:
    """Download each named checkpoint not in the cache yet; ``check(name)``, when given, then
    loads it (``model.weights`` loads it into MobileNetV2 with ``weights_only=True``).
    Returns the exit status: 0, or 1 after one line saying what failed."""
    args = _parser(prog).parse_args(argv)
    names = IMAGENET if "all" in args.names else tuple(dict.fromkeys(args.names))
    for name in names:
        dest = destination(spec(name))
        bar = Bar(name)
        try:
            if dest.is_file():
                print(f"{name}: already downloaded", file=sys.stderr)
            else:
                download(name, progress=bar, timeout=args.timeout, mirror=args.mirror)
                bar.end()
            if check is not None:
                check(name)
        except (DownloadError, WeightsError) as e:
            bar.end()
            print(f"error: {name}: {e}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            bar.end()
            print(f"error: {name}: interrupted; nothing was kept", file=sys.stderr)
            return 1
        print(dest)
    return 0
