"""Where the torch work runs: a Dask cluster, embedded in this process or reached by address.

>>> from services import cluster
>>> cluster.client()                    # started (or connected) on first use, then shared
>>> cluster.run(fn, *args)              # one interactive task: ahead of every batch task
>>> cluster.client().submit(fn, *args, priority=cluster.BATCH)   # a measurement's part

With nothing configured, the first call starts a local cluster with this process as its
scheduler and one worker process (``EMBEDDED_THREADS`` threads) under a nanny that restarts
it when it dies: torch and the networks live in that worker only, so the server never imports
torch. ``MANIFOLD_LAB_SCHEDULER=tcp://HOST:8786`` (or ``--scheduler`` on a command line:
``use``) sends all of it to a scheduler started with Dask's own ``dask scheduler``, whose
``dask worker`` processes have this project on their path. An address that cannot be reached
raises ``SchedulerUnreachable`` naming it; there is no fall-back to the embedded cluster.

Ordering is Dask's: interactive tasks (a page's analysis) carry ``INTERACTIVE`` priority and
batch tasks (a measurement's parts, a sweep's seeds) ``BATCH``. Among interactive tasks, the
interaction that asked first is served first (``order_interactions_by``): all of a page run's
analyses, not only its first, run ahead of those of runs that asked later. In the worker,
batch tasks compute on threads at a lower operating-system priority
(``services.tasks.in_background``), so a measurement does not slow the pages' work that runs
beside it.
"""
from __future__ import annotations

import atexit
import contextlib
import logging
import os
import pickle
import threading
import time
import uuid

from i18n.messages import Own, Refusal

SCHEDULER_ENV = "MANIFOLD_LAB_SCHEDULER"
INTERACTIVE = 10      # a page's analysis, the block page's tables (interactive_priority)
BATCH = 0             # a data-set measurement's parts, the ReLU sweep's seeds
# The embedded worker: 3 threads, and batch work on at most one of them at a time (the "batch"
# resource): two cores' worth of threads always free for the pages' analyses, one
# measurement's memory at a time.
EMBEDDED_THREADS = 3
BATCH_RESOURCE = "batch"
EMBEDDED_BATCH_SLOTS = 1
CONNECT_TIMEOUT = 5   # seconds to reach a scheduler given by address
# A task waits this long for a scheduler with no worker to get one (a killed worker's restart,
# torch's import included, fits well inside) before the page is told to start one.
NO_WORKER_GRACE_S = 60.0
LOST_WORKER_TIMEOUT = "365 days"   # see _connect: never, in effect
POLL_S = 1.0
# Dask's statistical profiler samples every worker thread's stack each 10 ms and keeps the
# trees of the last 1,000 seconds, with the source files of every frame it saw: off in the
# workers the project starts (``app.cluster``'s too). Numbers: bench/RESULTS.md, issue 21.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False}
# Measurement turns (``measurement_turn``): Dask's semaphore on the scheduler, one per worker.
TURNS = "manifold-lab-measurement-turns"
TURN_LEASE_S = 30     # a turn its process stopped renewing (the process died) is given back
TURN_RENEW_S = 5
TURN_WAIT_S = 60      # one wait on the scheduler, then asked again


class SchedulerUnreachable(Refusal):
    """The scheduler at the configured address did not answer."""


class SchedulerWithoutProject(Refusal):
    """The scheduler cannot unpickle the app's tasks: this project is not on its path."""


class WorkerDied(Refusal):
    """A task's worker died more often than Dask retries it, or the cluster went away."""


class NoWorkers(WorkerDied):
    """The scheduler has had no worker for ``NO_WORKER_GRACE_S`` while a task waited (a
    ``WorkerDied``: passing, so the pages do not keep it as the weights' verdict)."""


_lock = threading.Lock()
_client = None
_chosen: str | None = None     # set by ``use``: a command line's --scheduler
_refused: tuple | None = None  # (address, until, the refusal) of the last failed connection
RETRY_AFTER_S = 10.0


def use(address: str | None) -> None:
    """Send this process's work to ``address`` (None: the environment's, else embedded).
    Call before the first ``client()``; a later call closes the current client."""
    global _chosen
    with _lock:
        _chosen = address.strip() if address else None
    close()


def scheduler_address() -> str | None:
    """The scheduler this process uses: ``use``'s, else ``MANIFOLD_LAB_SCHEDULER``'s; None
    means the embedded cluster."""
    return _chosen or os.environ.get(SCHEDULER_ENV, "").strip() or None


