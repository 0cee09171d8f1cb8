"""Speed of the "ReLU and manifolds" page: ``python bench/relu_page.py``.

1. Server-side rerun after a width-slider change at N = 2000 points, n near 256 (target
   <= 0.15 s). Measured with Streamlit's AppTest (the script run the server does, without the
   browser). Each trial moves the slider to a width not seen before (256, 255, ...), so the
   one-width view is recomputed every time. Baseline in the same run: the same rerun with every
   cache cleared (what the page would cost without its caches).
2. Cold start to the first drawn page (target <= 4 s): spawn ``streamlit run``, open the page in
   headless Chromium, stop the clock when its charts are drawn. Both the home page and the
   ReLU page (all four charts drawn) are timed, each on a fresh server.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

RERUN_TARGET_S = 0.15
COLD_TARGET_S = 4.0


def bench_rerun(trials: int = 7) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from devtools.local_server import APP

    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params.update({"points": "2000", "n": "200"})
    at.run()
    t0 = time.perf_counter()
    at.switch_page("views/relu_manifolds.py").run()  # computes the grid and the sweep once
    first = time.perf_counter() - t0
    assert not at.exception, at.exception
    slider = lambda: at.slider(key="url_n")  # noqa: E731 - the element list is rebuilt every run
    fresh = []
    for n in range(256, 256 - trials, -1):
        slider().set_value(n)
        t0 = time.perf_counter()
        at.run()
        fresh.append(time.perf_counter() - t0)
        assert not at.exception and f"n = {n}," in at.get("plotly_chart")[1].proto.spec
    slider().set_value(256)
    t0 = time.perf_counter()
    at.run()
    cached = time.perf_counter() - t0
    baseline = []
    for _ in range(2):
        st.cache_resource.clear()
        t0 = time.perf_counter()
        at.run()
        baseline.append(time.perf_counter() - t0)
    return {"fresh": fresh, "cached": cached, "baseline": baseline, "first": first}


def bench_cold(path: str, charts: int) -> dict:
    """Seconds from spawning `streamlit run` to milestones at ``path``: "title" (the page's
    h1 drawn), and with ``charts`` > 0 "first chart" and "all charts" (plotly SVG drawn)."""
    from playwright.sync_api import sync_playwright

    from devtools.local_server import CHROMIUM_ARGS, free_port, start_streamlit, stop

    times = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 2000})
        port = free_port()
        t0 = time.perf_counter()
        proc = start_streamlit(port)
        try:
            url = f"http://127.0.0.1:{port}/{path}"
            while True:  # the browser retries until the server answers, like a user would
                try:
                    page.goto(url, timeout=5000)
                    break
                except Exception:  # noqa: BLE001 - connection refused while starting
                    if time.perf_counter() - t0 > 120:
                        raise
                    time.sleep(0.05)
            page.locator("h1").first.wait_for(timeout=120_000)
            times["title"] = time.perf_counter() - t0
            if charts:
                svg = page.locator(".js-plotly-plot .main-svg")
                svg.first.wait_for(timeout=120_000)
                times["first chart"] = time.perf_counter() - t0
                svg.nth(charts * 2 - 1).wait_for(timeout=120_000)
                times["all charts"] = time.perf_counter() - t0
        finally:
            stop(proc)
            browser.close()
    return times


def main() -> None:
    import os

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    r = bench_rerun()
    fresh_med, fresh_max = statistics.median(r["fresh"]), max(r["fresh"])
    base = statistics.median(r["baseline"])
    print("ReLU page, N = 2000 points, slider moved to a new n in 250..256 (AppTest, server side)")
    print(f"  rerun, one-width view recomputed: median {fresh_med:.3f} s, max {fresh_max:.3f} s "
          f"(target {RERUN_TARGET_S} s: median/target = {fresh_med / RERUN_TARGET_S:.2f})")
    print(f"  rerun, n = 256 again (cached):     {r['cached']:.3f} s")
    print(f"  baseline, every cache cleared:     median {base:.3f} s "
          f"(slider rerun / baseline = {fresh_med / base:.3f}, {base / fresh_med:.0f}x faster)")
    print(f"  first run of the page in this process (caches empty): {r['first']:.3f} s")
    home = bench_cold("", 0)
    relu = bench_cold("relu?points=1000", 4)
    print("Cold start (spawn streamlit run -> drawn in headless Chromium; target "
          f"{COLD_TARGET_S} s)")
    print(f"  home page title drawn:          {home['title']:.2f} s (ratio {home['title'] / COLD_TARGET_S:.2f})")
    for name in ("title", "first chart", "all charts"):
        print(f"  ReLU page, {name + ' drawn:':<20} {relu[name]:.2f} s (ratio {relu[name] / COLD_TARGET_S:.2f})")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
