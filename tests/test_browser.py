"""One real browser (Playwright + Debian Chromium) against `streamlit run`: open the app, go to
the ReLU page, change n, see the chart redraw, save a screenshot to tests/artifacts/."""
import pytest

from devtools.local_server import CHROMIUM_ARGS, running_app
from conftest import ROOT, need_chromium

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"


def depth_title(page) -> str:
    """Title of the one-width chart (the second plotly chart on the page)."""
    return page.locator(".js-plotly-plot").nth(1).locator("text.gtitle").inner_text()


@pytest.fixture
def server():
    need_chromium()
    with running_app() as url:
        yield url


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
            expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=90_000)  # + n = 1..64 slider chart
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
