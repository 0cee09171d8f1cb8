"""Outside text in the renderer users have: Chromium, against `streamlit run`.

Every page is opened with hostile values in every URL parameter, and files with hostile names
are uploaded wherever the app takes a file. The page must hold no link or image (no ``href``
or ``src``) that points outside the app's own origin, and each value must still be readable
as text. A parser test cannot show this: Streamlit renders Markdown with GitHub's
extensions, whose autolinking turns a bare ``https://`` or ``www.`` text into a link whatever
was escaped around it (issue 25).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from devtools.explore import PAGE_SETTINGS, page_params
from i18n import t

pytestmark = pytest.mark.browser

# One of each kind of thing a renderer could make a link, an image or markup of. The mark
# (a word of its own) finds the value's text on the page.
HOSTILE = {
    "mdlink": "[Click here to log in](https://attacker.example/login)",
    "mdimage": "![x](https://attacker.example/pixel.png)",
    "bare": "see https://attacker.example/bare now",
    "www": "go to www.attacker.example today",
    "email": "write to victim@attacker.example",
    "js": "javascript:alert(document.domain)",
    "html": '<a href="https://attacker.example/h">h</a><img src="https://attacker.example/i.png">',
    "directive": ":red[alarm] :material/warning: :smile: $\\frac{1}{0}$",
    "control": "a\x07b\x1b[31mc\u202ed\u2028e",
    "backslash": "[Log in again](https:\\\\attacker.example\\login)",
    "long": "https://attacker.example/" + "A" * 10_000,
}
# What of each value must be readable on the page: the value itself, but where the page
# shows control characters as spaces, shortens a long value, or a value was cut at its first
# element (the rest of a URL parameter after it is still checked for links).
VISIBLE = {**HOSTILE, "html": '<a href="https://attacker.example/h">h</a>',
           "directive": ":red[alarm] :material/warning: :smile:", "control": "a b",
           "long": "https://attacker.example/AAAA"}
PAGES = PAGE_SETTINGS     # url path -> the module of its settings (app/settings/)
# Links the app itself draws (none today outside its own origin); listed here when added.
OWN_LINKS: tuple[str, ...] = ()

# Every element attribute that can fetch or navigate, outside the app's origin.
OUTSIDE_JS = """(origin) => {
  const found = [];
  for (const el of document.querySelectorAll('[href], [src], [srcset], [xlink\\\\:href], [action], [formaction], [poster], [data]')) {
    for (const attr of ['href', 'src', 'srcset', 'xlink:href', 'action', 'formaction', 'poster', 'data']) {
      const raw = el.getAttribute(attr);
      if (raw === null || raw === '') continue;
      let url;
      try { url = new URL(raw, document.baseURI); } catch (e) { found.push(attr + '=' + raw); continue; }
      if (url.protocol === 'data:' || url.protocol === 'blob:') continue;
      if (url.origin !== origin) found.push(el.tagName + ' ' + attr + '=' + raw.slice(0, 120));
    }
  }
  return found;
}"""


def _outside(page, server: str) -> list[str]:
    return [x for x in page.evaluate(OUTSIDE_JS, server)
            if not any(own in x for own in OWN_LINKS)]


def _text(page) -> str:
    """The page's text as a reader sees it (a word joiner, U+2060, is invisible: the app puts
    one into ":material/" so that Streamlit does not rewrite it)."""
    return re.sub(r"\s+", " ", page.locator("body").inner_text().replace("\u2060", ""))


def _text_with(page, wanted: list[str], timeout_s: float = 60.0) -> str:
    """The page's text once it holds every one of ``wanted`` (or after ``timeout_s``).

    Streamlit draws a Markdown element only once the plugins its text needs are loaded, and
    it loads them on first need: a notice whose value holds ":smile:" (remark-emoji, asked
    for even when the text is inside code) stayed empty for a moment under CI's load."""
    import time
    deadline = time.monotonic() + timeout_s
    while True:
        text = _text(page)
        if all(w in text for w in wanted) or time.monotonic() > deadline:
            return text
        page.wait_for_timeout(250)


