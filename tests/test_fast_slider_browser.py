"""Fast interaction never greys the page out with a connection dialog (issue 26).

A teacher stepping a slider with the arrow keys once got Streamlit's "Connection error ...
Cached ForwardMsg MISS" dialog over the whole page (Streamlit's issue 11357: the browser is
told to reuse a cached message the server has already let go). Every slider of every page
that redraws in the page is stepped 50 times at 10 steps per second in Chromium; then the
page must draw, with no dialog.
"""
from __future__ import annotations

import pytest


pytestmark = [pytest.mark.browser, pytest.mark.slow]

STEP_MS = 100          # 10 steps per second
# (page, its sliders' labels as Chromium names them, in English).
SLIDERS = {
    # The sidebar's sliders (points, noise, seeds) each start a new seeds sweep: stepping
    # them 50 times queues 25 sweeps of minutes, a load test, not this one.
    "relu": ["Width n of the hidden layer"],
    "live": ["Mosaic: block"],
    "block": ["expansion t"],
}

# Each page's link. The ReLU page with its fewest points: every step of n redraws its 64
# frames of the spiral in Chromium, 2.4 s a step with the default 1,000 points on a slow
# 2-core machine (the presses then waited for the drawing: 0.4 steps a second, not 10); its
# messages stay large enough for Streamlit's cache, which is what the dialog came from.
QUERY = {"relu": "points=100", "live": "res=64", "block": "res=64"}


@pytest.mark.parametrize("url_path", list(SLIDERS))
def test_fifty_fast_steps_leave_no_connection_dialog(app_url, chromium, url_path):
    from playwright.sync_api import expect
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{app_url}/{url_path}?{QUERY[url_path]}", timeout=120_000)
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=180_000)
        for label in SLIDERS[url_path]:
            slider = page.get_by_role("slider", name=label).first
            slider.scroll_into_view_if_needed(timeout=60_000)
            slider.focus()
            start, moved = slider.get_attribute("aria-valuetext"), None
            for step in range(50):
                # The keyboard, not the locator's press: that one first waits for the slider
                # to hold still between two animation frames, and each step redraws the page
                # (1.3 s a press on the ReLU page on a slow 2-core machine, not 0.1 s).
                page.keyboard.press("ArrowRight" if step < 25 else "ArrowLeft")
                page.wait_for_timeout(STEP_MS)
                if step == 24:
                    moved = slider.get_attribute("aria-valuetext")
            # The presses reached the slider: it moved up, and down again (at its ends the
            # steps stop there).
            end = slider.get_attribute("aria-valuetext")
            assert moved != start and end != moved, (start, moved, end)
            page.wait_for_function(
                "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=240_000)
            page.wait_for_timeout(1500)
            body = page.locator("body").inner_text()
            assert "Connection error" not in body and "ForwardMsg" not in body, body[:500]
            assert not page.locator('[role="dialog"]').count()
        expect(page.locator(".js-plotly-plot").first).to_be_visible()
    finally:
        page.close()
