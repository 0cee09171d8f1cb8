"""A live analysis next to busy Python threads, at several GIL switch intervals.

    python bench/gil_switch.py [--rounds 3] [--busy 2]

Why: a page's analysis runs many small torch ops, and torch lets go of Python's lock (the GIL)
for each. With other threads running Python (other students' pages, a sweep), getting it back
takes up to ``sys.getswitchinterval()`` per op (5 ms by default), so the analysis waits on the
others far longer than it computes. This times ``services.live.analyze_profile`` (the trained
default, the page's default generated image, PCA) alone and beside ``--busy`` threads running
pure-Python work, for each interval, and prints each time as a ratio to "alone" measured in
the same run; and how much work the busy threads got done meanwhile (per second, as a ratio to
the default interval's), the price they pay for switching more often.
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
INTERVALS = (0.005, 0.001, 0.0005, 0.0002, 0.0001)


def busy(stop: threading.Event, done: list) -> None:
    n = 0
    while not stop.is_set():
        sum(i * i for i in range(1000))        # pure Python: holds the GIL throughout
        n += 1
    done.append(n)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--busy", type=int, default=2)
    args = p.parse_args()
    from runtime import configure
    configure()
    from app.live_sections import _generated  # noqa: F401  (imports the page's helpers)
    from model.synthetic import make_image  # noqa: F401
    from services.images import generated_image, prepare_input
    from services.live import analyze_profile
    from services.weights import load_source
    w = load_source("embedded")
    x, _ = prepare_input(generated_image(3, 0, 0, w.resolution), w.resolution, w.source,
                         generated=True)
    analyze_profile(w.model, x, "pca", 0)            # first use of each code path
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; "
          f"{args.busy} busy thread(s), best of {args.rounds}")

    def timed(interval: float, n_busy: int) -> tuple[float, float]:
        sys.setswitchinterval(interval)
        stop, done = threading.Event(), []
        threads = [threading.Thread(target=busy, args=(stop, done)) for _ in range(n_busy)]
        for t in threads:
            t.start()
        t0 = time.perf_counter()
        analyze_profile(w.model, x, "pca", 0)
        seconds = time.perf_counter() - t0
        stop.set()
        for t in threads:
            t.join()
        return seconds, sum(done) / seconds

    results = {}
    for _ in range(args.rounds):
        for interval in INTERVALS:
            for n_busy in (0, args.busy):
                s, rate = timed(interval, n_busy)
                best = results.get((interval, n_busy))
                results[(interval, n_busy)] = (min(s, best[0]) if best else s,
                                               max(rate, best[1]) if best else rate)
    sys.setswitchinterval(INTERVALS[0])
    alone = results[(INTERVALS[0], 0)][0]
    base_rate = results[(INTERVALS[0], args.busy)][1]
    print(f"{'switch interval':>16} {'alone s':>8} {'beside busy s':>14} {'x alone':>8} "
          f"{'busy work / default':>20}")
    for interval in INTERVALS:
        a, b = results[(interval, 0)][0], results[(interval, args.busy)]
        print(f"{interval * 1000:13.1f} ms {a:8.3f} {b[0]:14.3f} {b[0] / alone:8.1f} "
              f"{b[1] / base_rate:20.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
