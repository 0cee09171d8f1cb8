"""CPU of one page's first run, by process, on the one-machine cluster.

    python bench/page_cpu.py [--page live] [--loads 40] [--at-once 4] [--threads 3]
    python bench/page_cpu.py --at-once 20     # a class arriving at once: the loads' order
    python bench/page_cpu.py --beside 2000    # the loads while a measurement runs

Starts ``python -m app.cluster --replicas 1 --workers 1`` (``--threads``: the worker's), loads
``--page`` once to warm it, waits until the worker is idle, then loads it ``--loads`` times as
new students (each its own seed: its own random network and generated image), ``--at-once``
at a time. Prints each process's CPU seconds per load (from /proc) and the worker's CPU per
load by task name (Dask's own per-task metrics), and the loads' median latency. What a class's
burst on a page costs the machine: the baseline for changes that move that work around.
``--beside N``: the loads start once a measurement of N generated images (``python -m
model.evidence --scheduler``, batch work on the same worker) is running, and it is stopped
after them; run it with and without to see what a running measurement costs the pages.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._load_cluster import Cluster  # noqa: E402
from bench._student import Student  # noqa: E402
from bench.load import cpu_seconds  # noqa: E402


def cpu_by_role(cluster: Cluster) -> Counter:
    """{role: CPU seconds so far} of every process of the cluster."""
    out: Counter = Counter()
    for pid, role in cluster.processes().items():
        try:
            out[role] += cpu_seconds(pid)
        except OSError:             # ended meanwhile
            continue
    return out


def task_cpu(dask_worker) -> dict:
    """{task name: thread CPU seconds} from the worker's fine performance metrics."""
    out: Counter = Counter()
    for key, value in dask_worker.digests_total.items():
        if isinstance(key, tuple) and key[0] == "execute" and key[-2:] == ("thread-cpu", "seconds"):
            out[key[-3]] += value
    return dict(out)


def scheduler_address(cluster: Cluster) -> str:
    pid = next(p for p, role in cluster.processes().items() if role == "scheduler")
    args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    return f"tcp://127.0.0.1:{args[args.index('--port') + 1]}"


def beside(address: str, n_images: int) -> subprocess.Popen:
    """A measurement of ``n_images`` generated images on the cluster at ``address``, running."""
    return subprocess.Popen([sys.executable, "-m", "model.evidence", "--weights", "embedded",
                             "--images", f"generated:{n_images}", "--scheduler", address,
                             "--format", "json"], stdout=subprocess.DEVNULL,
                            cwd=Path(__file__).resolve().parent.parent)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--page", default="live")
    ap.add_argument("--loads", type=int, default=40)
    ap.add_argument("--at-once", type=int, default=4)
    ap.add_argument("--threads", type=int, default=3, help="the worker's threads")
    ap.add_argument("--beside", type=int, default=0, metavar="N",
                    help="the loads beside a measurement of N generated images")
    args = ap.parse_args(argv)

    load_before = os.getloadavg()
    cluster = Cluster(1, 1, options=("--threads", str(args.threads)))
    measurement = None
    try:
        cluster.wait_ready()
        from distributed import Client
        client = Client(scheduler_address(cluster), set_as_default=False)

        async def loads():
            nonlocal measurement
            async with Student(cluster.port, "en") as s:
                await s.rerun(args.page, "lang=en&seed=1")
            while any(client.processing().values()):     # the warm-up's own work, if any
                await asyncio.sleep(1)
            await asyncio.sleep(3)
            if args.beside:
                measurement = beside(scheduler_address(cluster), args.beside)
                while not any(client.processing().values()):
                    await asyncio.sleep(0.2)
            cpu0, tasks0 = cpu_by_role(cluster), next(iter(client.run(task_cpu).values()))
            walls: list[float] = []

            async def one(i):
                async with Student(cluster.port, "en") as s:
                    walls.append(await s.rerun(args.page, f"lang=en&seed={100 + i}"))
            for first in range(0, args.loads, args.at_once):
                await asyncio.gather(*(one(i) for i in range(first, min(args.loads,
                                                                         first + args.at_once))))
            cpu1, tasks1 = cpu_by_role(cluster), next(iter(client.run(task_cpu).values()))
            return walls, cpu0, cpu1, tasks0, tasks1
        walls, cpu0, cpu1, tasks0, tasks1 = asyncio.run(loads())
        still = measurement is not None and measurement.poll() is None
        client.close()
    finally:
        if measurement is not None and measurement.poll() is None:
            measurement.kill()
            measurement.wait()
        cluster.stop()
    n, walls = len(walls), sorted(walls)
    if args.beside and not still:
        print(f"NOTE: the measurement of {args.beside} images ended before the loads did")
    print(f"{n} first runs of '{args.page}', {args.at_once} at a time, worker of "
          f"{args.threads} threads{f', beside a measurement of {args.beside} images' if args.beside else ''}; latency p50 {walls[n // 2]:.2f} s, p95 "
          f"{walls[min(n - 1, round(0.95 * (n - 1)))]:.2f} s, mean {sum(walls) / n:.2f} s "
          f"(2 CPUs, load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f})")
    print("CPU per load by process:")
    for role in sorted(cpu1):
        print(f"  {role:10s} {(cpu1[role] - cpu0.get(role, 0)) / n * 1000:6.0f} ms")
    print("worker thread CPU per load by task (Dask's metrics):")
    for name in sorted(tasks1, key=lambda k: tasks0.get(k, 0) - tasks1[k]):
        ms = (tasks1[name] - tasks0.get(name, 0)) / n * 1000
        if ms >= 0.5:
            print(f"  {name:14s} {ms:6.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