def _settle(page, expected: str | None = None) -> None:
    """Wait until the script has finished running (and ``expected`` text is shown)."""
    from playwright.sync_api import expect
    expect(page.locator('[data-testid="stAppViewContainer"]')).to_be_visible(timeout=120_000)
    if expected:
        expect(page.get_by_text(expected, exact=False).first).to_be_attached(timeout=120_000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=240_000)
    page.wait_for_timeout(500)


@pytest.mark.parametrize("url_path", list(PAGES))
def test_hostile_link_values_show_as_text_and_never_as_links(app_url, chromium, url_path):
    params = ["lang", "seed", *page_params(PAGES[url_path])]
    if url_path == "live":
        params += list(page_params("app.settings.evidence"))
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    try:
        kinds = list(HOSTILE)
        # Every parameter gets a hostile value; every kind of value is used on every page
        # (two links per page so the kinds cycle over all the parameters). The language is
        # pinned, English on the first and Korean on the second, so the Korean texts are
        # tried with hostile values too.
        for start, lang in ((0, "en"), (len(kinds) // 2, "ko")):
            query = {}
            for i, name in enumerate(params):
                query[name] = HOSTILE[kinds[(start + i) % len(kinds)]]
            query["lang"] = lang
            used = {k for k in (kinds[(start + i) % len(kinds)] for i, n in enumerate(params)
                                if n != "lang")}
            url = f"{app_url}/{url_path}?" + "&".join(f"{k}={quote(v, safe='')}"
                                                   for k, v in query.items())
            page.goto(url, timeout=120_000)
            _settle(page, "attacker.example")
            wanted = [re.sub(r"\s+", " ", VISIBLE[kind]) for kind in sorted(used)]
            text = _text_with(page, wanted)
            outside = _outside(page, app_url)       # also in what the late plugins drew
            assert not outside, (url_path, lang, outside)
            for kind, value in zip(sorted(used), wanted):
                assert value in text, (url_path, lang, kind, text[:3000])
    finally:
        page.close()


UPLOAD_NAMES = [HOSTILE["mdlink"] + ".png", "see https://attacker.example/x www.attacker.example.png",
                "[Log in again](https:\\\\attacker.example\\login).png",
                '<img src="https://attacker.example/i.png">.jpg']


def as_received(name: str) -> str:
    """A file name as the server receives it from Chromium: the browser's form encoding
    writes a quote as %22 (HTML's multipart/form-data rules), and the server's multipart
    parser reads a doubled backslash in the quoted name as one. The app shows what it
    receives; the tests of URL values show that two backslashes stay two on the page."""
    return name.replace('"', "%22").replace("\\\\", "\\")


# What each refusal reads like in each language (the app's own words, whole: a checkpoint
# of another architecture was once explained as "...; it may … (183 characters)").
REFUSED = {
    "en": ("not an image format this app reads", "it may be another architecture"),
    "ko": ("이 앱이 읽는 이미지 형식", "다른 구조의 네트워크일 수 있습니다"),
}


def _other_architecture() -> bytes:
    import io

    import torch
    buffer = io.BytesIO()
    torch.save({"conv.weight": torch.zeros(4, 3, 3, 3)}, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_hostile_file_names_show_as_text_and_never_as_links(app_url, chromium, lang):
    """An image, a data-set upload and a checkpoint, each named like a link, none of them a
    valid file: the refusal names the file, as text, in the page's language, whole."""
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{app_url}/live?lang={lang}&image=upload&weights=upload&compare=none&res=64",
                  timeout=120_000)
        _settle(page)
        inputs = page.locator('[data-testid="stFileUploaderDropzoneInput"]')
        # The page's order: the image's uploader (third column), then the checkpoint's.
        inputs.nth(1).set_input_files([{"name": UPLOAD_NAMES[0].replace(".png", ".pth"),
                                        "mimeType": "application/octet-stream",
                                        "buffer": _other_architecture()}])
        _settle(page, "attacker.example/login")
        inputs.nth(0).set_input_files([{"name": UPLOAD_NAMES[1], "mimeType": "image/png",
                                        "buffer": b"not an image"}])
        _settle(page, "attacker.example/x")
        assert not _outside(page, app_url)
        text = _text(page)
        assert "[Click here to log in](https://attacker.example/login).pth" in text, text[:3000]
        assert UPLOAD_NAMES[1] in text
        image_refusal, checkpoint_refusal = REFUSED[lang]
        assert image_refusal in text and checkpoint_refusal in text, text[:3000]
        if lang == "ko":
            assert REFUSED["en"][0] not in text and REFUSED["en"][1] not in text

        page.goto(f"{app_url}/live?lang={lang}&ev_set=upload&ev_run=1&compare=none&res=64",
                  timeout=120_000)
        _settle(page)
        page.locator("[role=tab]").nth(1).click()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').last.set_input_files(
            [{"name": n, "mimeType": "image/png", "buffer": b"plain text"} for n in UPLOAD_NAMES])
        _settle(page, "attacker.example\\login")
        assert not _outside(page, app_url)
        text = _text(page)
        for name in UPLOAD_NAMES:
            assert as_received(name) in text, (name, text[text.find(as_received(name)[:8]):][:300])
    finally:
        page.close()


HOSTILE_KEYS = ("<img src=x onerror=alert(1)>", "https://evil.example/login")
KEY_NOTICE = {"en": "The link's key {} is not a setting of this page, so it was ignored and "
                    "taken out of the link.",
              "ko": "링크의 {} 항목은 이 페이지의 설정이 아니어서 무시하고 링크에서 뺐습니다."}
REPEATED = {"en": "The link gives n 2 times (4, 16); only the last one is read, and 16 is used.",
            "ko": "링크에 n 항목이 2번 들어 있어(4, 16) 마지막 것만 읽고 이 값을 씁니다: 16."}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_hostile_link_key_is_named_as_text_and_left_behind_with_its_page(app_url, chromium,
                                                                            lang):
    """Keys the page does not use, named like markup and like a link, are said in the page's
    language as text: no image, no link, no script run, and are taken out of the address bar.
    A key given twice says what is used.
    Leaving the page by the sidebar clears the link (Streamlit's own doing): the home page,
    which uses none of the ReLU page's keys, is not given them and says nothing about them."""
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        query = "&".join(f"{quote(key, safe='')}=1" for key in HOSTILE_KEYS)
        page.goto(f"{app_url}/relu?{query}&n=4&n=16&points=200&lang={lang}", timeout=120_000)
        _settle(page, "evil.example")
        notices = page.locator('[data-testid="stAlertContentWarning"]')
        said = re.sub(r"\s+", " ", " ".join(notices.all_inner_texts()).replace("\u2060", ""))
        for key in HOSTILE_KEYS:
            assert KEY_NOTICE[lang].format(key) in said, said
        assert REPEATED[lang] in said, said
        assert notices.locator("code").count() >= len(HOSTILE_KEYS)
        assert notices.locator("img, a").count() == 0
        assert page.locator("img[src=x], a[href*='evil.example']").count() == 0
        assert not _outside(page, app_url) and not dialogs
        # The address bar, what a teacher copies, holds the view without the hostile keys. The
        # page writes it when its run ends, and a run that waits for its sweep ends later than
        # the page is drawn: wait for the link (the repeated n read once) before looking.
        page.wait_for_function("new URLSearchParams(location.search).getAll('n').join() == '16'",
                               timeout=60_000)
        kept = parse_qs(urlsplit(page.url).query, keep_blank_values=True)
        assert not set(HOSTILE_KEYS) & set(kept), page.url
        assert kept["n"] == ["16"] and kept["points"] == ["200"] and kept["lang"] == [lang]

        page.locator('[data-testid="stSidebarNav"] a', has_text=t("nav.home", lang)).click()
        page.wait_for_url(lambda url: "/relu" not in url and "seed=" in url, timeout=60_000)
        _settle(page)
        keys = set(parse_qs(urlsplit(page.url).query, keep_blank_values=True))
        assert keys == {"lang", "seed"}, page.url
        text = _text(page)
        assert "evil.example" not in text and "onerror" not in text, text[:2000]
        assert KEY_NOTICE[lang].split("{}")[1].strip() not in text
    finally:
        page.close()