def client():
    """This process's ``distributed.Client`` (started or connected on first use). An address
    that did not answer is not tried again for ``RETRY_AFTER_S`` seconds: every page's call
    would otherwise wait ``CONNECT_TIMEOUT`` for the same answer."""
    global _client, _refused
    with _lock:
        if _client is None or _client.status in ("closing", "closed"):
            address = scheduler_address()
            if _refused and _refused[0] == address and time.monotonic() < _refused[1]:
                raise _refused[2]
            try:
                _client = _connect(address)
            except SchedulerUnreachable as e:
                _refused = (address, time.monotonic() + RETRY_AFTER_S, e)
                raise
            _refused = None
        return _client


def refused() -> SchedulerUnreachable | None:
    """The refusal of the last failed connection to the scheduler this process uses, while
    none has succeeded since (a page can say it without trying again)."""
    with _lock:
        if _client is not None and _client.status not in ("closing", "closed"):
            return None
        if _refused and _refused[0] == scheduler_address():
            return _refused[2]
    return None


def _connect(address: str | None):
    from distributed import Client, LocalCluster
    if address:
        _handshake(address, CONNECT_TIMEOUT)
        try:
            connected = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as e:  # noqa: BLE001 - whatever Dask raised, said in one line
            raise _unreachable(address, e) from None
    else:
        _spawn_without_main()
        # Every task goes to the worker at once, where the ready ones run by priority. With
        # Dask's default (1.1), many like tasks (a class's analyses) count as "root" tasks the
        # scheduler holds back while the worker has work, and the batch tasks waiting there
        # for their resource kept the pages' analyses back for a minute in a class run.
        import dask
        dask.config.set({"distributed.scheduler.worker-saturation": "inf"})
        # A lost worker's nanny is closed for good by the cluster when no worker of its name
        # has come back within this time (Dask's default: 15 s). The nanny restarts it, but
        # torch's import alone took longer than that on a loaded 2-core machine, and the app was
        # left with no worker at all (CI, 2026-12-05). The nanny lives here; it is not lost.
        dask.config.set({"distributed.deploy.lost-worker-timeout": LOST_WORKER_TIMEOUT})
        dask.config.set(WORKER_CONFIG)
        # No dashboard; the scheduler's small HTTP server (health) on a free port, not 8787.
        embedded = LocalCluster(n_workers=1, threads_per_worker=EMBEDDED_THREADS,
                                processes=True, dashboard_address=None, scheduler_port=0,
                                scheduler_kwargs={"dashboard_address": ":0"},
                                resources={BATCH_RESOURCE: EMBEDDED_BATCH_SLOTS},
                                silence_logs=logging.ERROR)
        connected = Client(embedded, set_as_default=False)
    prepare(connected)
    return connected


def prepare(connected) -> None:
    """What every worker of the cluster ``connected`` reaches runs with
    (``services.worker_plugins``: a released task's arguments let go of, a refusal not logged
    as a failure; a restarted or later worker gets them from the scheduler). Not registered
    where a worker cannot import this project: its tasks fail there anyway, and say so."""
    from .worker_plugins import RefusalsNotLogged, ReleasedArgumentsDropped
    for plugin in (ReleasedArgumentsDropped(), RefusalsNotLogged()):
        with contextlib.suppress(ImportError, RuntimeError):
            connected.register_plugin(plugin)


def _unreachable(address: str, error: BaseException | str) -> SchedulerUnreachable:
    """The refusal naming ``address``, with the first line of ``error`` as the reason."""
    text = str(error).strip()
    reason = text.splitlines()[0][:200] if text else type(error).__name__
    return SchedulerUnreachable("refusal.cluster.unreachable", address=Own(address),
                                reason=Own(reason))


def _handshake(address: str, timeout: float) -> None:
    """Raise ``SchedulerUnreachable`` unless a Dask server at ``address`` completes Dask's
    handshake within ``timeout`` seconds. ``Client`` limits the connection but not the
    handshake after it: a port that accepts and stays silent (another program's, a firewall's)
    kept a command line or a page waiting for ever, and one that answered with other bytes
    gave Dask's traceback instead of a sentence."""
    import asyncio

    from distributed.comm import connect

    # connect's own limit (a port nobody listens on) comes first, then this one: the
    # handshake's
    limit = timeout + 2

    async def shake():
        comm = await asyncio.wait_for(connect(address, timeout=timeout), limit)
        comm.abort()
    try:
        asyncio.run(shake())
    except TimeoutError:
        raise _unreachable(address, f"no Dask handshake within {limit:g} s") from None
    except Exception as e:  # noqa: BLE001 - a bad address, a refused port, other bytes
        raise _unreachable(address, e) from None


