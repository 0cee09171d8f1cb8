"""``python -m app [--scheduler tcp://HOST:8786] [streamlit options]``: the app's server, warmed up
before it serves, its torch work on a Dask cluster (embedded unless a scheduler is given, here or
in ``MANIFOLD_LAB_SCHEDULER``; one that cannot be reached: one line, exit status 1).

Runs the start-up warm-up (``app.warmup``: imports, the shipped networks, each page's default
results; 8-12 s on a 2-core machine) in this process, then ``streamlit run
app/main.py`` in the same process with the options given (``--server.port 8502``, ...). A
class that opens the link at once then finds the pages ready. A plain ``streamlit run
app/main.py`` also works: its warm-up starts at the first visit, on a background thread, and
the first visitors wait for what it has not done yet (``bench/load.py --streamlit-run``).
"""
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    if {"-h", "--help"} & set(argv):
        print(__doc__.strip() + "\n\nStreamlit's own options: streamlit run --help", flush=True)
        return 0
    from runtime import configure
    configure(serving=True)
    argv, scheduler = _scheduler_option(argv)
    from services import cluster
    if scheduler:
        os.environ[cluster.SCHEDULER_ENV] = scheduler      # for the server's script threads
    try:
        c = cluster.client()
    except cluster.SchedulerUnreachable as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1
    workers = len(c.scheduler_info()["workers"])
    where = (f"the Dask scheduler at {cluster.scheduler_address()}" if cluster.scheduler_address()
             else "an embedded Dask cluster")
    print(f"Manifold Lab: torch work on {where} ({workers} worker{'s' * (workers != 1)})",
          flush=True)
    from app import warmup
    no_worker = workers == 0 and not warmup.turned_off() and not _a_worker_comes(c)
    started = time.perf_counter()
    if not warmup.turned_off() and not no_worker:
        print("Manifold Lab: warming up before serving (MANIFOLD_LAB_WARMUP=0 skips it)...",
              flush=True)
    done = warmup.run_before_serving(lambda r: print(
        f"  {r.name} {r.seconds:.1f} s" + (f" FAILED: {r.error}" if r.error else ""), flush=True),
        skip=no_worker)
    if done:
        print(f"warmed up in {time.perf_counter() - started:.1f} s", flush=True)
    from streamlit.web import cli
    # Streamlit's own welcome, on a machine with no screen, asks a web service for this
    # machine's public address (the app makes no outside call) and warns when it cannot;
    # the app says where it is itself, once it answers.
    if not any(a.startswith("--logger.hideWelcomeMessage") for a in argv):
        argv = [*argv, "--logger.hideWelcomeMessage", "true"]
        threading.Thread(target=announce, name="manifold-lab address", daemon=True).start()
    sys.argv = ["streamlit", "run", str(ROOT / "app" / "main.py"), *argv]
    try:
        return cli.main()
    finally:
        # Closed here, once Streamlit has stopped, not at the interpreter's exit: by then
        # Dask's callback thread is shut down, and every future still pending (the lecture's
        # measurement, stopped in its first minute) logged a traceback as it was cancelled.
        cluster.close()


WORKER_WAIT_S = 30.0


def _a_worker_comes(c) -> bool:
    """Wait up to ``WORKER_WAIT_S`` for the scheduler's first worker (a web host started
    before the worker hosts); when none comes, say how to start one."""
    from services import cluster
    print(f"Manifold Lab: waiting up to {WORKER_WAIT_S:.0f} s for a Dask worker...", flush=True)
    try:
        c.wait_for_workers(1, timeout=WORKER_WAIT_S)
        return True
    except TimeoutError:
        print(f"Manifold Lab: no Dask worker is connected; start one with `dask worker "
              f"{cluster.scheduler_address()}`. Serving without the warm-up: the pages wait "
              f"a minute for a worker, then say so.", flush=True)
        return False


def _scheduler_option(argv: list[str]) -> tuple[list[str], str | None]:
    """``--scheduler ADDRESS`` (or ``--scheduler=ADDRESS``) taken out of the options that go
    to Streamlit."""
    rest, address, it = [], None, iter(argv)
    for a in it:
        if a == "--scheduler":
            address = next(it, "")
        elif a.startswith("--scheduler="):
            address = a.split("=", 1)[1]
        else:
            rest.append(a)
    return rest, address


def announce(timeout: float = 300.0) -> None:
    """Print the app's addresses once its server answers on /_stcore/health (the port is
    Streamlit's, read after it has chosen one)."""
    import urllib.request

    from streamlit import config, net_util
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            port = int(config.get_option("server.port"))
            address = config.get_option("server.address") or "localhost"
            address = "localhost" if address in ("0.0.0.0", "::") else address
            base = config.get_option("server.baseUrlPath").strip("/")
            path = f"/{base}/" if base else "/"
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}_stcore/health",
                                        timeout=2) as r:
                if r.status != 200:
                    continue
        except (OSError, ValueError):
            continue
        lines = [f"Manifold Lab is ready: http://{address}:{port}{path}"]
        if address == "localhost":
            internal = net_util.get_internal_ip()
            if internal:
                lines.append(f"  on this network (students): http://{internal}:{port}{path}")
        print("\n".join(lines), flush=True)
        return


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
