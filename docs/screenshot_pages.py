"""Screenshots of app pages for the README: ``python docs/screenshot_pages.py live block``.

Starts ``streamlit run app/main.py`` on a free local port, waits for /_stcore/health, opens
each url path with Playwright driving Debian's Chromium (never `playwright install`), waits
until the page has stopped running, saves ``docs/screenshot_<path>.png`` and stops the server
by its PID.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not become healthy on port {port} in {timeout} s")


def shoot(page, url: str, out: Path, settle_s: float, height: int) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
    deadline = time.time() + 240
    # Streamlit shows a "running" status widget while the script runs.
    while time.time() < deadline:
        time.sleep(1.0)
        if page.locator("[data-testid='stStatusWidget']").count() == 0:
            break
    time.sleep(settle_s)  # let Plotly finish drawing
    page.set_viewport_size({"width": 1400, "height": height})
    page.screenshot(path=str(out), full_page=False)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("paths", nargs="+", help="url paths, e.g. live block")
    p.add_argument("--query", default="", help="extra query string, e.g. 'lang=ko'")
    p.add_argument("--height", type=int, default=1800)
    p.add_argument("--settle", type=float, default=4.0)
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app/main.py", "--server.headless", "true",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        wait_healthy(port)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            # A first visit to the home page warms the fresh server (imports, caches), so
            # the pages' screenshots are not taken while it is still starting.
            shoot(page, f"http://127.0.0.1:{port}/", ROOT / "docs" / ".warmup.png", 0, 900)
            (ROOT / "docs" / ".warmup.png").unlink(missing_ok=True)
            for path in args.paths:
                out = ROOT / "docs" / f"screenshot_{path}.png"
                query = f"?{args.query}" if args.query else ""
                shoot(page, f"http://127.0.0.1:{port}/{path}{query}", out, args.settle, args.height)
                print(f"wrote {out.relative_to(ROOT)}")
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
