"""Presenter mode in a real browser at a projector's 1280 x 720, in English and Korean: every
slide's title, chart, text and Next button inside the window before and after stepping, the
arrow keys step like a clicker, the next slide opens at its top, and no two text labels of a
chart overlap (bounding boxes of titles, subplot titles, axis titles, ticks and the legend)."""
import pytest

from figures.lecture import LECTURE

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 720}

# Boxes of a slide's parts, in CSS pixels of the window.
LAYOUT_JS = """() => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
                     return [r.left, r.top, r.right, r.bottom]; };
  const texts = [...document.querySelectorAll('[data-testid=stMarkdownContainer] p')];
  return {title: box(document.querySelector('h1')),
          next: box(document.querySelector('.st-key-presenter_next button')),
          back: box(document.querySelector('.st-key-presenter_back button')),
          chart: box(document.querySelector('[data-testid=stPlotlyChart] .main-svg')),
          text: box(texts[texts.length - 1]),
          scroll: document.querySelector('[data-testid=stMain]').scrollTop};
}"""

# What a projected slide is read by: its plot areas, the position label and the Next button
# beside it, the slide's text blocks under the chart (in order), and its y-axis titles.
FRAME_JS = """() => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const shown = b => b[3] > b[1];
  const main = '[data-testid=stMain] ';
  return {
    plots: [...document.querySelectorAll('[data-testid=stPlotlyChart] .nsewdrag')].map(box),
    where: [...document.querySelectorAll(
      main + '[data-testid=stHorizontalBlock] [data-testid=stMarkdownContainer] p')]
      .filter(e => !e.closest('button, a')).map(box).filter(shown)[0],
    next: box(document.querySelector('.st-key-presenter_next button')),
    blocks: [...document.querySelectorAll(main + '[data-testid=stMarkdownContainer], '
                                          + main + '[data-testid=stCaptionContainer]')]
      .filter(e => !e.closest('[data-testid=stHorizontalBlock], [data-testid=stHeading]'))
      .map(box).filter(shown),
    ytitles: [...document.querySelectorAll('[data-testid=stPlotlyChart] text')]
      .filter(e => /(^| )y\\d*title/.test(e.getAttribute('class') || ''))
      .map(e => [e.textContent, box(e)])};
}"""
MIN_PLOT = 130   # px of plot height on a projector at 1280 x 720 (slide 4's were about 90)

# Pairs of chart labels whose boxes overlap by more than 1 px both ways. Tick labels are
# compared with the other labels only (dense log ticks may touch each other), entries of one
# legend not with each other (the legend's background box stands for all of them).
OVERLAP_JS = """() => {
  const kinds = [[/(^| )gtitle/, 'title'], [/annotation-text/, 'annotation'],
                 [/(^| )[xy]\\d*title/, 'axis title'], [/cbtitle|legendtitletext/, 'title']];
  const labels = [];
  for (const e of document.querySelectorAll('[data-testid=stPlotlyChart] text')) {
    const text = e.textContent.trim();
    if (!text || e.closest('g.legend')) continue;
    const cls = e.getAttribute('class') || '';
    let kind = (kinds.find(([re]) => re.test(cls)) || [])[1];
    if (!kind && e.closest('.xtick, .ytick, .x2tick, .y2tick, [class*="tick"]')) kind = 'tick';
    if (!kind) continue;
    const r = e.getBoundingClientRect();
    if (r.width && r.height) labels.push({text, kind, b: [r.left, r.top, r.right, r.bottom]});
  }
  for (const g of document.querySelectorAll('[data-testid=stPlotlyChart] g.legend')) {
    const r = (g.querySelector('rect.bg') || g).getBoundingClientRect();
    labels.push({text: 'legend', kind: 'legend', b: [r.left, r.top, r.right, r.bottom]});
  }
  const out = [];
  for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
    const a = labels[i], c = labels[j];
    if (a.kind === 'tick' && c.kind === 'tick') continue;
    const w = Math.min(a.b[2], c.b[2]) - Math.max(a.b[0], c.b[0]);
    const h = Math.min(a.b[3], c.b[3]) - Math.max(a.b[1], c.b[1]);
    if (w > 1 && h > 1) out.push(`${a.kind} "${a.text}" on ${c.kind} "${c.text}"`);
  }
  return {count: labels.length, overlaps: out};
}"""


def _wait_for_slide(page, number: int) -> None:
    page.wait_for_function(f"location.search.includes('slide={number}')", timeout=60_000)
    heading = page.locator("h1").first
    heading.wait_for(timeout=60_000)
    page.wait_for_function(
        f"document.querySelector('h1') && document.querySelector('h1').innerText.startsWith('{number} ')",
        timeout=120_000)
    page.locator("[data-testid=stPlotlyChart] .main-svg").first.wait_for(timeout=180_000)
    page.wait_for_timeout(800)   # plotly's first layout pass and the responsive resize


def _inside(box, viewport) -> bool:
    left, top, right, bottom = box
    return left >= 0 and top >= 0 and right <= viewport["width"] and bottom <= viewport["height"]


