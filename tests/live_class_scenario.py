"""One live class in real Chromium, the same on ``python -m app`` and behind the proxy
(tests/test_live_class_browser.py, tests/test_live_class_cluster.py): a teacher at 1280 x 720
and three students (one at phone size in Korean, one who types the code on the home page).

Students follow the teacher's slides, a poll opens and closes, the teacher's histogram counts
the three answers, "Explore from here" opens the slide's page and "Back to the class" returns
to the teacher's current slide, a student cannot move the class, and hostile join links are
refused in the page's language without running anything. Everything on 127.0.0.1.
"""
from __future__ import annotations

import time
from pathlib import Path

from devtools.local_server import CHROMIUM, CHROMIUM_ARGS

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 720}
SLOW = 90_000                 # ms: a cold slide on the loaded 2-core machine
FOLLOW_S = 5.0                # the test's bound on following (the bench measures the p95)
COOKIE = "MANIFOLD_LAB_REPLICA"


LINES_OF = """(part) => {
  // How many lines the teacher's join link spreads ``part`` over, as laid out.
  const link = document.querySelector('.class-link');
  const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(part);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + part.length);
    return new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size;
  }
  return 0; }"""


def _slide_shown(page, number: int, timeout: float = SLOW) -> None:
    page.wait_for_selector(f"[data-class-slide='{number}']", state="attached", timeout=timeout)


def _poll_counts(page) -> list[int]:
    return page.evaluate("""() => {
      const plot = document.querySelector('.st-key-class_poll_chart .js-plotly-plot');
      return plot && plot.data ? Array.from(plot.data[0].x) : null; }""")


