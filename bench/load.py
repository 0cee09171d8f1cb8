"""Load test: N concurrent students against the app's server, through Streamlit's own websocket
protocol (what the browser speaks), on 127.0.0.1 only.

    python bench/load.py [--sessions 30] [--rounds 1] [--lang en] [--cold] [--explore]
    python bench/load.py --cluster 3 --sessions 60 --cold --explore [--kill-replica-at S]

Starts the app on a free local port (through bench/_load_server.py: the README's `python -m
app`, which warms up before it serves, or with ``--streamlit-run`` a plain `streamlit run
app/main.py`, in a process that also counts networks), waits for /_stcore/health, then
opens one websocket per student (bench/_student.py). Scripted (the default): every student
goes through every page with one interaction each (load the page, then change one setting or
press Next). ``--explore``: every student draws its own settings from the pages' full ranges
(devtools/explore.py, seeded per student) and changes them one at a time, thinking
``--think`` seconds between changes, as a class does: ReLU page input, activation, points,
noise, n and the seed; live page weights, comparison, resolution, estimator, image (a
photo, a generated sample, or a PNG of its own uploaded), mosaic block and probe; block page
d_i, d_j, t, k, stride, h, w, width and resolution; presenter Next / Back. Each change is a
BackMsg rerun with the page name and the widget states, as the browser sends it. An interaction's latency
is from sending the rerun to the server's script_finished message. Errors: a script that
ended with an exception element, a compile error, or a lost connection. Reports
p50/p95/max latency per page and overall, the server's peak RSS (VmHWM in /proc) and its
worker process's (the goal counts their sum), and how
many times each weight source was loaded and how many networks of each source are alive at
the end, in the server and in the worker (1 each in the worker and none in the server for
the shipped networks means they are held once for all sessions). A 2-core machine cannot run 30 real browsers beside
the server; the protocol client costs almost nothing, so what is measured is the server.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._student import Student, TransferFailed  # noqa: E402
from devtools.local_server import free_port, start_streamlit, stop, wait_healthy  # noqa: E402
PAGES_IN_ORDER = ("home", "relu", "live", "block", "presenter")
GOAL_P95_S = 3.0
GOAL_PEAK_MB = 1536


# Each page: (first load, one scripted change). A change is (widget key, WidgetState field, value).
def interactions(rng: random.Random) -> dict:
    return {
        "home": None,
        "relu": ("url_n", "double_array_value", [float(rng.choice([4, 16, 32, 64]))]),
        "live": ("url_est", "string_value", rng.choice(["pr", "twonn"])),
        "block": ("url_t", "double_array_value", [float(rng.choice([2, 4]))]),
        "presenter": ("presenter_next", "trigger_value", True),
    }


async def student_run(i: int, port: int, lang: str, rounds: int, results: list, stagger: float,
                      warm: bool = False):
    rng = random.Random(i)
    await asyncio.sleep(stagger * rng.random())
    try:
        async with Student(port, lang) as s:
            for _ in range(rounds):
                for page, change in interactions(rng).items():
                    results.append((page, "load", await s.rerun(page, f"lang={lang}")))
                    if change is None:
                        continue
                    key, field, value = change
                    try:
                        state = s.state(key, **{field: value})
                    except KeyError as e:
                        s.errors.append(f"{page}: {e}")
                        continue
                    results.append((page, "change", await s.rerun(page, f"lang={lang}", [state])))
            if warm:
                # The teacher steps through the lecture before class: every slide's figures
                # (built from the registered sources) are then ready for the students.
                for _ in range(5):
                    try:
                        state = s.state("presenter_next", trigger_value=True)
                    except KeyError:
                        break                   # the last slide has no active Next
                    await s.rerun("presenter", f"lang={lang}", [state])
            return s.errors
    except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as e:
        return [f"student {i}: connection failed: {type(e).__name__}: {e}"]


CHANGES: list = []       # --explore: (page, setting, seconds) of every change, for the report


def slowest_changes(n: int = 8) -> None:
    """Print the ``n`` settings whose changes took longest at p95 (``CHANGES``)."""
    by_setting: dict = {}
    for page, name, t in CHANGES:
        by_setting.setdefault((page, name), []).append(t)
    if by_setting:
        slowest = sorted(by_setting.items(), key=lambda kv: -percentile(kv[1], 95))[:n]
        print("slowest changes by setting (p95):")
        for (page, name), lat in slowest:
            _row(page, name[:7], lat)
RESULT_WAIT_S = 180.0   # the longest a student watches a queued measurement before moving on


STUDENTS: list = []       # per student: its replicas, errors, transfers, reconnections


async def explore_run(i: int, port: int, lang: str, results: list, stagger: float,
                      think: tuple[float, float], params: dict,
                      pages=PAGES_IN_ORDER, own_files: bool = False) -> list[str]:
    """One exploring student (``--explore``): loads each page, then makes that page's drawn
    changes one at a time (devtools/explore.py), thinking between them. While a page has
    queued work (a fragment that asks to run again: the ReLU page's sweep, a data-set
    measurement), the client runs that fragment every interval as the browser does ("poll"),
    and records when the result is drawn ("result": seconds since the change). After pressing
    a measurement's button the student watches it until the result is there.

    ``own_files`` (``--cluster``): the student uploads its own image and image set on the live
    page (``page_plan``) and downloads a figure there; a lost connection (its replica killed)
    is connected again as the browser does, and the page run again ("reconnect")."""
    from devtools.explore import page_plan
    rng = random.Random(10_000 + i)
    query = f"lang={lang}"
    await asyncio.sleep(stagger * rng.random())
    s = Student(port, lang)
    record = dict(student=i, errors=s.errors, failed=s.failed, transfers=s.transfers,
                  replicas=s.replicas, reconnects=[], after_reconnect=[])
    STUDENTS.append(record)
    try:
        async with s:
            for page in pages:
                since = time.perf_counter()
                results.append((page, "load", await _rerun(s, record, page, query, results)))
                if page == "home":
                    continue
                for change in page_plan(page, rng, params, own_files=own_files):
                    await _think(s, page, query, rng.uniform(*think), results, since)
                    # Twice at most: files that went with a killed replica are uploaded
                    # again on the live one, as the student would on seeing them gone.
                    for attempt in range(2):
                        reconnects = len(record["reconnects"])
                        try:
                            state = await _make(s, change, params[page])
                        except KeyError as e:
                            s.errors.append(f"{page}: {e}")
                            break
                        except TransferFailed:
                            break                 # counted in s.failed
                        except (websockets.ConnectionClosed, OSError):
                            await _reconnect(s, record, page, query, results)
                            continue
                        since = time.perf_counter()
                        results.append((page, "change", await _rerun(s, record, page, query,
                                                                     results, [state])))
                        CHANGES.append((page, change.name, results[-1][2]))
                        if not (change.files or change.upload) or \
                                len(record["reconnects"]) == reconnects:
                            break
                    if change.button and s.auto_reruns:       # a measurement: watch it
                        polls: list = []
                        try:
                            waited = await s.follow_auto_reruns(page, query, RESULT_WAIT_S, polls)
                        except (websockets.ConnectionClosed, OSError):
                            await _reconnect(s, record, page, query, results)
                            waited = None
                        results.extend((page, "poll", t) for t in polls)
                        results.append((page, "result", waited if waited is not None
                                        else float("inf")))
                if own_files and page == "live":
                    try:
                        await s.download(page, query)
                    except (KeyError, TransferFailed) as e:
                        s.errors.append(f"{page}: download: {e}")
                    except (websockets.ConnectionClosed, OSError):
                        await _reconnect(s, record, page, query, results)
                await _think(s, page, query, 0.0, results, since)
            return s.errors
    except (OSError, asyncio.TimeoutError, websockets.WebSocketException) as e:
        s.errors.append(f"student {i}: connection failed: {type(e).__name__}: {e}")
        return s.errors


async def _make(s: Student, change, page_params: dict):
    """The widget state of one planned change: files uploaded, a button pressed, a setting
    set."""
    if change.files:
        return await s.upload_files(change.name, list(change.files))
    if change.upload:
        return await s.upload(change.name, *change.upload)
    if change.button:
        return s.set(change.name, True)
    p = page_params[change.name]
    return s.set(f"url_{change.name}", change.value, p.choices if p.kind == "choice" else ())


async def _rerun(s: Student, record: dict, page: str, query: str, results: list,
                 states=(), fragment: str = "") -> float:
    """``s.rerun``; after a lost connection, connected again and the page run again from its
    link (with ``states``): the browser's way back after its replica died."""
    try:
        return await s.rerun(page, query, states, fragment=fragment)
    except (websockets.ConnectionClosed, OSError):
        return await _reconnect(s, record, page, query, results, states)


