"""Screenshots of app pages for the README: ``python docs/screenshot_pages.py live block``.

Starts ``streamlit run app/main.py`` on a free local port, waits for /_stcore/health, opens
each url path with Playwright driving Debian's Chromium (never `playwright install`), waits
until the page has stopped running, saves ``docs/screenshot_<path>.png`` and stops the server
by its PID.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools.local_server import CHROMIUM_ARGS, free_port, start_streamlit, stop, wait_healthy  # noqa: E402


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
    server = start_streamlit(port)
    try:
        wait_healthy(port, server)
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
        stop(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