def _wait_counts(page, expected: list[int], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while (counts := _poll_counts(page)) != expected:
        assert time.monotonic() < deadline, f"teacher's histogram {counts}, expected {expected}"
        time.sleep(0.3)


def _follow_time(teacher, students, number: int) -> list[float]:
    """Press Next on the teacher's screen; seconds until each student shows slide ``number``."""
    started = time.monotonic()
    teacher.click(".st-key-presenter_next button")
    times = []
    for s in students:
        _slide_shown(s, number, timeout=SLOW)
        times.append(time.monotonic() - started)
    return times


def _readable(page) -> None:
    """No block of the page runs into the next (a block 1rem shorter than its content, as
    Streamlit's -1rem margin under Markdown made each text block; a large heading's tight line
    box pokes out 2 px, inside the gap), and the slide's figure is drawn at least 640 px wide
    (on a phone it scrolls sideways rather than squeezing three panels into 390 px)."""
    short = page.evaluate("""() => Array.from(document.querySelectorAll(
        '[data-testid=stMain] [data-testid=stElementContainer]'))
      .filter(e => getComputedStyle(e).overflowY === 'visible' && e.scrollHeight > e.clientHeight + 4)
      .map(e => e.innerText.slice(0, 60))""")
    assert short == [], short
    width = page.evaluate("""() => { const p = document.querySelector(
        '[class*=st-key-follow_] .js-plotly-plot'); return p && p._fullLayout.width; }""")
    assert width is None or width >= 640, width


def _answer(page, slide: int, choice: int) -> None:
    box = page.locator(f".st-key-class_answer_{slide}")
    box.wait_for(timeout=30_000)
    box.locator("[role=radiogroup] label").nth(choice).click()
    page.click(f".st-key-class_send_{slide} button")
    page.wait_for_selector("[data-testid=stAlertContentSuccess]", timeout=30_000)


def run(base: str, label: str, shots: Path) -> dict:
    """The whole class at ``base``; returns what it measured (follow times, replicas).
    ``shots``: the folder for its screenshots (the join, the phone, the poll)."""
    shots.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            contexts = [browser.new_context(viewport=v) for v in (WIDE, PHONE, WIDE, WIDE)]
            teacher, phone, laptop, typist = (c.new_page() for c in contexts)
            for p in (teacher, phone, laptop, typist):
                p.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

            # The teacher starts a class: code, QR and link; no key anywhere on the page.
            teacher.goto(f"{base}/presenter?lang=en")
            teacher.wait_for_selector("[data-testid=stPlotlyChart]", timeout=SLOW)
            teacher.click(".st-key-class_start button")
            teacher.wait_for_selector(".class-code", timeout=60_000)
            code = teacher.inner_text(".class-code").strip()
            link = teacher.inner_text(".class-link").strip()
            assert link.endswith(f"/presenter?class={code}&lang=en"), link
            # Where the link wraps, it wraps before a parameter, never inside "lang=en".
            assert teacher.evaluate(LINES_OF, "lang=en") == 1
            assert teacher.locator("img[alt=QR]").bounding_box()["width"] >= 300
            teacher.screenshot(path=str(shots / f"live_class_{label}_join.png"))
            teacher.click(".st-key-class_join_toggle button")

            # Two students open the link (one on a phone, in Korean); one types the code.
            phone.goto(link.replace("lang=en", "lang=ko"))
            laptop.goto(link)
            typist.goto(f"{base}/?lang=en")
            typist.fill(".st-key-class_join_code input", code.lower())
            typist.keyboard.press("Enter")
            students = [phone, laptop, typist]
            for s in students:
                _slide_shown(s, 1)
            assert "수업을 따라가는 중" in phone.inner_text("body")
            phone.wait_for_selector("[class*=st-key-follow_] .main-svg", timeout=SLOW)
            _readable(phone)
            phone.screenshot(path=str(shots / f"live_class_{label}_phone.png"))

            # They follow the teacher's Next.
            follow = _follow_time(teacher, students, 2)
            assert max(follow) < FOLLOW_S + 10, follow      # cold slide included

            # A student cannot move the class: no controls, keys do nothing, a link's slide
            # is not the class's.
            assert laptop.locator(".st-key-presenter_next").count() == 0
            laptop.keyboard.press("ArrowRight")
            laptop.goto(f"{base}/presenter?class={code}&slide=5&lang=en")
            _slide_shown(laptop, 2)
            time.sleep(1.5)
            assert teacher.url.count("slide=2") == 1
            _slide_shown(phone, 2, timeout=1000)

            # A poll: the figure waits, three answers, the teacher's histogram counts them.
            teacher.click(".st-key-class_poll_open button")
            _answer(phone, 2, 2)
            _answer(laptop, 2, 2)
            _answer(typist, 2, 0)
            assert laptop.locator("[data-testid=stPlotlyChart]").count() == 0
            _wait_counts(teacher, [1, 0, 2, 0])
            teacher.click(".st-key-class_poll_close button")
            laptop.wait_for_selector(".st-key-class_results", timeout=30_000)
            phone.wait_for_selector(".st-key-class_results", timeout=30_000)
            # the teacher's page shows the measured value once its own rerun after the close
            # is drawn (the students' came first in one loaded run)
            teacher.wait_for_function("document.body.innerText.includes('measured')",
                                      timeout=30_000)
            teacher.screenshot(path=str(shots / f"live_class_{label}_poll.png"))
            phone.screenshot(path=str(shots / f"live_class_{label}_phone_poll.png"))
            _readable(phone)
            _readable(laptop)

            # Explore from here: the slide's page with its settings; the class goes on; back.
            laptop.click(".st-key-class_explore button")
            laptop.wait_for_function("location.pathname.endsWith('/relu')", timeout=60_000)
            assert "seed=0" in laptop.url and "class=" not in laptop.url
            laptop.wait_for_selector("[data-testid=stPlotlyChart]", timeout=SLOW)
            teacher.click(".st-key-presenter_back button")
            _slide_shown(phone, 1)
            laptop.get_by_text("Back to the class").click()
            _slide_shown(laptop, 1)

            # Hostile join links: refused in the page's language, shown as text.
            hostile = laptop
            for raw, words in (("%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", "is not a class code"),
                               ("ZZZZZZ", "There is no open class"),
                               ("A" * 3000, "is not a class code"),
                               ("javascript:alert(1)", "수업 코드가 아닙니다")):
                lang = "ko" if "javascript" in raw else "en"
                hostile.goto(f"{base}/presenter?class={raw}&lang={lang}")
                hostile.wait_for_selector("[data-testid=stAlertContentError]", timeout=60_000)
                text = hostile.inner_text("[data-testid=stAlertContentError]")
                assert words in text, text
                assert hostile.locator("[data-testid=stMain] img[src=x]").count() == 0
            assert dialogs == []
            replicas = sorted({next((c["value"] for c in ctx.cookies() if c["name"] == COOKIE), "")
                               for ctx in contexts})

            # The teacher ends the class: followers are told, the code is gone.
            teacher.click(".st-key-class_end button")
            phone.wait_for_selector("[data-testid=stAlertContentError]", timeout=30_000)
            return {"code": code, "follow_s": follow, "replicas": replicas}
        finally:
            browser.close()
