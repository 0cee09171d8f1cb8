"""The app's download on a cluster by address (services/weight_download.py): the server's file
is not the workers' when they run elsewhere, so the job has each worker find or fetch it.

Here the "other machine" is a worker process with a torch hub cache of its own (TORCH_HOME),
no mirror in its environment and the registry's URL pointing at a path that answers 404: it
gets the file only through the mirror the server passes on. Everything is on loopback.
"""
from __future__ import annotations

import logging

import pytest
import torch

import model.registry as registry
from loopback import Loopback, published, send
from model.download import MIRROR_ENV
from services import cluster, jobs
from services import weight_download as downloads

pytestmark = pytest.mark.integration


def test_a_worker_on_another_machine_fetches_the_file_through_the_servers_mirror(
        tmp_path, monkeypatch):
    from distributed import LocalCluster
    file, data = published({"w": torch.arange(200_000.0)})
    entry = registry.WeightSpec(**{**registry.WEIGHTS["imagenet-v1"].__dict__, "file": file,
                                   "download_mib": len(data) / (1 << 20)})
    here, there = tmp_path / "server", tmp_path / "worker"
    with Loopback() as server:
        official = server.url("/official/")          # nothing there: a 404 fails the test
        server.route(f"/mirror/{file}", send(data))
        monkeypatch.setenv("TORCH_HOME", str(here))
        monkeypatch.setenv(MIRROR_ENV, server.url("/mirror/"))
        monkeypatch.setitem(registry.WEIGHTS, "imagenet-v1", entry)
        monkeypatch.setattr(registry, "DOWNLOAD_ROOT", official)
        with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=logging.ERROR,
                          env={"TORCH_HOME": str(there), MIRROR_ENV: ""}) as workers:
            cluster.use(workers.scheduler_address)
            try:
                # The worker's registry as this test's (a lambda travels by value).
                cluster.client().run(lambda: (registry.WEIGHTS.__setitem__("imagenet-v1", entry),
                                              setattr(registry, "DOWNLOAD_ROOT", official)))
                job = downloads.start("imagenet-v1")
                assert job.wait(120) and job.state == jobs.DONE, job.error
                assert downloads.transfer("imagenet-v1").on_workers
            finally:
                cluster.use(None)
                downloads.DOWNLOADS.forget("imagenet-v1")
        assert server.gets == {f"/mirror/{file}": 2}         # the server's and the worker's
    for home in (here, there):
        assert (home / "hub" / "checkpoints" / file).read_bytes() == data
