"""The app's download of a published checkpoint (ImageNet MobileNetV2): one per server, which
every page showing the choice follows.

A press of Download calls ``start(source)``: a job (``services.jobs``) on a thread of the
server runs ``model.download`` (HTTP and SHA-256, no torch) into this machine's torch hub
cache. Thirty sessions pressing at once get the one job; every page offering the choice
shows its progress (``transfer``) and, once it is done, the weights.

Where the file must be: the Dask workers load it (``model.weights``). The embedded cluster's
worker runs on this machine with the server's environment, so the server's file is its file.
With a scheduler by address (workers on other machines), the job then has every worker make
sure of it: ``model.download.download`` as a task pinned to each worker, which finds the file
there (the same machine, or a shared folder) or fetches it from the same URL or mirror as the
server, with the same checks. A worker that joins later fetches it at its first use.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial

from model.registry import IMAGENET, WEIGHTS

from . import cluster, jobs

DOWNLOADS = jobs.Jobs("downloads", keep=2 * len(IMAGENET), max_waiting=len(IMAGENET))
FETCH_SHARE = 0.95      # of the progress bar: the server's download; the rest, the workers'


@dataclass
class Transfer:
    """How far the server's download of one file is: bytes so far, bytes announced (None
    until known), when it started (``time.monotonic``), and whether the workers are being
    asked now."""
    done: int = 0
    total: int | None = None
    started: float = field(default_factory=time.monotonic)
    on_workers: bool = False

    def rate(self) -> float:
        """Bytes per second so far."""
        return self.done / max(time.monotonic() - self.started, 1e-3)


_transfers: dict[str, Transfer] = {}


def size_mb(source: str) -> float:
    """The published file's size in MB (of 1000² bytes, as the app counts; torchvision
    states MiB)."""
    return WEIGHTS[source].download_mib * (1 << 20) / 1e6


def missing(source: str) -> bool:
    """True for a published checkpoint whose file is not on this machine (nothing else is
    downloaded)."""
    from .weights import missing_download
    return missing_download(source)


def job(source: str) -> jobs.Job | None:
    """The server's download job of ``source``: running, failed, or done; None when there is
    none (or it is done and its file has been deleted since)."""
    found = DOWNLOADS.get(source)
    if found is not None and found.state == jobs.DONE and missing(source):
        DOWNLOADS.forget(source)
        return None
    return found


def start(source: str) -> jobs.Job:
    """The download of ``source``: the running one, else a new one (a failed one is tried
    again). ValueError for a source that is not downloaded."""
    if source not in IMAGENET:
        raise ValueError(f"only {IMAGENET} are downloaded, not {source!r}")
    job(source)                 # forgets a finished one whose file is gone
    return DOWNLOADS.submit(source, partial(_download, source), retry=True)


def transfer(source: str) -> Transfer | None:
    """The latest download of ``source``'s progress (None before the first)."""
    return _transfers.get(source)


def _download(source: str, progress) -> str:
    """The job: this machine's download, then every worker's (a scheduler by address).
    Returns the file's path here; raises the ``DownloadError`` of the first failure."""
    from model.download import download
    state = _transfers[source] = Transfer()

    def report(done: int, total: int | None) -> None:
        state.done, state.total = done, total
        whole = total or size_mb(source) * 1e6
        progress(FETCH_SHARE * min(1.0, done / whole))
    path = download(source, progress=report)
    if cluster.scheduler_address():
        state.on_workers = True
        _on_every_worker(source)
    progress(1.0)
    return str(path)


def _on_every_worker(source: str) -> None:
    """Each worker of the cluster finds or fetches ``source``'s file (from this server's
    mirror when it has one); the first worker's failure is raised."""
    from model.download import download, mirror_url
    client = cluster.client()
    mirror = mirror_url()
    futures = [client.submit(download, source, mirror=mirror, workers=[address],
                             allow_other_workers=False, pure=False,
                             priority=cluster.interactive_priority())
               for address in client.scheduler_info(n_workers=-1)["workers"]]
    try:
        for future in futures:
            cluster.result(future)
    finally:
        for future in futures:
            future.release()
