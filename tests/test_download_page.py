"""The live page's Download button for ImageNet weights (app/weight_download.py), pressed in
Streamlit's AppTest against an HTTP server on a loopback port (tests/loopback.py): a failure
is one line in the page's language with the button to try again; a success puts the verified
file in torch hub's cache (a temporary TORCH_HOME) and the choice no longer says "not
downloaded". The weights are not loaded here: the Dask worker would look for the real file
(tests/test_live_page.py loads a file in the hub cache; tests/test_download.py the loader's
download).
"""
from __future__ import annotations

import socket

import pytest

import model.registry as registry
from conftest import open_page, shown
from loopback import Loopback, published, send
from model.download import MIRROR_ENV
from services import jobs
from services import weight_download as downloads

pytestmark = pytest.mark.app

KEY = "download_imagenet-v1"


@pytest.fixture(autouse=True)
def empty_hub(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    for name in (MIRROR_ENV, "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    yield
    job = downloads.DOWNLOADS.get("imagenet-v1")
    if job is not None:
        job.wait(30)
        downloads.DOWNLOADS.forget("imagenet-v1")


def press(at, *, then_run: bool = True):
    """Press the Download button and wait for the download the press started; then run the
    page again (``then_run``)."""
    [button] = [b for b in at.button if b.key == KEY]
    button.click().run()
    assert not at.exception, at.exception
    job = downloads.DOWNLOADS.get("imagenet-v1")
    assert job is not None and job.wait(60)
    if then_run:
        at.run()
        assert not at.exception, at.exception
    return job


@pytest.fixture
def offline(monkeypatch) -> str:
    """A mirror nobody listens on (no network, and nothing outside is tried): its address."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        address = f"127.0.0.1:{s.getsockname()[1]}"
    monkeypatch.setenv(MIRROR_ENV, f"http://{address}/")
    return address


def test_offline_the_download_fails_in_one_line_and_the_page_goes_on(offline):
    at = open_page("views/live.py", weights="imagenet-v1", compare="none", res="64")
    assert not at.error
    assert any("14.2 MB" in i.value and "trained default" in i.value for i in at.info)
    job = press(at)
    assert job.state == jobs.FAILED
    [error] = [shown(e.value) for e in at.error]
    assert error.startswith("The download of torchvision ImageNet V1 failed: could not "
                            f"reach {offline} (the connection was refused)"), error
    assert "\n" not in error and "Errno" not in error and MIRROR_ENV in error
    assert [b.label for b in at.button if b.key == KEY] == ["Try the download again (14.2 MB)"]
    assert len(at.get("plotly_chart")) >= 1          # the trained default is shown meanwhile


def test_another_sessions_failed_download_is_said_in_korean(offline):
    """A session opening the page after a download failed sees why, in its language. (AppTest
    cannot press a button on a Korean page: it reads the widgets' options in English.)"""
    job = downloads.start("imagenet-v1")
    assert job.wait(60) and job.state == jobs.FAILED
    at = open_page("views/live.py", weights="imagenet-v1", compare="none", res="64", lang="ko")
    [error] = [shown(e.value) for e in at.error]
    assert "다운로드에 실패했습니다" in error and "연결할 수 없습니다" in error and offline in error
    assert [b.label for b in at.button if b.key == KEY] == ["다시 다운로드 (14.2 MB)"]


def test_the_download_puts_the_verified_file_in_the_hub_cache(monkeypatch):
    import torch
    file, data = published({"w": torch.arange(400_000.0)})
    entry = registry.WeightSpec(**{**registry.WEIGHTS["imagenet-v1"].__dict__, "file": file,
                                   "download_mib": len(data) / (1 << 20)})
    monkeypatch.setitem(registry.WEIGHTS, "imagenet-v1", entry)
    with Loopback() as server:
        server.route(f"/models/{file}", send(data))
        monkeypatch.setattr(registry, "DOWNLOAD_ROOT", server.url("/models/"))
        # Compared with: the page compares nothing until the file is here.
        at = open_page("views/live.py", weights="embedded", compare="imagenet-v1", res="64")
        assert any("(not downloaded)" in o for o in at.selectbox[1].options)
        job = press(at, then_run=False)     # run now, the worker would load the weights
        assert job.state == jobs.DONE and server.gets[f"/models/{file}"] == 1
    assert (registry.hub_checkpoints() / file).read_bytes() == data
    at = open_page("views/live.py", weights="embedded", compare="none", res="64")
    labels = at.selectbox[1].options
    assert "torchvision ImageNet V1" in labels, labels