async def _reconnect(s: Student, record: dict, page: str, query: str, results: list,
                     states=()) -> float:
    """Connect again (recorded with the seconds it took), then run the page from its link;
    that run's latency ("after reconnect") is returned and recorded. A change the lost
    connection was carrying (``states``) did not reach the link, so the page shows without it,
    as in the browser: the student makes it again."""
    errors_before = len(s.errors)
    waited = await s.reconnect()
    record["reconnects"].append(round(waited, 2))
    results.append((page, "reconnect", waited))
    latency = await s.rerun(page, s.link if s.link is not None else query)
    record["after_reconnect"].append((round(latency, 2), len(s.errors) - errors_before))
    if states:
        await s.rerun(page, s.link if s.link is not None else query, states)
    return latency


async def _think(s: Student, page: str, query: str, seconds: float, results: list,
                 since: float) -> None:
    """Look at the page for ``seconds``; meanwhile run its waiting fragment every interval,
    as the browser does (at least once more when ``seconds`` is 0 and work is waiting)."""
    end = time.perf_counter() + seconds
    while s.auto_reruns:
        fragment, interval = next(iter(s.auto_reruns.items()))
        if time.perf_counter() + interval > end and seconds > 0:
            break
        await asyncio.sleep(interval)
        try:
            results.append((page, "poll", await s.rerun(page, query, fragment=fragment)))
        except (websockets.ConnectionClosed, OSError):
            return      # the replica went away: the next change connects again
        if not s.auto_reruns:
            results.append((page, "result", time.perf_counter() - since))
        if seconds == 0:
            break
    await asyncio.sleep(max(0.0, end - time.perf_counter()))


