"""One real browser (Playwright + Debian Chromium) against `streamlit run`: open the app, go to
the ReLU page, change n, see the chart redraw, save a screenshot to tests/artifacts/."""
import pytest

from devtools.local_server import CHROMIUM_ARGS, running_app
from conftest import ARTIFACTS, need_chromium

pytestmark = pytest.mark.browser


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
            for _ in range(4):      # the focused slider (the locator's press waits for the page)
                page.keyboard.press("ArrowRight")
            expect(page.locator(".js-plotly-plot").nth(1).locator("text.gtitle")).to_contain_text(
                "n = 12", timeout=60_000)
            # The link now reproduces the view (Streamlit updates it after the rerun).
            page.wait_for_function("location.search.includes('n=12')", timeout=30_000)
            page.wait_for_timeout(500)  # let plotly finish its transition before the picture
            page.screenshot(path=str(ARTIFACTS / "relu_page.png"), full_page=True)

            # A download menu draws its buttons when opened (a rerun), and they download.
            # (filtered by its text: Plotly's toolbar has "Download plot as a PNG" buttons)
            page.get_by_role("button").filter(has_text="Download").first.click()
            html = page.get_by_role("button", name="HTML", exact=True)
            expect(html).to_be_visible(timeout=60_000)
            with page.expect_download(timeout=60_000) as download:
                html.click()
            assert download.value.suggested_filename.endswith(".html")
            assert b"plotly" in open(download.value.path(), "rb").read()[:2_000_000].lower()
        finally:
            browser.close()
    assert (ARTIFACTS / "relu_page.png").stat().st_size > 10_000


def test_evidence_tab_keeps_its_place_and_draws_the_queued_result(server):
    """In Chromium: a bad upload in the evidence tab, opened from a link with an odd value (its
    notice stays while the value it names holds), reruns the page without sending the student back to
    the first tab; a measurement started from a link shows its progress, draws its
    result when done, and then the page stops asking the server."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(f"{server}/live?ev_set=upload&ev_run=1&res=64&ev_probe=<i>z</i>", timeout=90_000)
            # The tab is chosen once the first run has drawn it: a tab clicked while the page's
            # first run is still arriving can be drawn again as the first (seen once under load;
            # what this test checks is the rerun after the upload).
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').last.wait_for(
                state="attached", timeout=90_000)
            page.wait_for_function(
                "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
            page.get_by_role("tab", name="Evidence over a data set").click(timeout=90_000)
            expect(page.locator("[role=tab][aria-selected=true]")).to_have_text(
                "Evidence over a data set")
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').last.set_input_files(
                [{"name": "notes.png", "mimeType": "image/png", "buffer": b"plain text"}])
            expect(page.get_by_text("Left out: notes.png")).to_be_visible(timeout=90_000)
            expect(page.locator("[role=tab][aria-selected=true]")).to_have_text(
                "Evidence over a data set")

            sent = []
            page.on("websocket", lambda ws: ws.on("framesent", lambda f: sent.append(f)))
            page.goto(f"{server}/live?ev_run=1&ev_n=24&compare=none&res=64", timeout=90_000)
            page.get_by_role("tab", name="Evidence over a data set").click(timeout=90_000)
            expect(page.get_by_text("Figure 7 inside every block").first).to_be_visible(
                timeout=240_000)
            page.wait_for_timeout(1500)
            before = len(sent)
            page.wait_for_timeout(3000)
            assert len(sent) == before, "the page kept polling after its result was drawn"
        finally:
            browser.close()
