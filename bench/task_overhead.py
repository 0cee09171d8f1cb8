"""What one page task costs Dask itself, on the embedded cluster: a result like a live
page's profile (70 small dicts) sent back as Dask sends it (a plain ``client.submit``) and
as ``services.cluster.run`` sends it (one pickle), alternating in the same run.

    python bench/task_overhead.py [--tasks 300] [--rounds 2]

Per task: wall time, the worker process's CPU and this process's (the client and the
embedded scheduler, as in the app's server), from /proc. The function itself costs
microseconds, so what is measured is Dask's handling of a task and its result.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def profile_like(i: int) -> list[dict]:
    """About what ``services.live.analyze_profile`` returns: 17 blocks x 4 probes."""
    return [dict(block=b % 17 + 1, probe="input", ambient=96, value=b * 1.1 + i,
                 zero_fraction=0.3, points="pixels", n_points=1024) for b in range(68)]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks", type=int, default=300)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    import psutil

    from services import cluster
    client = cluster.client()
    worker = [psutil.Process(pid) for pid in cluster.worker_pids().values()]
    me = psutil.Process()

    def plain(i):
        return client.submit(profile_like, i, pure=False, priority=cluster.INTERACTIVE).result()

    def pickled(i):
        return cluster.run(profile_like, i)

    def cpu(procs):
        return sum(sum(p.cpu_times()[:2]) for p in procs)

    got: dict[str, list[tuple[float, float, float]]] = {"plain": [], "pickled": []}
    for _ in range(args.rounds):
        for name, call in (("plain", plain), ("pickled", pickled)):
            for i in range(20):                     # warm: connections, imports
                call(i)
            w0, m0, t0 = cpu(worker), cpu([me]), time.perf_counter()
            for i in range(args.tasks):
                assert call(i) == profile_like(i)
            n = args.tasks
            got[name].append(((time.perf_counter() - t0) / n * 1e3, (cpu(worker) - w0) / n * 1e3,
                              (cpu([me]) - m0) / n * 1e3))
    load = os.getloadavg()[0]
    print(f"{args.tasks} tasks one after another, {args.rounds} rounds alternating "
          f"({os.cpu_count()} CPUs, load average {load:.2f} at the end); medians per task:")
    med = {k: [statistics.median(r[j] for r in v) for j in range(3)] for k, v in got.items()}
    for name, (wall, w, m) in med.items():
        print(f"  {name:8s} wall {wall:5.1f} ms, worker CPU {w:4.1f} ms, "
              f"client + scheduler CPU {m:4.1f} ms")
    print(f"one pickle against Dask's own: worker CPU {med['pickled'][1] / med['plain'][1]:.2f}x, "
          f"client + scheduler {med['pickled'][2] / med['plain'][2]:.2f}x, "
          f"wall {med['pickled'][0] / med['plain'][0]:.2f}x")
    cluster.close()


if __name__ == "__main__":
    main()
