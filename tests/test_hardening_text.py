"""Text from outside (link values, file names, error texts quoting them) is shown as text.

The rendered check uses a CommonMark parser (markdown-it-py, which Streamlit's own renderer
agrees with on escapes): the escaped value must come out as exactly the text it was, with no
link, image, HTML, emphasis, heading or Streamlit directive made of it.
"""
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


@pytest.mark.parametrize("value", HOSTILE)
def test_plain_renders_as_the_text_itself(value):
    html = _render(plain(value))
    for tag in ("<a", "<img", "<em", "<strong", "<code", "<h1", "<li", "<s>", "<del"):
        assert tag not in html, (value, html)
    # The paragraph's text, HTML entities decoded, is the value with line breaks as spaces.
    import html as html_lib
    text = html_lib.unescape(re.sub(r"</?p>\n?", "", html)).strip()
    assert text == shorten(value).strip(), (value, html)


def test_plain_has_no_markdown_and_no_directive_left():
    # Streamlit's own directives (:red[...], :material/...:) need an unescaped colon.
    assert ":" not in plain(":red[x]").replace("\\:", "")


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
    # What the reader sees is the link's value itself, without stray backslashes (a repr of
    # the escaped value once doubled them).
    import html as html_lib
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
