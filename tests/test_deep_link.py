"""A shared link opened as the very first visit after the server starts (a real browser
against `streamlit run`): /presenter?slide=2&lang=ko must show slide 2 in Korean, with the
sidebar's settings applied (the link gains seed=0). With the pages in a folder named `pages/`,
Streamlit's legacy multipage mode ran the page file alone in that case, ignoring the language;
they live in `app/views/` for that reason. Saves a screenshot of the slide."""
import pytest
from playwright.sync_api import sync_playwright

from conftest import ARTIFACTS, need_chromium
from i18n import t
from devtools.local_server import CHROMIUM_ARGS, free_port, start_streamlit, stop, wait_healthy

pytestmark = pytest.mark.browser


def test_first_visit_straight_to_presenter_applies_link_settings():
    need_chromium()
    port = free_port()
    proc = start_streamlit(port)
    try:
        wait_healthy(port, proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/presenter?slide=2&lang=ko")
            title = t("lecture.collapse.title", "ko")
            page.get_by_role("heading", name=title).wait_for(timeout=90_000)
            page.locator(".js-plotly-plot").first.wait_for(timeout=90_000)
            page.wait_for_url("**seed=0**", timeout=30_000)
            assert page.get_by_role("button", name=t("presenter.next", "ko")).is_visible()
            assert not page.locator('section[data-testid="stSidebar"]').is_visible()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "presenter_slide2_ko.png"))
            browser.close()
    finally:
        stop(proc)
