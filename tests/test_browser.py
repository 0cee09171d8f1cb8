"""One real browser (Playwright + Debian Chromium) against `streamlit run`: open the app, go to
the ReLU page, change n, see the chart redraw, save a screenshot to tests/artifacts/."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import APP, ROOT, need_chromium

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_streamlit(port: int) -> subprocess.Popen:
    """`streamlit run app/main.py` on ``port`` (headless, no telemetry, no file watcher)."""
    cmd = [sys.executable, "-m", "streamlit", "run", APP, "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def wait_healthy(port: int, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early with status {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("streamlit did not become healthy")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def depth_title(page) -> str:
    """Title of the one-width chart (the second plotly chart on the page)."""
    return page.locator(".js-plotly-plot").nth(1).locator("text.gtitle").inner_text()


@pytest.fixture
def server():
    need_chromium()
    port = free_port()
    proc = start_streamlit(port)
    try:
        wait_healthy(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def test_relu_page_in_a_browser(server):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 2300})
            page.goto(server, timeout=90_000)
            expect(page.get_by_role("heading", name="Manifold Lab")).to_be_visible(timeout=90_000)
            page.get_by_role("link", name="ReLU and manifolds").first.click()
            expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=90_000)
            expect(page.locator(".js-plotly-plot").nth(1).locator("text.gtitle")).to_contain_text(
                "n = 8", timeout=60_000)

            slider = page.get_by_role("slider", name="Width n of the hidden layer")
            slider.focus()
            for _ in range(4):
                slider.press("ArrowRight")
            expect(page.locator(".js-plotly-plot").nth(1).locator("text.gtitle")).to_contain_text(
                "n = 12", timeout=60_000)
            # The link now reproduces the view (Streamlit updates it after the rerun).
            page.wait_for_function("location.search.includes('n=12')", timeout=30_000)
            page.wait_for_timeout(500)  # let plotly finish its transition before the picture
            page.screenshot(path=str(ARTIFACTS / "relu_page.png"), full_page=True)
        finally:
            browser.close()
    assert (ARTIFACTS / "relu_page.png").stat().st_size > 10_000
