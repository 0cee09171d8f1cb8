"""Downloading a published checkpoint (model/download.py, services/weight_download.py, the
command line): against an HTTP server on a loopback port that the test starts, serving a
generated state dict under a test registry entry whose name carries its SHA-256 prefix.

Each test has its own torch hub cache (TORCH_HOME in tmp_path), no mirror or proxy from the
environment, and a guard that fails any connection to a host other than 127.0.0.1.
"""
from __future__ import annotations

import os
import socket
import threading
import time

import pytest
import torch

import model.registry as registry
from loopback import CHUNK, Loopback, hang_up, published, redirect, send, status
from model.download import MIRROR_ENV, DownloadError, download
from model.registry import WeightSpec

pytestmark = pytest.mark.unit

PROXIES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
STATE = {"features.0.0.weight": torch.arange(300_000, dtype=torch.float32).reshape(1000, 300),
         "classifier.1.bias": torch.linspace(-1, 1, 1000)}


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    for name in (MIRROR_ENV, *PROXIES):
        monkeypatch.delenv(name, raising=False)
    real = socket.create_connection

    def loopback_only(address, *args, **kwargs):
        assert address[0] == "127.0.0.1", f"a test tried to reach {address[0]}"
        return real(address, *args, **kwargs)
    monkeypatch.setattr(socket, "create_connection", loopback_only)


@pytest.fixture(scope="module")
def checkpoint() -> tuple[str, bytes]:
    return published(STATE)


@pytest.fixture
def server(monkeypatch):
    with Loopback() as s:
        monkeypatch.setattr(registry, "DOWNLOAD_ROOT", s.url("/models/"))
        yield s


def entry(file: str, data: bytes, mib: float | None = None) -> WeightSpec:
    """A test registry entry for ``file`` (its URL: the loopback server's /models/)."""
    return WeightSpec("test-net", 1.0, 1000, 224, "linear", file=file, shipped=False,
                      download_mib=len(data) / (1 << 20) if mib is None else mib)


def hub():
    return registry.hub_checkpoints()


def left_in_hub() -> list[str]:
    """Every file in the hub folder, hidden temporary files included."""
    return sorted(p.name for p in hub().iterdir()) if hub().is_dir() else []


def refused(spec: WeightSpec, **kwargs) -> DownloadError:
    with pytest.raises(DownloadError) as info:
        download(spec, **kwargs)
    assert "\n" not in str(info.value)          # one line
    return info.value


def test_a_download_streams_verifies_and_loads_weights_only(server, checkpoint):
    file, data = checkpoint
    server.route(f"/models/{file}", send(data))
    events = []
    path = download(entry(file, data), progress=lambda done, total: events.append((done, total)))
    assert path == hub() / file and path.read_bytes() == data
    done = [d for d, _ in events]
    assert len(events) >= 10 and done == sorted(set(done)) and done[-1] == len(data)
    assert {t for _, t in events} == {len(data)}
    loaded = torch.load(path, map_location="cpu", weights_only=True)
    assert all(torch.equal(loaded[k], v) for k, v in STATE.items())
    assert left_in_hub() == [file]
    # There now: the next call fetches nothing.
    assert download(entry(file, data)) == path and server.gets[f"/models/{file}"] == 1


def test_a_checksum_mismatch_is_refused_and_nothing_is_kept(server, checkpoint):
    file, data = checkpoint
    wrong = "mobilenet_v2-0123abcd.pth"
    server.route(f"/models/{wrong}", send(data))
    err = refused(entry(wrong, data))
    assert err.key == "refusal.download.checksum" and "0123abcd" in str(err)
    assert left_in_hub() == []