def _readable(frame, lang, number):
    """Every plot tall enough to read when projected; no y-axis title longer than its plot;
    "Slide n of 7" level with the buttons; the slide's text blocks one under another (the
    caption ran into the bold measured line)."""
    heights = [bottom - top for _, top, _, bottom in frame["plots"]]
    assert heights and min(heights) >= MIN_PLOT, (lang, number, heights)
    for text, (_, top, _, bottom) in frame["ytitles"]:
        assert bottom - top <= max(heights) + 4, (lang, number, text, bottom - top, heights)
    where, button = frame["where"], frame["next"]
    assert abs((where[1] + where[3]) / 2 - (button[1] + button[3]) / 2) <= 3, (lang, number, frame)
    blocks = frame["blocks"]
    for above, below in zip(blocks, blocks[1:]):
        assert below[1] >= above[3] + 2, (lang, number, blocks)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_slide_fits_1280x720_and_keys_step(app_url, chromium, lang):
    page = chromium.new_page(viewport=VIEWPORT)
    try:
        page.goto(f"{app_url}/presenter?lang={lang}&slide=1", timeout=120_000)
        for number in range(1, len(LECTURE) + 1):
            _wait_for_slide(page, number)
            layout = page.evaluate(LAYOUT_JS)
            for part in ("title", "next", "back", "chart", "text"):
                assert layout[part] and _inside(layout[part], VIEWPORT), (lang, number, part, layout)
            assert layout["chart"][1] >= layout["title"][3] - 1, (lang, number, layout)
            assert layout["text"][1] >= layout["chart"][3] - 1, (lang, number, layout)
            labels = page.evaluate(OVERLAP_JS)
            assert labels["count"] >= 3, (lang, number, labels)
            assert not labels["overlaps"], (lang, number, labels["overlaps"])
            _readable(page.evaluate(FRAME_JS), lang, number)
            if number < len(LECTURE):
                # A clicker sends arrow keys and Page Down: both step forward.
                page.keyboard.press("ArrowRight" if number % 2 else "PageDown")
        page.keyboard.press("ArrowLeft")
        _wait_for_slide(page, len(LECTURE) - 1)
    finally:
        page.close()


def test_next_opens_the_slide_at_its_top(app_url, chromium):
    """In a window too short for the slide (the chart keeps a minimum height) the view is
    scrolled down; then Next shows the new slide from its top."""
    small = {"width": 1280, "height": 340}
    page = chromium.new_page(viewport=small)
    try:
        page.goto(f"{app_url}/presenter?slide=2", timeout=120_000)
        _wait_for_slide(page, 2)
        scrolled = page.evaluate("""() => { const m = document.querySelector('[data-testid=stMain]');
                                    m.scrollTo(0, m.scrollHeight); return m.scrollTop; }""")
        assert scrolled > 50, "the short window should scroll"
        # Clicked from script: Playwright's own click would scroll the button into view first.
        page.evaluate("document.querySelector('.st-key-presenter_next button').click()")
        _wait_for_slide(page, 3)
        layout = page.evaluate(LAYOUT_JS)
        assert layout["scroll"] == 0 and _inside(layout["title"], small), layout
    finally:
        page.close()


@pytest.mark.parametrize("query, slide, said", [
    ("lang=ko&slide=abc", 1, "1~7 사이의 정수"),        # ignored: the default slide
    ("lang=ko&slide=99", len(LECTURE), "허용 범위(1~7)"),  # clamped: the last slide
    ("lang=ko&slide=4&seed=abc", 4, "기본값"),           # a measured slide under a notice
    # four notices, one box: a box each pushed the slide's text below the window
    ("lang=ko&slide=abc&zzz=1&yyy=2&www=3", 1, "1~7 사이의 정수"),
    # two lines with a Korean range's "~": Markdown struck out the text between them
    ("lang=ko&slide=abc&seed=-1&zzz=1&yyy=2&www=3", 1, "0~2147483647"),
    # a measured slide under four lines, in English: its sample line ended 8-15 px below
    ("lang=en&slide=4&zzz=1&yyy=2&www=3&vvv=4", 4, "is not a setting of this page"),
])
def test_a_bad_link_is_said_in_korean_and_the_slide_still_fits(app_url, chromium, query, slide,
                                                               said):
    """A link with a bad value or key opens a slide with a notice above it, in the page's
    language; the chart gives up the notice's room, so the slide's text stays inside
    1280 x 720 (it was pushed below the window's edge)."""
    page = chromium.new_page(viewport=VIEWPORT)
    try:
        page.goto(f"{app_url}/presenter?{query}", timeout=120_000)
        _wait_for_slide(page, slide)
        notice = page.locator("[data-testid=stAlert]").first.inner_text()
        assert said in notice and ("링크" in notice or "lang=en" in query), notice
        assert page.locator("[data-testid=stAlert]").count() == 1
        named = "{} 항목" if "lang=ko" in query else "key {} is"
        assert all(named.format(key) in notice for key in ("zzz", "yyy", "www") if key in query)
        assert not page.locator("[data-testid=stAlert] del").count(), notice
        layout = page.evaluate(LAYOUT_JS)
        for part in ("title", "chart", "text", "next"):
            assert _inside(layout[part], VIEWPORT), (part, layout)
        # A measured slide's sample line (a caption) too.
        caption = page.evaluate("""() => { const c = [...document.querySelectorAll(
            '[data-testid=stCaptionContainer]')].pop(); return c ? c.getBoundingClientRect().bottom : 0; }""")
        assert caption <= VIEWPORT["height"], caption
    finally:
        page.close()
