"""The block page's cost tables: the old meta-device counter vs the analytic shape walk.

    python bench/costs.py [--repeats 5]

Old (what the page did until the walk): build ``mobilenet_v2(width)`` on torch's "meta"
device and count with hooks during one forward (``model.costs.forward``). New:
``model.costs.analytic.costs_of(width, resolution)`` (integer arithmetic, no model). Also shown:
``count_costs(meta model)``, which walks a built model's layer attributes (model build
included). Measured for width 1.0 at 224 and for the TF-slim grid the page draws (5 widths x 5
resolutions = 25 settings, one report each), every path in this one run; the rows must be
identical or the script stops. Times: median of ``--repeats`` (the old path's first call in
the process, which pays torch's one-off meta-device set-up, is printed apart).
Prints ratio = old / new.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from model.costs.analytic import costs_of, count_costs  # noqa: E402
from model.costs.forward import count_costs_by_forward  # noqa: E402
from model.mobilenetv2 import mobilenet_v2  # noqa: E402

WIDTHS = (1.4, 1.0, 0.75, 0.5, 0.35)
RESOLUTIONS = (224, 192, 160, 128, 96)


def old_counter(width: float, resolution: int):
    with torch.device("meta"):
        net = mobilenet_v2(width)
    return count_costs_by_forward(net, resolution)


def walk_meta_model(width: float, resolution: int):
    with torch.device("meta"):
        net = mobilenet_v2(width)
    return count_costs(net, resolution)


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def median_time(fn, settings, repeats: int) -> float:
    """Median over ``repeats`` of the time to compute a report for every setting."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for width, res in settings:
            fn(width, res)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    first, _ = timed(old_counter, 1.0, 224)
    print(f"old counter, first call in this process (meta set-up included): {first:.3f} s")

    grid = [(w, r) for w in WIDTHS for r in RESOLUTIONS]
    for w, r in grid:   # same rows from all three, or the timings mean nothing
        old = old_counter(w, r).as_dicts()
        if costs_of(w, r).as_dicts() != old or walk_meta_model(w, r).as_dicts() != old:
            raise SystemExit(f"rows differ at width {w}, resolution {r}")
    print(f"rows identical for all {len(grid)} settings (old counter, costs_of, count_costs walk)")

    for label, settings in (("width 1.0 at 224", [(1.0, 224)]),
                            (f"TF-slim grid ({len(WIDTHS)} widths x {len(RESOLUTIONS)} "
                             f"resolutions = {len(grid)} reports)", grid)):
        old = median_time(old_counter, settings, args.repeats)
        new = median_time(costs_of, settings, args.repeats)
        walk = median_time(walk_meta_model, settings, args.repeats)
        print(f"{label}, median of {args.repeats}:")
        print(f"  old: meta model + forward counter  {old * 1e3:10.2f} ms")
        print(f"  new: costs_of (settings walk)      {new * 1e3:10.2f} ms   ratio old/new = {old / new:,.0f}x")
        print(f"  count_costs(meta model) walk       {walk * 1e3:10.2f} ms   ratio old/this = {old / walk:,.1f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