async def first_visits(port: int, lang: str, counts_file: str, wait_warmup: bool) -> list:
    """``--first-visits``: one visitor opens home (which starts the app's warm-up), waits until
    the warm-up has finished (unless it is off), then opens every page once: each page's first
    run in this server process. Returns [(page, seconds)]."""
    from app.warmup import TASKS
    out = []
    async with Student(port, lang) as s:
        out.append(("home", await s.rerun("home", f"lang={lang}")))
        t0 = time.perf_counter()
        while wait_warmup and len(read_counts(counts_file).get("warmup", [])) < len(TASKS):
            if time.perf_counter() - t0 > 600:
                raise TimeoutError("the app's warm-up did not finish in 600 s")
            await asyncio.sleep(0.5)
        if wait_warmup:
            print(f"app warm-up finished {time.perf_counter() - t0:.1f} s after the first visit")
        for page in PAGES_IN_ORDER[1:]:
            out.append((page, await s.rerun(page, f"lang={lang}")))
        if s.errors:
            raise RuntimeError(f"errors on first visits: {s.errors}")
    return out


def start_server(port: int, counts_file: str, app_warmup: bool = True,
                 plain_streamlit_run: bool = False) -> subprocess.Popen:
    cmd = [sys.executable, str(ROOT / "bench" / "_load_server.py"), str(port), counts_file,
           *(["streamlit-run"] if plain_streamlit_run else [])]
    if not app_warmup:
        os.environ["MANIFOLD_LAB_WARMUP"] = "0"       # inherited by the server process
    return start_streamlit(port, cmd=cmd, log=Path(counts_file + ".log"))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def read_counts(path: str) -> dict:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return {}


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--rounds", type=int, default=1, help="times each student goes through the pages")
    p.add_argument("--lang", default="en", choices=("en", "ko"))
    p.add_argument("--stagger", type=float, default=2.0, help="students start within this many s")
    p.add_argument("--cold", action="store_true",
                   help="no teacher's visit first: the students are the first visitors")
    p.add_argument("--explore", action="store_true",
                   help="every student draws its own settings from the full ranges")
    p.add_argument("--think", default="1,5",
                   help="--explore: seconds a student looks before the next change, 'lo,hi'")
    p.add_argument("--streamlit-run", action="store_true",
                   help="serve as plain `streamlit run app/main.py` (warm-up at the first "
                        "visit) instead of the README's `python -m app` (warm-up before serving)")
    p.add_argument("--no-app-warmup", action="store_true",
                   help="MANIFOLD_LAB_WARMUP=0: without the app's start-up warm-up")
    p.add_argument("--pages", default=",".join(PAGES_IN_ORDER),
                   help="--explore: the pages students visit, in order (default: all)")
    p.add_argument("--first-visits", action="store_true",
                   help="one visitor, each page's first run on a fresh server (after the warm-up)")
    p.add_argument("--cluster", type=int, default=0, metavar="N",
                   help="N app replicas behind HAProxy (python -m app.cluster); implies --explore "
                        "with each student's own uploads and a download (bench/_load_cluster.py)")
    p.add_argument("--workers", type=int, default=1, help="--cluster: Dask workers (default 1)")
    p.add_argument("--kill-replica-at", type=float, default=0.0, metavar="S",
                   help="--cluster: SIGKILL replica 1 S seconds into the run")
    p.add_argument("--kill-worker-at", type=float, default=0.0, metavar="S",
                   help="--cluster: SIGKILL the Dask worker process S seconds into the run")
    p.add_argument("--no-control", action="store_true",
                   help="--cluster: skip the negative control (affinity cookie off)")
    args = p.parse_args(argv)
    if args.cluster:
        args.explore = True
    pages = tuple(args.pages.split(","))
    if not set(pages) <= set(PAGES_IN_ORDER):
        p.error(f"--pages must be among {','.join(PAGES_IN_ORDER)}")
    think = tuple(float(v) for v in args.think.split(","))
    if len(think) != 2 or not 0 <= think[0] <= think[1]:
        p.error("--think must be 'lo,hi' seconds with 0 <= lo <= hi")
    params = None
    if args.explore:
        from devtools.explore import all_params
        params = all_params()
    if args.cluster:
        from bench import _load_cluster
        return _load_cluster.run(args, think, params, pages, sys.modules[__name__])

    port = free_port()
    load_before = os.getloadavg()
    counts_file = tempfile.mktemp(prefix="load_counts_", suffix=".json")
    server = start_server(port, counts_file, app_warmup=not args.no_app_warmup,
                          plain_streamlit_run=args.streamlit_run)
    started = time.perf_counter()
    try:
        wait_healthy(port, server, timeout=180, log=Path(counts_file + ".log"))
        print(f"server healthy {time.perf_counter() - started:.1f} s after its start "
              f"({'streamlit run app/main.py' if args.streamlit_run else 'python -m app'})",
              flush=True)
        if args.first_visits:
            visits = asyncio.run(first_visits(port, args.lang, counts_file, not args.no_app_warmup))
            time.sleep(1.0)
            for r in read_counts(counts_file).get("warmup", []):
                print(f"  app start-up warm-up: {r[0]} {r[1]:.1f} s" + (f" FAILED {r[2]}" if r[2] else ""))
            print(f"first visit of each page ({'after the app warm-up' if not args.no_app_warmup else 'no app warm-up'}"
                  f", load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}):")
            for page, seconds in visits:
                print(f"  {page:10} {seconds:6.2f} s")
            return 0
        # Unless --cold: one visitor first, as a teacher opens the app before class (every
        # page and slide at its defaults); then all students come at once.
        warm: list = []
        t0 = time.perf_counter()
        warm_errors = [] if args.cold else asyncio.run(
            student_run(-1, port, args.lang, 1, warm, 0, warm=True))
        print("no teacher's visit first: the students are the server's first visitors"
              if args.cold else
              f"teacher's visit first (every page and slide at defaults): "
              f"{time.perf_counter() - t0:.1f} s, errors: {len(warm_errors)}", flush=True)
        for e in warm_errors:
            print("  warm-up error:", e)
        rss_warm = peak_rss_mb(server.pid)
        time.sleep(1.0)                      # the server writes its counts twice a second
        counts_warm = read_counts(counts_file)

        async def everyone():
            results: list = []
            if args.explore:
                runs = (explore_run(i, port, args.lang, results, args.stagger, think, params, pages)
                        for i in range(args.sessions))
            else:
                runs = (student_run(i, port, args.lang, args.rounds, results, args.stagger)
                        for i in range(args.sessions))
            errors = await asyncio.gather(*runs)
            return results, [e for errs in errors for e in errs]

        t0, server_cpu0, client_cpu0 = time.perf_counter(), cpu_seconds(server.pid), time.process_time()
        results, errors = asyncio.run(everyone())
        wall = time.perf_counter() - t0
        server_cpu = cpu_seconds(server.pid) - server_cpu0
        client_cpu = time.process_time() - client_cpu0
        rss_peak = peak_rss_mb(server.pid)
        time.sleep(1.0)
        counts = read_counts(counts_file)
    finally:
        stop(server)
    return report(args, think, results, errors, wall, server_cpu, client_cpu, load_before,
                  rss_warm, rss_peak, counts_warm, counts)


