"""Text from outside (link values, file names, error texts quoting them) is shown as text.

The browser is the judge (tests/test_hostile_text_browser.py: every page in Chromium); these
are the quick checks of the mechanism with a CommonMark parser (markdown-it-py): a value
becomes one code span whose content is exactly the value, so no link, image, HTML, emphasis,
heading or Streamlit directive is made of it.
"""
import html as html_lib
import re

import pytest

from app.notices import MAX_CHARS, plain, shorten
from conftest import open_page

pytestmark = pytest.mark.app

HOSTILE = [
    "[log in here](http://evil.example/login)",
    "![x](http://evil.example/pixel.png)",
    "<img src=x onerror=alert(1)>",
    "<a href='http://evil.example'>click</a>",
    "**bold** _em_ `code` ~~strike~~",
    "# Heading\n\n- item",
    ":red[colour] :material/warning: :smile:",
    "$\\frac{1}{0}$",
    "www.evil.example and http://evil.example",
    "a\\]b\\\\[c](d)",
    "&lt;script&gt; &amp;",
]


def _render(markdown: str) -> str:
    markdown_it = pytest.importorskip("markdown_it")
    return markdown_it.MarkdownIt("commonmark").enable("strikethrough").render(markdown)


@pytest.mark.parametrize("value", HOSTILE + ["`tick`", "`` two ``", " spaced ", "a ` b"])
def test_plain_renders_as_the_text_itself(value):
    out = _render(plain(value))
    found = re.fullmatch(r"<p><code>(.*)</code></p>\n", out, flags=re.S)
    assert found, (value, out)
    assert html_lib.unescape(found.group(1)) == shorten(value).replace(":material/", ":\u2060material/")


def test_long_values_are_shortened_saying_how_long():
    value = "A" * 10_000
    out = plain(value)
    assert len(out) < MAX_CHARS + 40
    assert "10,000 characters" in shorten(value) and out == plain(shorten(value), limit=None)


def test_link_values_in_notices_are_escaped():
    """A shared link cannot put a clickable link or an outside image into the notice box."""
    evil = "[log in here](http://evil.example/login)![p](http://evil.example/p.png)"
    at = open_page("views/relu_manifolds.py", input=evil, act="A" * 10_000)
    notices = [w.value for w in at.warning]
    assert len(notices) >= 2, notices
    for source in notices:
        html = _render(source)
        assert "<a" not in html and "<img" not in html, source
        assert len(source) < 2_000, len(source)      # the 10 kB value is not echoed whole
    assert any("log in here" in n for n in notices)
    # What the reader sees is the link's value itself (the 10 kB value shortened).
    seen = [html_lib.unescape(re.sub(r"<[^>]+>", "", _render(n))) for n in notices]
    assert any(evil in text for text in seen), seen


def test_uploaded_file_name_is_shown_as_text():
    """A file name with Markdown in it, on a file that is not an image: the error names the
    file, as text."""
    name = "[click](http://evil.example)**x**.png"
    at = open_page("views/live.py", res="64", image="upload", compare="none")
    at.file_uploader(key="live_image").set_value((name, b"not an image", "image/png")).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors
    html = _render(errors[0])
    assert "<a" not in html and "<strong" not in html, errors[0]
    assert "click" in html and "evil.example" in html



def test_a_shortened_value_says_its_length_in_the_pages_language():
    from streamlit.testing.v1 import AppTest

    from conftest import APP, APP_TIMEOUT
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(lang="ko", seed="x" * 3000)
    at.run()
    cut = [w.value for w in at.warning if "xxxx" in w.value]
    assert cut and "(3,000자)" in cut[0] and "characters" not in cut[0], cut