def _spawn_without_main() -> None:
    """Processes this one spawns do not run its main script again. A spawned process
    imports its parent's ``__main__`` first; under Streamlit that is the page being run
    (Streamlit puts it in ``sys.modules["__main__"]``), so a worker started or restarted by
    the embedded cluster's nanny (which lives in this process) ran a page, importing the UI.
    The workers need nothing of the main script: everything they run is imported by name."""
    import multiprocessing.spawn as spawn
    if getattr(spawn.get_preparation_data, "without_main", False):
        return
    original = spawn.get_preparation_data

    def get_preparation_data(name):
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data
    get_preparation_data.without_main = True
    spawn.get_preparation_data = get_preparation_data


def close() -> None:
    """Close the client (and the embedded cluster with it)."""
    global _client
    with _lock:
        c, _client = _client, None
    if c is not None:
        cluster = c.cluster
        c.close()
        if cluster is not None:
            cluster.close()


atexit.register(close)


# When the interaction this thread works for first asked the cluster (wall-clock seconds), or
# None where no interaction is known: set by the app (``order_interactions_by``).
_asked_at = lambda: None  # noqa: E731


def order_interactions_by(asked_at) -> None:
    """Serve interactive tasks by when their interaction first asked: ``asked_at()`` gives
    that time (``time.time()`` seconds) for the calling thread's interaction, or None.

    A page run asks for its analyses one after another, each once the one before has drawn.
    Ordered by submission, a class arriving at a page at once took turns: every student's
    second analysis queued behind every other student's first, and all of them finished near
    the end of the burst. Ordered by the interaction's first ask, the earliest runs finish
    first, as at a counter. The app gives a Streamlit run's time (``app.interactions``)."""
    global _asked_at
    _asked_at = asked_at


def interactive_priority() -> float:
    """``INTERACTIVE`` less the interaction's place in time: an earlier interaction ranks
    higher, every one stays above batch work (``time.time()`` / 1e10 stays below 1 until the
    year 2286; float priorities are Dask's own, ``services.measurement`` uses them too)."""
    asked = _asked_at()
    return INTERACTIVE - (time.time() if asked is None else asked) / 1e10


def run(fn, *args, priority: float | None = None, **kwargs):
    """``fn(*args, **kwargs)`` on a worker, ahead of batch work (``priority``: None for
    ``interactive_priority``); its result, or its error raised here (a ``Refusal`` whole). A
    task whose worker died is run again by Dask on another (or the restarted) one;
    ``WorkerDied`` when that failed too."""
    from dask.utils import funcname
    if priority is None:
        priority = interactive_priority()
    # Named as Dask names fn's own task (its metrics, the task stream), run through _pickled.
    key = f"{funcname(fn)}-{uuid.uuid4().hex}"
    future = client().submit(_pickled, fn, *args, key=key, priority=priority, **kwargs)
    try:
        return pickle.loads(result(future))
    finally:
        future.release()


