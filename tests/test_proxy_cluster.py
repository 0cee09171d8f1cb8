"""The one-machine cluster (``python -m app.cluster``): a Dask scheduler and worker, two app
replicas and HAProxy in front, driven by four real Chromium sessions through the proxy (two in
English, two in Korean): the sessions spread over both replicas, uploads reach the replica
that holds their session, a replica killed with SIGKILL leaves the others' sessions alone and
its own are connected to the live one within 10 s, their view restored from the link. Every
process is stopped by its PID, and none is left behind."""
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ARTIFACTS, ROOT, need_chromium
from devtools.local_server import CHROMIUM_ARGS, descendants, free_port, running_cluster

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.proxy]

COOKIE = "MANIFOLD_LAB_REPLICA"
RECONNECT_S = 10.0


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def listening_pid(port: int) -> int:
    import psutil
    return next(c.pid for c in psutil.net_connections("tcp")
                if c.status == "LISTEN" and c.laddr.port == port)


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """(proxy URL, replica ports, launcher log, launcher process) of a running cluster."""
    need_chromium()
    if not Path("/usr/sbin/haproxy").exists():
        pytest.fail("HAProxy is missing: .ci/run installs Debian's haproxy")
    with running_cluster(replicas=2, workers=1,
                         log_dir=tmp_path_factory.mktemp("cluster")) as cluster:
        yield cluster


def png(seed: int) -> bytes:
    import numpy as np
    from PIL import Image
    pixels = (np.random.default_rng(seed).random((90, 120, 3)) * 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def upload(page, name: str, seed: int) -> None:
    from playwright.sync_api import expect
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        [{"name": name, "mimeType": "image/png", "buffer": png(seed)}])
    expect(page.get_by_text(name).first).to_be_visible(timeout=60_000)
    # The top-5 chart of the uploaded image is drawn ("Top-5 예측" in Korean).
    expect(page.locator(".js-plotly-plot text.gtitle", has_text="Top-5").first).to_be_visible(
        timeout=90_000)


def problems(page) -> list[str]:
    """Tracebacks or error boxes on the page."""
    return page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]'
                        ).all_inner_texts()


def test_four_browsers_through_the_proxy_survive_a_killed_replica(hall):
    from playwright.sync_api import sync_playwright
    url, ports, log, launcher = hall
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            tabs = []
            for i, lang in enumerate(("en", "ko", "en", "ko")):
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                page = context.new_page()
                sockets: list = []
                page.on("websocket", lambda ws, s=sockets: s.append(time.monotonic()))
                page.goto(f"{url}/live?image=upload&res=64&lang={lang}", timeout=120_000)
                upload(page, f"student_{i}.png", i)
                tabs.append((context, page, sockets))
            replicas = [next(c["value"] for c in ctx.cookies() if c["name"] == COOKIE)
                        for ctx, _, _ in tabs]
            assert sorted(replicas) == ["r1", "r1", "r2", "r2"]   # both replicas, two each
            assert all(not problems(p) for _, p, _ in tabs)

            victim = listening_pid(ports[0])                       # replica r1
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            for (ctx, page, sockets), replica in zip(tabs, replicas):
                if replica == "r2":                                # untouched: works on
                    assert not problems(page)
                    continue
                deadline = killed_at + RECONNECT_S
                while not any(t > killed_at for t in sockets) and time.monotonic() < deadline:
                    page.wait_for_timeout(200)
                assert any(t > killed_at for t in sockets), "no new connection within 10 s"
                assert next(c["value"] for c in ctx.cookies() if c["name"] == COOKIE) == "r2"
                # The view from the link: an upload of one's own at 64 px; the file went with
                # the replica, and the next one lands on the live replica and draws.
                assert "image=upload" in page.url and "res=64" in page.url
                upload(page, f"again_{replica}.png", 99)
                assert not problems(page)
            tabs[1][1].screenshot(path=str(ARTIFACTS / "proxy_live_ko.png"))
            for _, page, _ in tabs:
                assert not problems(page)
        finally:
            browser.close()
    # The launcher starts the killed replica again.
    deadline = time.monotonic() + 30
    while "starting it again" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "replica 1" in log.read_text() and "starting it again" in log.read_text()


def test_sigterm_stops_every_process_it_started(hall):
    url, ports, log, launcher = hall
    started = set(descendants(launcher.pid))
    assert len(started) >= 5            # scheduler, nanny, worker, 2 replicas, proxy
    launcher.send_signal(signal.SIGTERM)
    assert launcher.wait(90) == 0
    left = [p for p in started if alive(p)]
    assert not left, f"left behind: {left}"
    assert "Manifold Lab cluster stopped" in log.read_text()


def test_a_missing_proxy_program_is_one_line_saying_how_to_install_it(tmp_path):
    python_only = tmp_path / "bin"
    python_only.mkdir()
    (python_only / "python").symlink_to(sys.executable)
    out = subprocess.run([sys.executable, "-m", "app.cluster", "--port", str(free_port())],
                         cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, PATH=str(python_only)))
    assert out.returncode == 1
    errors = [line for line in out.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "apt-get install haproxy" in errors[0], out.stderr
