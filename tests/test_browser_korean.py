"""Korean and legible in a real browser (issue 9), at a projector's 1280 x 720: every page's
title and sidebar entry has Hangul, and no chart text on the pages is smaller than 14 px."""
import re

import pytest

from conftest import need_chromium
from devtools.local_server import CHROMIUM_ARGS, free_port, start_streamlit, stop, wait_healthy
from figures.style import MIN_FONT

pytestmark = pytest.mark.browser

HANGUL = re.compile("[가-힣]")
PAGES = ["", "relu", "live", "block"]
# Plotly's text elements that are drawn (not empty, with a size), with their CSS font size.
CHART_TEXT_SIZES = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
    .filter(e => e.textContent.trim() && e.getBBox().width > 0)
    .map(e => [parseFloat(getComputedStyle(e).fontSize), e.textContent.slice(0, 40)])"""


@pytest.fixture(scope="module")
def browser_page():
    need_chromium()
    from playwright.sync_api import sync_playwright
    port = free_port()
    proc = start_streamlit(port)
    try:
        wait_healthy(port, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            yield page, f"http://127.0.0.1:{port}"
            browser.close()
    finally:
        stop(proc)


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=180_000)
    # Until the script has finished, Streamlit shows its running status widget.
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                           timeout=240_000)


@pytest.mark.parametrize("path", PAGES)
def test_korean_page_title_sidebar_and_chart_text(browser_page, path):
    page, base = browser_page
    _open(page, f"{base}/{path}?lang=ko")
    title = page.locator("h1").first.inner_text()
    assert HANGUL.search(title) or title == "Manifold Lab", title
    entries = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
    assert len(entries) >= 4
    assert [e for e in entries if not HANGUL.search(e)] == []
    small = [(size, text) for size, text in page.evaluate(CHART_TEXT_SIZES) if size < MIN_FONT]
    assert small == []
