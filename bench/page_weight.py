"""Page weight: the figure data each page sends at its defaults, and the time from navigation
to every chart drawn in a cold browser.

    python bench/page_weight.py [--no-browser] [--screenshots]

Three views of each page (ReLU, live, block, presenter) at default settings, English:

1. Websocket (what the browser is sent): a fresh protocol client per page (bench/_student.py,
   empty message cache) against ``streamlit run``; bytes of every plotly_chart's figure JSON,
   and of all messages of the page's run.
2. AppTest: the sum of the plotly_chart protos' figure JSON, the same numbers without a
   server (tests/test_page_weight.py holds each page to the goal this way).
3. Headless Chromium (Debian's, devtools/local_server.py flags), a new browser context per
   page (empty cache): seconds from ``page.goto`` to every ``.js-plotly-plot`` of the page
   drawn (its plot area present), with the server's caches already filled by view 1.

``--screenshots``: the figures that ``figures.compact`` shrinks, drawn by plotly.js at full
precision and compacted, compared pixel by pixel (the "no visible change" check).
Goal: at most 1 MB (10^6 bytes) of figure data per page.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench._student import Student  # noqa: E402
from devtools.local_server import (CHROMIUM, CHROMIUM_ARGS, free_port, start_streamlit,  # noqa: E402
                                   stop, wait_healthy)

GOAL_BYTES = 1_000_000
PAGES = {"relu": "views/relu_manifolds.py", "live": "views/live.py", "block": "views/block.py",
         "presenter": "views/presenter.py"}


async def websocket_weight(port: int, page: str) -> dict:
    """Figure bytes, all bytes and chart count of one page's first run for a fresh client."""
    async with Student(port, "en") as s:
        received = 0
        original = s._receive

        async def counting():
            nonlocal received
            msg = await original()
            received += msg.ByteSize()
            return msg

        s._receive = counting
        await s.rerun(page, "lang=en")
        return dict(figure_bytes=s.figure_bytes, all_bytes=received, charts=s.charts,
                    errors=s.errors)


def apptest_weight() -> dict[str, tuple[int, int]]:
    """{page: (figure JSON bytes, charts)} from AppTest's plotly_chart protos."""
    from runtime import configure
    configure()
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=300).run()
    out = {}
    for page, path in PAGES.items():
        at.switch_page(path).run()
        specs = [c.proto.spec for c in at.get("plotly_chart")]
        out[page] = (sum(len(s) for s in specs), len(specs))
    return out


DRAWN = """(n) => { const plots = [...document.querySelectorAll('.js-plotly-plot')];
  return plots.length >= n && plots.every(p => p._fullLayout && p.querySelector('.main-svg')); }"""


def browser_times(port: int, charts: dict[str, int]) -> dict[str, float]:
    """{page: seconds from navigation to all ``charts[page]`` charts drawn}, cold browser."""
    from playwright.sync_api import sync_playwright
    out = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for page, n in charts.items():
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                tab = context.new_page()
                t0 = time.perf_counter()
                tab.goto(f"http://127.0.0.1:{port}/{page}?lang=en")
                tab.wait_for_function(DRAWN, arg=n, timeout=180_000, polling=50)
                out[page] = time.perf_counter() - t0
                context.close()
        finally:
            browser.close()
    return out


def screenshot_diffs() -> list[tuple[str, int, int, int]]:
    """(figure, bytes full, bytes compact, pixels that differ) for the compacted builders at
    their defaults, each drawn by plotly.js in headless Chromium."""
    import copy

    import numpy as np
    import plotly.io as pio
    from PIL import Image
    from playwright.sync_api import sync_playwright

    from app.figure_sources import relu
    from app.settings.relu import default_settings
    settings = default_settings()                   # the page's own defaults
    out = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 600})
        for name, build in (("relu_figure1", relu.grid_figure), ("relu_one_width", relu.depth_figure)):
            small = build(settings).figure
            full = _uncompacted(build, settings)
            shots = []
            for label, fig in (("full", full), ("compact", small)):
                path = Path(tmp) / f"{name}_{label}.html"
                fig = copy.deepcopy(fig)
                fig.update_layout(width=1350, height=fig.layout.height or 480)
                pio.write_html(fig, path, include_plotlyjs=True, full_html=True,
                               config={"staticPlot": True})
                tab.goto(path.as_uri())
                tab.wait_for_function(DRAWN, arg=1, timeout=60_000)
                png = Path(tmp) / f"{name}_{label}.png"
                tab.locator(".js-plotly-plot").first.screenshot(path=str(png))
                shots.append(np.asarray(Image.open(png).convert("RGB"), dtype=np.int16))
            differ = int(np.any(shots[0] != shots[1], axis=-1).sum()) \
                if shots[0].shape == shots[1].shape else -1
            out.append((name, len(pio.to_json(full, validate=False)),
                        len(pio.to_json(small, validate=False)), differ))
        browser.close()
    return out


def _uncompacted(build, settings):
    """The builder's figure as it was before figures.compact: the same call with the
    traces' compaction (``figures.plain``'s ``compact_trace``) made a no-op."""
    from figures import plain
    saved = plain.compact_trace
    plain.compact_trace = lambda trace, *a, **k: trace
    try:
        return build(settings).figure
    finally:
        plain.compact_trace = saved


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium timing")
    ap.add_argument("--screenshots", action="store_true", help="compare full vs compact drawings")
    args = ap.parse_args(argv)
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")
    port = free_port()
    log = Path(tempfile.mktemp(prefix="page_weight_", suffix=".log"))
    server = start_streamlit(port, log=log)
    try:
        wait_healthy(port, server, timeout=120, log=log)
        ws = {page: asyncio.run(websocket_weight(port, page)) for page in PAGES}
        times = {} if args.no_browser else browser_times(
            port, {page: w["charts"] for page, w in ws.items()})
    finally:
        stop(server)
    at = apptest_weight()
    print(f"{'page':10} {'charts':>6} {'figure KB (ws)':>15} {'all KB (ws)':>12} "
          f"{'figure KB (AppTest)':>20} {'charts drawn s':>15}")
    ok = True
    for page in PAGES:
        w, (at_bytes, _at_charts) = ws[page], at[page]
        drawn = f"{times[page]:.2f}" if page in times else "-"
        print(f"{page:10} {w['charts']:6d} {w['figure_bytes'] / 1e3:15.1f} {w['all_bytes'] / 1e3:12.1f} "
              f"{at_bytes / 1e3:20.1f} {drawn:>15}")
        for e in w["errors"]:
            print("   error:", e)
        ok = ok and not w["errors"] and max(w["figure_bytes"], at_bytes) <= GOAL_BYTES
    if args.screenshots:
        for name, full, small, differ in screenshot_diffs():
            print(f"{name}: {full / 1e3:.1f} KB full precision -> {small / 1e3:.1f} KB compact, "
                  f"pixels that differ when drawn: {differ}")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"goal (<= {GOAL_BYTES / 1e6:g} MB of figure data per page at defaults): "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
