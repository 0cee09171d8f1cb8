"""Load test: N concurrent students against `streamlit run`, through Streamlit's own websocket
protocol (what the browser speaks), on 127.0.0.1 only.

    python bench/load.py [--sessions 30] [--rounds 1] [--lang en]

Starts the app on a free local port (through bench/_load_server.py: `streamlit run
app/main.py` in a process that also counts weight loads), waits for /_stcore/health, then
opens one websocket per student. Every student goes through every page with a scripted
interaction (load the page, then change one setting or press Next), as the browser would:
a BackMsg rerun with the page name and the changed widget's state. An interaction's latency
is from sending the rerun to the server's script_finished message. Errors: a script that
ended with an exception element, a compile error, or a lost connection. Reports
p50/p95/max latency per page and overall, the server's peak RSS (VmHWM in /proc), and how
many times each weight source was loaded (1 each means the model is held once, in
st.cache_resource, for all sessions). A 2-core machine cannot run 30 real browsers beside
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
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools.local_server import free_port, start_streamlit, stop, wait_healthy  # noqa: E402
HOST = "127.0.0.1"           # never anything else
PAGES_IN_ORDER = ("home", "relu", "live", "block", "presenter")


class Student:
    """One browser tab: a websocket session that reruns pages and changes widgets."""

    def __init__(self, port: int, lang: str):
        self.url = f"ws://{HOST}:{port}/_stcore/stream"
        self.origin = f"http://{HOST}:{port}"
        self.lang = lang
        self.widgets: dict[str, str] = {}      # user key -> widget id, from the last run
        # Like the browser's message cache: hashes of the large elements already received,
        # sent with each rerun so the server answers with a reference instead of the bytes.
        self.cached: set[str] = set()
        self.errors: list[str] = []

    async def __aenter__(self):
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], origin=self.origin,
                                           max_size=None, open_timeout=60, ping_interval=None)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def rerun(self, page: str, query: str = "", widget_states=()) -> float:
        """One interaction: returns seconds until script_finished (errors are recorded)."""
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        msg.rerun_script.cached_message_hashes.extend(sorted(self.cached))
        for state in widget_states:
            msg.rerun_script.widget_states.widgets.append(state)
        self.widgets = {}
        started = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(self.ws.recv(), timeout=180))
            kind = fwd.WhichOneof("type")
            if fwd.metadata.cacheable and fwd.hash:
                self.cached.add(fwd.hash)
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                self._note(fwd.delta.new_element, page)
            elif kind == "script_finished":
                status = fwd.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue                 # st.rerun() inside the app: wait for the next run
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    self.errors.append(f"{page}: compile error")
                return time.perf_counter() - started

    def _note(self, element, page: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors.append(f"{page}: {element.exception.type}: {element.exception.message[:200]}")
            return
        widget = getattr(element, kind)
        wid = getattr(widget, "id", "")
        if wid.startswith("$$ID-"):
            self.widgets[wid.split("-", 2)[-1]] = wid

    def state(self, key: str, **value) -> object:
        from streamlit.proto.WidgetStates_pb2 import WidgetState
        if key not in self.widgets:
            raise KeyError(f"widget {key!r} not on the page; have {sorted(self.widgets)}")
        s = WidgetState(id=self.widgets[key])
        for field, v in value.items():
            if isinstance(v, list):
                getattr(s, field).data.extend(v)
            else:
                setattr(s, field, v)
        return s


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


def start_server(port: int, counts_file: str) -> subprocess.Popen:
    cmd = [sys.executable, str(ROOT / "bench" / "_load_server.py"), str(port), counts_file]
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
                   help="no warm-up: the students are the first visitors (caches empty)")
    args = p.parse_args(argv)

    port = free_port()
    load_before = os.getloadavg()[0]
    counts_file = tempfile.mktemp(prefix="load_counts_", suffix=".json")
    server = start_server(port, counts_file)
    try:
        wait_healthy(port, server, timeout=120, log=Path(counts_file + ".log"))
        # One warm-up student first, as a teacher opens the app before class: the first run
        # of each page builds the shared caches; then all students come at once.
        warm: list = []
        t0 = time.perf_counter()
        warm_errors = [] if args.cold else asyncio.run(
            student_run(-1, port, args.lang, 1, warm, 0, warm=True))
        print("no warm-up: caches cold" if args.cold else
              f"warm-up (one student, every page and slide, caches cold): "
              f"{time.perf_counter() - t0:.1f} s, errors: {len(warm_errors)}", flush=True)
        for e in warm_errors:
            print("  warm-up error:", e)
        rss_warm = peak_rss_mb(server.pid)
        time.sleep(1.0)                      # the server writes its counts twice a second
        counts_warm = read_counts(counts_file)

        async def everyone():
            results: list = []
            errors = await asyncio.gather(*(student_run(i, port, args.lang, args.rounds, results,
                                                        args.stagger)
                                            for i in range(args.sessions)))
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

    print(f"{args.sessions} concurrent sessions x {args.rounds} round(s), {len(results)} "
          f"interactions in {wall:.1f} s ({os.cpu_count()} CPUs, load average before "
          f"{load_before:.2f})")
    print(f"CPU: server {server_cpu:.1f} s ({server_cpu / max(len(results), 1):.3f} s per "
          f"interaction), this client {client_cpu:.1f} s")
    print(f"{'page':10} {'step':7} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for page in PAGES_IN_ORDER:
        for step in ("load", "change"):
            lat = [t for pg, st_, t in results if pg == page and st_ == step]
            if lat:
                print(f"{page:10} {step:7} {len(lat):4d} {statistics.median(lat):7.2f} "
                      f"{percentile(lat, 95):7.2f} {max(lat):7.2f}")
    every = [t for _, _, t in results]
    if every:
        print(f"{'all':10} {'':7} {len(every):4d} {statistics.median(every):7.2f} "
              f"{percentile(every, 95):7.2f} {max(every):7.2f}")
    print(f"errors: {len(errors)}")
    for e in errors[:20]:
        print("  ", e)
    print(f"server peak RSS: {rss_warm:.0f} MB after the warm-up, {rss_peak:.0f} MB at the end")
    print(f"weight loads in the server (source: count): after the warm-up {counts_warm}, "
          f"after {args.sessions} sessions {counts}")
    # Each page's cache loads a network once (the live page and the block page's ablation
    # each hold theirs); held once = the students added no load at all.
    # Cold: no baseline to compare with; every source loaded at most once per page cache.
    held_once = bool(counts) and (all(v <= 4 for v in counts.values()) if args.cold
                                  else counts == counts_warm)
    print(f"model held once for all sessions (no load per session): {'yes' if held_once else 'NO'}")
    ok = not errors and every and percentile(every, 95) <= 3.0 and held_once
    print(f"goal (0 errors, p95 <= 3 s, model held once): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
