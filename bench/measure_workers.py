"""Time and peak memory of one data-set measurement with 1 or 2 networks measured at once.

    python bench/measure_workers.py [--images 240] [--resolution 64]

What ``services.worker_process.WORKER_THREADS`` chooses between. Each setting runs in a fresh
process (peak memory is per process: ``ru_maxrss``), alternating, twice; prints seconds and
peak MB of each and the ratio of 1 worker to 2. Same measurement as the app's worker makes:
``services.evidence.measure`` of the trained default, its twin and a random initialisation.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import resource, sys, time
sys.path.insert(0, {root!r})
import runtime; runtime.configure()
from services import evidence as ev
from services.weights import load_source
chosen = load_source("embedded")
query = ev.EvidenceQuery(chosen.id, "generated", {images}, 0, {resolution})
t0 = time.perf_counter()
ev.measure(query, chosen, workers={workers})
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--images", type=int, default=240)
    p.add_argument("--resolution", type=int, default=64)
    args = p.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
          f"{args.images} generated images at {args.resolution} px, 3 networks")
    runs: dict[int, list] = {1: [], 2: []}
    for _ in range(2):
        for workers in (2, 1):
            code = CHILD.format(root=str(ROOT), images=args.images, resolution=args.resolution,
                                workers=workers)
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout.split()
            runs[workers].append((float(out[0]), float(out[1])))
    best = {w: (min(s for s, _ in rows), max(m for _, m in rows)) for w, rows in runs.items()}
    for workers, (seconds, peak) in best.items():
        print(f"workers={workers}: {seconds:5.1f} s (fastest of 2), peak {peak:5.0f} MB")
    print(f"1 worker / 2 workers: time {best[1][0] / best[2][0]:.2f}x, "
          f"peak memory {best[1][1] / best[2][1]:.2f}x")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
