"""Cost of measuring every probe point, as a multiple of a plain forward pass.

    python bench/analysis_overhead.py [--batch 8] [--resolution 224] [--width 1.0] [--rounds 5]
                                      [--threads N] [--twonn-points 500]

Baseline: the eager forward of the same module, no hooks, inference mode. Then
``analyze(model, x, estimators=...)`` for PR only (covariance traces, no eigensolver),
PCA + PR (adds one eigensolve per probe) and PCA + PR + TwoNN. The runs are interleaved
round by round and each time is the median over rounds, so a load spike from other work on
the machine hits all of them alike. Wall time and this process's CPU time are both measured
(on a shared machine the CPU time is the stable one, best with ``--threads 1``). Ratios:

    pca+pr overhead = t(pca+pr) / t(forward) - 1          target <= 0.3
    twonn extra     = (t(all) - t(pca+pr)) / t(forward)    target <= 1.0
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

from model import analyze, load_weights, mobilenet_v2, resolve_device  # noqa: E402


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--resolution", type=int, default=224)
    p.add_argument("--width", type=float, default=1.0)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--twonn-points", type=int, default=500)
    p.add_argument("--device", default="auto")
    p.add_argument("--threads", type=int, default=None,
                   help="torch intra-op threads for every run (default: torch's choice)")
    args = p.parse_args()
    from runtime import configure
    configure(args.threads or os.cpu_count() or 1)   # once, for the whole run
    device = resolve_device(args.device)
    model = load_weights(mobilenet_v2(args.width), "random", seed=0).to(device).eval()
    x = torch.randn(args.batch, 3, args.resolution, args.resolution,
                    generator=torch.Generator().manual_seed(0)).to(device)

    def forward():
        with torch.inference_mode():
            model(x)

    runs = {
        "forward": forward,
        "pr": lambda: analyze(model, x, estimators=("pr",)),
        "pca+pr": lambda: analyze(model, x, estimators=("pca", "pr")),
        "pca+pr+twonn": lambda: analyze(model, x, twonn_points=args.twonn_points),
    }
    load_before = os.getloadavg()
    for fn in runs.values():          # warm-up: allocator, oneDNN kernels, first-call costs
        fn()
    walls: dict[str, list[float]] = {k: [] for k in runs}
    cpus: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(args.rounds):
        for name, fn in runs.items():
            wall, cpu = timed(fn)
            walls[name].append(wall)
            cpus[name].append(cpu)
    load_after = os.getloadavg()
    print(f"device {device}, torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"batch {args.batch} x 3 x {args.resolution}^2, width {args.width}, "
          f"{args.rounds} rounds (median), twonn_points {args.twonn_points}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"({os.cpu_count()} CPUs)")
    for k in runs:
        print(f"  {k:14s} wall {statistics.median(walls[k]):.3f} s "
              f"(min {min(walls[k]):.3f}, max {max(walls[k]):.3f})   "
              f"CPU {statistics.median(cpus[k]):.3f} s")
    # On a shared machine wall time swings with other people's work; the CPU time this
    # process used does not (with one thread it is the work itself). Both are reported.
    for label, table in (("wall", walls), ("CPU", cpus)):
        med = {k: statistics.median(v) for k, v in table.items()}
        f = med["forward"]
        print(f"[{label}] pr-only overhead {med['pr'] / f - 1:.2f}x forward; "
              f"pca+pr overhead {med['pca+pr'] / f - 1:.2f}x (target <= 0.3); "
              f"twonn extra {(med['pca+pr+twonn'] - med['pca+pr']) / f:.2f}x (target <= 1.0)")

if __name__ == "__main__":
    main()
