"""The app served for bench/load.py (as `python -m app` does, or a plain `streamlit run`), in a
process that counts networks.

    python bench/_load_server.py PORT COUNTS_JSON [streamlit-run]

Serves as the README's ``python -m app`` does (the warm-up before serving), or with
``streamlit-run`` as a plain ``streamlit run app/main.py`` (the warm-up at the first visit).

Counts networks (``bench/_net_counts.py``) in the server and in the embedded Dask cluster's
worker (installed there when the app connects, asked twice a second), and writes to
COUNTS_JSON twice a second: "loads" and "alive" (the server's: {source: weight loads},
{source: networks alive}), "worker_loads" and "worker_alive" (the worker's), and "warmup" (what ``app/warmup.py`` did: [name, seconds, error]), "cpu" (seconds of server
CPU by kind of thread: pages, jobs, warm-up, event loop, other; and the cluster's processes'),
"worker_peak_rss_mb" (the sum of the VmHWM of the server's child processes: the Dask nanny
and its worker; the scheduler runs in the server) and "heap_at_peak"
(glibc's heap in use and freed-but-kept, at the server's highest resident memory). With the shipped networks held
once, their loads and alive counts stay 1 in the worker and 0 in the server however many
sessions run. Binds 127.0.0.1 only.
"""
import ctypes
import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import _net_counts as net_counts  # noqa: E402  (bench/, beside this file)
from devtools.local_server import descendants  # noqa: E402

port, counts_path = sys.argv[1], Path(sys.argv[2])
plain_streamlit_run = sys.argv[3:] == ["streamlit-run"]   # else as `python -m app` serves
net_counts.install()
in_worker: dict = {}


def _install_counts(bench: str) -> None:
    """In a worker (sent by value: it is this script's): count networks there too."""
    import sys
    if bench not in sys.path:
        sys.path.insert(0, bench)
    import _net_counts
    _net_counts.install()


def _worker_counts() -> dict:
    import _net_counts
    return _net_counts.counts()


def _count_in_workers(module) -> None:
    """The cluster's worker, where the networks live, counts them too, from when it connects."""
    connect = module._connect

    def connect_and_count(address):
        client = connect(address)
        client.run(_install_counts, str(ROOT / "bench"))
        return client
    module._connect = connect_and_count


net_counts.PATCHES["services.cluster"] = _count_in_workers


def _ask_workers() -> None:
    module = sys.modules.get("services.cluster")
    client = getattr(module, "_client", None)
    if client is None:
        return
    try:
        answers = client.run(_worker_counts, wait=True)
    except Exception:  # noqa: BLE001 - a restarting worker: ask again in half a second
        return
    in_worker.clear()
    for counts in answers.values():
        for key in ("loads", "alive"):
            merged = in_worker.setdefault(key, {})
            for source, n in counts[key].items():
                merged[source] = merged.get(source, 0) + n


def snapshot() -> dict:
    warm = sys.modules.get("app.warmup")
    done = [[r.name, round(r.seconds, 2), r.error] for r in warm.results()] if warm else []
    cpu = {k: round(v, 1) for k, v in cpu_by_kind.items()}
    return dict(**net_counts.counts(), worker_loads=in_worker.get("loads", {}),
                worker_alive=in_worker.get("alive", {}), warmup=done, cpu=cpu,
                worker_peak_rss_mb=round(sum(worker_peaks.values())),
                workers=len(worker_peaks), together_peak_rss_mb=round(together[0]),
                heap_at_peak=dict(heap_at_peak))


# Server CPU by kind of thread, summed from /proc every half second (a thread that ends
# between two samples loses at most its last half second): page script runs, the queued jobs
# and their pools, the warm-up, the event loop (MainThread: websockets, JSON), the rest.
THREAD_KINDS = (("ScriptRunner", "pages"), ("manifold-lab measurements", "measurement jobs"),
                ("manifold-lab sweeps", "sweep jobs"), ("manifold-lab warm-up", "warm-up"),
                ("MainThread", "event loop"))
TICK = os.sysconf("SC_CLK_TCK")
cpu_by_kind: Counter = Counter()
_last_cpu: dict = {}


def _thread_cpu(tid: int) -> float | None:
    try:
        fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICK     # utime + stime


def sample_threads() -> None:
    seen = {}
    for thread in threading.enumerate():
        cpu = _thread_cpu(thread.native_id) if thread.native_id else None
        if cpu is None:
            continue
        kind = next((k for prefix, k in THREAD_KINDS if thread.name.startswith(prefix)), "other")
        key = (thread.native_id, thread.name)
        cpu_by_kind[kind] += cpu - _last_cpu.get(key, 0.0)
        seen[key] = cpu
    _last_cpu.clear()
    _last_cpu.update(seen)


# The cluster's processes (the embedded Dask cluster's nanny and worker: children of this
# server): their CPU counts as "cluster processes", their peaks (VmHWM) are summed.
worker_cpu: dict = {}      # pid -> CPU seconds so far
worker_peaks: dict = {}    # pid -> VmHWM MB
together = [0.0]           # the most server + cluster resident MB seen in one sample


def sample_worker() -> float:
    """Samples the cluster processes' CPU and peaks; returns their resident MB now."""
    now = 0.0
    for pid in descendants(os.getpid()):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        worker_cpu[pid] = (int(fields[11]) + int(fields[12])) / TICK
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                worker_peaks[pid] = int(line.split()[1]) / 1024
            elif line.startswith("VmRSS:"):
                now += int(line.split()[1]) / 1024
    cpu_by_kind["cluster processes"] = sum(worker_cpu.values())
    return now


def _rss_mb(status_path: str) -> float:
    for line in Path(status_path).read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# glibc's heap at the server's peak: what is in use, and what was freed but kept (mallinfo2;
# Python's small objects live in arenas of their own and count in neither).
class _Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


_libc = ctypes.CDLL("libc.so.6")
_libc.mallinfo2.restype = _Mallinfo2
heap_at_peak: dict = {}
_rss_peak = [0.0]


def sample_heap(rss: float) -> None:
    """At a new peak of the server's resident memory, note glibc's heap counts."""
    if rss < _rss_peak[0]:
        return
    _rss_peak[0] = rss
    info = _libc.mallinfo2()
    heap_at_peak.update(rss=round(rss), in_use=round((info.uordblks + info.hblkhd) / 2**20),
                        free_in_heap=round(info.fordblks / 2**20), mmapped=round(info.hblkhd / 2**20))


def write_counts():
    while True:
        _ask_workers()
        sample_threads()
        rss = _rss_mb("/proc/self/status")
        sample_heap(rss)
        together[0] = max(together[0], rss + sample_worker())
        tmp = counts_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(snapshot()))
        tmp.replace(counts_path)          # atomic: the reader never sees a half-written file
        time.sleep(0.5)


threading.Thread(target=write_counts, daemon=True).start()

OPTIONS = ["--server.port", port, "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
if plain_streamlit_run:
    from streamlit.web import cli  # noqa: E402
    sys.argv = ["streamlit", "run", str(ROOT / "app" / "main.py"), *OPTIONS]
    sys.exit(cli.main())
from app.__main__ import main as serve  # noqa: E402  (the README's command: python -m app)
sys.exit(serve(OPTIONS))