def _row(page: str, step: str, lat: list) -> None:
    lat = [t for t in lat if t != float("inf")]
    if lat:
        print(f"{page:10} {step:7} {len(lat):4d} {statistics.median(lat):7.2f} "
              f"{percentile(lat, 95):7.2f} {max(lat):7.2f}")


def report(args, think, results, errors, wall, server_cpu, client_cpu, load_before, rss_warm,
           rss_peak, counts_warm, counts) -> int:
    """Print the latency table, memory and network counts, and the goal line; 0 if met."""
    acted = sum(1 for _, st_, _t in results if st_ in ("load", "change"))
    mode = (f"exploring {args.pages} (own settings, think {think[0]:g}-{think[1]:g} s)" if args.explore
            else f"scripted x {args.rounds} round(s)")
    print(f"{args.sessions} concurrent sessions, {mode}, {acted} interactions in "
          f"{wall:.1f} s ({os.cpu_count()} CPUs, load average before "
          f"{' '.join(f'{v:.2f}' for v in load_before)}, after "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())})")
    print(f"CPU: server {server_cpu:.1f} s ({server_cpu / max(acted, 1):.3f} s per "
          f"interaction), this client {client_cpu:.1f} s")
    print(f"{'page':10} {'step':7} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for page in PAGES_IN_ORDER:
        for step in ("load", "change"):
            _row(page, step, [t for pg, st_, t in results if pg == page and st_ == step])
    # Interactions: what a student did and waited for (loads, changes, presses). Polls and
    # results are queued work arriving later, reported on their own below.
    every = [t for _, st_, t in results if st_ in ("load", "change")]
    p95 = percentile(every, 95) if every else float("inf")
    _row("all", "", every)
    for step, what in (("poll", "a waiting fragment run again (the browser's timer)"),
                       ("result", "queued work drawn, seconds after its change")):
        rows = [(pg, t) for pg, st_, t in results if st_ == step]
        if rows:
            print(f"{step}s ({what}):")
            for page in PAGES_IN_ORDER:
                _row(page, step, [t for pg, t in rows if pg == page])
    slowest_changes()
    late = sum(1 for _, st_, t in results if st_ == "result" and t == float("inf"))
    if late:
        print(f"  results not there after {RESULT_WAIT_S:g} s: {late}")
    print(f"errors: {len(errors)}")
    for e in errors[:20]:
        print("  ", e)
    # The goal's memory: the sum of both processes' peaks, an upper bound of the most they
    # held together (that, sampled every 0.5 s, is printed too).
    worker_mb = counts.get("worker_peak_rss_mb", 0)
    memory_mb = rss_peak + worker_mb
    print(f"server peak RSS: {rss_warm:.0f} MB before the students, {rss_peak:.0f} MB at the end")
    print(f"worker process peak RSS: {worker_mb:.0f} MB ({counts.get('workers', 0)} "
          f"started); server + worker: {memory_mb:.0f} MB (sum of the peaks), "
          f"{counts.get('together_peak_rss_mb', 0):.0f} MB (most at one time, 0.5 s samples)")
    heap = counts.get("heap_at_peak")
    if heap:
        print(f"server heap at its peak RSS ({heap['rss']} MB, glibc mallinfo2): "
              f"{heap['in_use']} MB in use ({heap['mmapped']} MB of it in mmapped blocks), "
              f"{heap['free_in_heap']} MB freed but kept by malloc")
    for r in counts.get("warmup", []):
        print(f"  app start-up warm-up: {r[0]} {r[1]:.1f} s" + (f" FAILED {r[2]}" if r[2] else ""))
    cpu = counts.get("cpu", {})
    if cpu:
        total = sum(cpu.values()) or 1.0
        print("server CPU by thread (s, share): " + ", ".join(
            f"{k} {v:.0f} ({v / total:.0%})" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1])))
    loads, alive = counts.get("loads", {}), counts.get("alive", {})
    worker_loads, worker_alive = counts.get("worker_loads", {}), counts.get("worker_alive", {})
    print(f"weight loads (source: count): in the server {loads}; in the worker process, "
          f"before the students {counts_warm.get('worker_loads', {})}, at the end {worker_loads}")
    print(f"networks alive at the end (source: count): in the server {alive}, in the worker "
          f"process {worker_alive}")
    # Held once: each shipped network loaded once and one copy alive in the worker, which
    # computes for every session, and none in the server, which only describes them.
    from model.registry import SHIPPED
    held_once = not any(loads.values()) and not any(alive.values()) and all(
        worker_loads.get(name, 0) == 1 and worker_alive.get(name, 0) == 1 for name in SHIPPED)
    print(f"shipped networks {', '.join(SHIPPED)} held once (1 load, 1 alive each in the worker, "
          f"none in the server): {'yes' if held_once else 'NO'}")
    ok = (not errors and bool(every) and p95 <= GOAL_P95_S and memory_mb <= GOAL_PEAK_MB
          and held_once)
    print(f"goal ({args.sessions} sessions, {'cold' if args.cold else 'warm'}, "
          f"{'explore' if args.explore else 'scripted'}"
          f"{'' if args.pages == ','.join(PAGES_IN_ORDER) else ' ' + args.pages}: 0 errors, p95 <= {GOAL_P95_S:g} s, "
          f"peak RSS (server + worker process) <= {GOAL_PEAK_MB / 1024:g} GB, shipped networks held once): "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