@pytest.mark.parametrize("answer, key", [
    (lambda data: send(data, stop_after=len(data) // 3), "refusal.download.truncated"),
    (lambda data: status(404), "refusal.download.http"),
    (lambda data: status(500), "refusal.download.http"),
    (lambda data: send(b"<!DOCTYPE html><html><body>Sign in</body></html>", kind="text/html"),
     "refusal.download.web_page"),
    # A sign-in page that calls itself a binary file is still a page.
    (lambda data: send(b"\n  <html><body>Sign in</body></html>"), "refusal.download.web_page"),
    # More bytes than announced: the announced ones are the file, and they do not verify.
    (lambda data: send(data, length=len(data) - 1000), "refusal.download.checksum"),
    (lambda data: hang_up, "refusal.download.unreachable"),    # why: "no connection"
], ids=["truncated", "404", "500", "html", "html-as-binary", "longer-than-announced", "hang-up"])
def test_bad_answers_are_refused_in_one_line_and_nothing_is_kept(server, checkpoint, answer, key):
    file, data = checkpoint
    server.route(f"/models/{file}", answer(data))
    err = refused(entry(file, data))
    assert err.key == key, str(err)
    if key == "refusal.download.http":
        assert err.messages[0].values["status"] in (404, 500)
    assert left_in_hub() == []


def test_a_stalled_server_is_given_up_after_the_timeout(server, checkpoint):
    file, data = checkpoint
    server.route(f"/models/{file}", send(data, stall_after=2 * CHUNK))
    started = time.monotonic()
    err = refused(entry(file, data), timeout=0.5)
    assert err.key == "refusal.download.stalled" and time.monotonic() - started < 10
    assert left_in_hub() == []


def test_a_redirect_to_another_host_is_refused_one_on_the_same_host_followed(server, checkpoint):
    file, data = checkpoint
    server.route(f"/models/{file}", redirect(server.url(f"/elsewhere/{file}", host="localhost")))
    err = refused(entry(file, data))
    assert err.key == "refusal.download.redirect" and "localhost" in str(err)
    assert server.gets[f"/elsewhere/{file}"] == 0 and left_in_hub() == []
    server.route(f"/models/{file}", redirect(f"/moved/{file}"))
    server.route(f"/moved/{file}", send(data))
    assert download(entry(file, data)).read_bytes() == data


def test_a_body_over_the_bound_is_refused_announced_or_not(server, checkpoint):
    file, data = checkpoint
    small = entry(file, data, mib=0.5 * len(data) / (1 << 20))   # bound: 0.625 of the body
    server.route(f"/models/{file}", send(data))
    assert refused(small).key == "refusal.download.too_large"
    server.route(f"/models/{file}", send(data, announce=False))
    assert refused(small).key == "refusal.download.too_large"
    assert left_in_hub() == []


def test_two_downloads_at_once_fetch_once_and_both_get_the_file(server, checkpoint):
    file, data = checkpoint
    # Slow enough that both callers join one fetch even on a busy machine.
    server.route(f"/models/{file}", send(data, delay=0.05))
    start, results, seen = threading.Barrier(2), [None, None], [[], []]

    def fetch(i):
        start.wait()
        results[i] = download(entry(file, data), progress=lambda d, t: seen[i].append(d))
    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results[0] == results[1] == hub() / file and results[0].read_bytes() == data
    assert server.gets[f"/models/{file}"] == 1
    assert all(s and s[-1] == len(data) for s in seen)     # both saw its progress


def test_two_callers_of_a_failing_download_both_get_its_error(server, checkpoint):
    file, data = checkpoint
    server.route(f"/models/{file}", send(data, delay=0.05, stop_after=len(data) // 2))
    start, errors = threading.Barrier(2), []

    def fetch():
        start.wait()
        try:
            download(entry(file, data))
        except DownloadError as e:
            errors.append(e.key)
    threads = [threading.Thread(target=fetch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == ["refusal.download.truncated"] * 2
    assert server.gets[f"/models/{file}"] == 1 and left_in_hub() == []


def test_a_cancelled_download_leaves_nothing_and_the_next_one_works(server, checkpoint):
    file, data = checkpoint
    server.route(f"/models/{file}", send(data))

    def cancel(done, total):
        if done > 2 * CHUNK:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        download(entry(file, data), progress=cancel)
    assert left_in_hub() == []
    assert download(entry(file, data)).read_bytes() == data


def test_a_killed_downloads_old_temporary_file_is_removed(server, checkpoint):
    file, data = checkpoint
    hub().mkdir(parents=True)
    old, recent = hub() / f".{file}.x1.partial", hub() / f".{file}.x2.partial"
    old.write_bytes(b"half")
    recent.write_bytes(b"another process, now")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    server.route(f"/models/{file}", send(data))
    download(entry(file, data))
    assert left_in_hub() == sorted([file, recent.name])


def test_no_connection_is_one_line_naming_the_host_and_the_mirror(checkpoint, monkeypatch):
    file, data = checkpoint
    with socket.socket() as s:          # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(registry, "DOWNLOAD_ROOT", f"http://127.0.0.1:{port}/models/")
    err = refused(entry(file, data))
    assert err.key == "refusal.download.unreachable"
    assert err.messages[0].values["why"].key == "refusal.download.why.refused"
    text = str(err)
    assert f"127.0.0.1:{port}" in text and MIRROR_ENV in text and "Errno" not in text
    assert left_in_hub() == []


def test_the_mirror_serves_the_same_file_name_with_the_same_checksum(server, checkpoint,
                                                                      monkeypatch):
    file, data = checkpoint
    server.route(f"/school/weights/{file}", send(data))
    monkeypatch.setenv(MIRROR_ENV, server.url("/school/weights"))
    assert download(entry(file, data)).read_bytes() == data
    assert server.gets == {f"/school/weights/{file}": 1}       # never the registry's URL
    (hub() / file).unlink()
    server.route(f"/school/weights/{file}", send(data[::-1]))
    assert refused(entry(file, data)).key == "refusal.download.checksum"
    monkeypatch.setenv(MIRROR_ENV, "ftp://files.school.example/weights")
    assert refused(entry(file, data)).key == "refusal.download.mirror"
    assert left_in_hub() == []


# -- the loader and the command line --------------------------------------------------------
@pytest.fixture(scope="module")
def network_checkpoint() -> tuple[str, bytes, dict]:
    """A width-1.0, 1000-class MobileNetV2 state dict (seeded), published as torchvision
    publishes: what the loader and the command line check a download against."""
    from model.mobilenetv2 import mobilenet_v2
    from model.weights import load_weights
    state = load_weights(mobilenet_v2(), "random", seed=5).state_dict()
    return (*published(state), state)


@pytest.fixture
def imagenet_v1(server, network_checkpoint, monkeypatch):
    """ "imagenet-v1" in the registry as the generated checkpoint, served by the loopback."""
    file, data, state = network_checkpoint
    monkeypatch.setitem(registry.WEIGHTS, "imagenet-v1", entry(file, data))
    server.route(f"/models/{file}", send(data))
    return file, data, state


def test_the_loader_downloads_a_missing_checkpoint_and_loads_it_weights_only(imagenet_v1):
    from model.mobilenetv2 import mobilenet_v2
    from model.weights import load_weights
    file, _, state = imagenet_v1
    net = load_weights(mobilenet_v2(), "imagenet-v1")
    assert all(torch.equal(net.state_dict()[k], v) for k, v in state.items())
    assert left_in_hub() == [file]


def test_the_loader_says_a_failed_download_in_one_line(imagenet_v1, server):
    from model.mobilenetv2 import mobilenet_v2
    from model.weights import WeightsError, load_weights
    file, data, _ = imagenet_v1
    server.route(f"/models/{file}", status(404))
    with pytest.raises(WeightsError) as info:
        load_weights(mobilenet_v2(), "imagenet-v1")
    text = str(info.value)
    assert text.startswith("the imagenet-v1 weights are not on this machine and could not be "
                           "downloaded: ") and "HTTP error 404" in text and "\n" not in text


def test_the_command_line_downloads_with_a_progress_bar_and_checks_the_file(imagenet_v1, capsys):
    from model.weights import main
    file, data, _ = imagenet_v1
    assert main(["download", "imagenet-v1"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == str(hub() / file)
    assert "imagenet-v1 [" in err and "MB/s" in err and "/" in err
    assert main(["download", "imagenet-v1"]) == 0          # there: nothing fetched again
    assert "already downloaded" in capsys.readouterr().err


def test_the_command_line_fails_with_one_line_and_status_1(imagenet_v1, server, capsys):
    from model.weights import main
    file, data, _ = imagenet_v1
    server.route(f"/models/{file}", send(b"0" * 1000))
    assert main(["download", "all"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: imagenet-v1: ") and "checksum" in err[-1]
    assert left_in_hub() == []


# -- the app's download: one per server ------------------------------------------------------
def test_thirty_sessions_pressing_download_cause_one_download(imagenet_v1, server):
    from services import jobs
    from services import weight_download as downloads
    file, data, _ = imagenet_v1
    server.route(f"/models/{file}", send(data, delay=0.005))
    start, seen = threading.Barrier(30), []

    def press():
        start.wait()
        seen.append(downloads.start("imagenet-v1"))
    threads = [threading.Thread(target=press) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    job = seen[0]
    assert len(seen) == 30 and all(j is job for j in seen)
    assert job.wait(60) and job.state == jobs.DONE, job.error
    assert server.gets[f"/models/{file}"] == 1 and not downloads.missing("imagenet-v1")
    state = downloads.transfer("imagenet-v1")
    assert state.done == state.total == len(data) and job.fraction == 1.0
    # Done and the file deleted since: the next press downloads again.
    (hub() / file).unlink()
    assert downloads.job("imagenet-v1") is None
    again = downloads.start("imagenet-v1")
    assert again is not job and again.wait(60) and again.state == jobs.DONE
    assert server.gets[f"/models/{file}"] == 2


def test_a_failed_download_job_keeps_its_refusal_and_is_tried_again(imagenet_v1, server):
    from services import jobs
    from services import weight_download as downloads
    file, data, _ = imagenet_v1
    server.route(f"/models/{file}", status(500))
    job = downloads.start("imagenet-v1")
    assert job.wait(30) and job.state == jobs.FAILED
    assert job.error.key == "refusal.download.http" and "500" in job.error.render("ko")
    server.route(f"/models/{file}", send(data))
    again = downloads.start("imagenet-v1")
    assert again is not job and again.wait(30) and again.state == jobs.DONE


@pytest.fixture(autouse=True)
def _no_download_jobs_between_tests():
    from services import weight_download as downloads
    yield
    for source in registry.IMAGENET:
        job = downloads.DOWNLOADS.get(source)
        if job is not None:
            job.wait(30)
            downloads.DOWNLOADS.forget(source)