def _pickled(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``'s result as one pickle. Dask sends a list or dict result to
    the client element by element, choosing a serializer for each: a profile (about 70 small
    dicts) took the worker twice the CPU of one pickle (bench/RESULTS.md, "A page's result
    sent as one pickle")."""
    return pickle.dumps(fn(*args, **kwargs), protocol=pickle.HIGHEST_PROTOCOL)


def batch_options(priority: int = BATCH) -> dict:
    """``client.submit``'s options for a batch task: its priority, and one unit of the
    ``batch`` resource when every worker declares it (``dask worker --resources batch=1``:
    at most that many batch tasks at once there, its other threads left to the pages).
    Workers without it run batch tasks on any thread."""
    workers = client().scheduler_info()["workers"].values()
    limited = bool(workers) and all(BATCH_RESOURCE in w.get("resources", {}) for w in workers)
    return dict(priority=priority, **({"resources": {BATCH_RESOURCE: 1}} if limited else {}))


def result(future, timeout: float | None = None):
    """``future.result()`` with the cluster's own failures said as ``WorkerDied``, and
    ``NoWorkers`` when its scheduler has had no worker for ``NO_WORKER_GRACE_S`` (a scheduler
    started without ``dask worker``s would otherwise keep a page waiting for ever)."""
    with _said(future.client):
        _wait([future], timeout)
        return future.result()


def wait_any(futures: list, timeout: float | None = None) -> None:
    """Returns once one of ``futures`` is done (finished or failed; ``result`` says how),
    with ``result``'s errors while they wait: ``NoWorkers``, ``WorkerDied`` once the client
    closes, ``TimeoutError`` after ``timeout`` seconds."""
    if not futures:
        raise ValueError("no futures to wait for")
    with _said(futures[0].client):
        _wait(futures, timeout)


def _wait(futures: list, timeout: float | None) -> None:
    from distributed import CancelledError
    deadline = None if timeout is None else time.monotonic() + timeout
    alone_since = None
    c = futures[0].client
    # Waited for here, not with ``future.result(timeout=...)``: under a class's load, Python
    # 3.11's asyncio.wait_for inside it sometimes ended in CancelledError, which Dask's sync()
    # turned into "UnboundLocalError: ... 'result'" on the page (bench/load.py, 2026-12-05).
    done = threading.Event()
    for f in futures:
        f.add_done_callback(lambda _: done.set())
    while True:
        wait = POLL_S if deadline is None else max(0.0, min(POLL_S, deadline - time.monotonic()))
        if done.wait(wait) or any(f.done() for f in futures):
            return
        if c.status in ("closing", "closed"):
            # no callback comes any more (at exit, Dask's callback executor is shut down
            # first): a waiting thread ends instead of keeping the process alive
            raise CancelledError(futures[0].key)
        if deadline is not None and time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout} s")
        if c.nthreads():
            alone_since = None
            continue
        alone_since = alone_since or time.monotonic()
        if time.monotonic() - alone_since >= NO_WORKER_GRACE_S:
            raise NoWorkers("refusal.cluster.no_workers", address=Own(c.scheduler.address),
                            seconds=round(NO_WORKER_GRACE_S))


@contextlib.contextmanager
def _said(c):
    """The cluster's own failures, said as ``WorkerDied`` and ``SchedulerWithoutProject``."""
    from distributed import CancelledError
    from distributed.scheduler import KilledWorker
    try:
        yield
    except KilledWorker as e:
        raise WorkerDied("refusal.worker.died", code=Own(str(e).split(":")[0])) from None
    except CancelledError:
        raise WorkerDied("refusal.worker.died", code=Own("cancelled")) from None
    except RuntimeError as e:
        # Dask's scheduler unpickles the task graph: a plain ``dask scheduler`` started where
        # this project is not importable refuses every task with this sentence.
        if "deserialization of the task graph" not in str(e):
            raise
        raise SchedulerWithoutProject("refusal.cluster.no_project",
                                      address=Own(c.scheduler.address)) from None


@contextlib.contextmanager
def measurement_turn(lease: str | None = None):
    """Hold one of the cluster's measurement turns (one per worker) while the block runs,
    waiting for it in the order asked; shared by every process on the scheduler (every app
    replica). Measurements asked at once interleaved their tasks in a worker, each holding its
    statistics, and the worker's peak grew with their number (bench/RESULTS.md). ``lease``:
    the turn's name; processes asking for the same measurement (its key) share one turn, and
    so still share its tasks. The turn is renewed while held and given back at the end, or
    ``TURN_LEASE_S`` after its process died. The work's order is still Dask's priorities:
    this bounds how many measurements are in the workers at once."""
    import uuid
    c = client()
    turns = max(1, len(c.scheduler_info()["workers"]))
    # a semaphore's size is fixed by its first user: one name per size (a worker added or
    # lost since) rather than a refusal
    name, lease = f"{TURNS}-{turns}", lease or uuid.uuid4().hex
    c.sync(c.scheduler.semaphore_register, name=name, max_leases=turns,
           lease_timeout=TURN_LEASE_S)

    def ask(timeout: float) -> bool:
        # Dask's own semaphore, asked with a lease id of ours: taking a turn already held
        # under the same id succeeds (the scheduler's acquire is idempotent per id)
        return c.sync(c.scheduler.semaphore_acquire, name=name, timeout=timeout, lease_id=lease)
    while not ask(TURN_WAIT_S):
        pass
    held = threading.Event()

    def renew():
        while not held.wait(TURN_RENEW_S):
            with contextlib.suppress(Exception):    # a lost scheduler: the work says it
                ask(0)
    threading.Thread(target=renew, daemon=True, name="manifold-lab turn").start()
    try:
        yield
    finally:
        held.set()
        with contextlib.suppress(Exception):
            c.sync(c.scheduler.semaphore_release, name=name, lease_id=lease)


def worker_pids(timeout: float = 120) -> dict[str, int]:
    """{worker address: process id} of the cluster's workers (for tests and benches), once
    at least one is there (a killed one is being restarted)."""
    c = client()
    c.wait_for_workers(1, timeout=timeout)
    return c.run(os.getpid)
