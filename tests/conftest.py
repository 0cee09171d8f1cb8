import os
import shutil
from pathlib import Path

import pytest

from app.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"     # screenshots to look at (not committed)
# Reference outputs of torchvision's MobileNetV2, kept in the repository (tests/fixtures/README.md).
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "torchvision_mobilenet_v2"
APP = str(ROOT / "app" / "main.py")
# {page file relative to app/: its URL path}, as app/main.py registers them
URL_PATHS = {path: url for path, _, _, url in PAGES}
# AppTest needs time here: torch's import alone takes seconds on these machines.
APP_TIMEOUT = 60


def torchvision_fixture(folder: str) -> Path:
    """The fixture folder ``FIXTURES / folder``; skips the test when it is not there.

    Only width0.35_res96 (7 MB) is committed; width1.0_res224 (15 MB) is made on a machine with
    torchvision by tests/fixtures/make_torchvision_fixture.py (see tests/fixtures/README.md)."""
    path = FIXTURES / folder
    if not all((path / name).is_file() for name in ("state_dict.pt", "io.pt", "manifest.json")):
        width, res = folder.removeprefix("width").split("_res")
        weights = "IMAGENET1K_V1" if width == "1.0" else "random"
        pytest.skip(f"fixture {path.relative_to(ROOT)}/ is absent: on a machine with torchvision, "
                    f"run `python tests/fixtures/make_torchvision_fixture.py --width {width} "
                    f"--resolution {res} --weights {weights}` and put the folder it writes there "
                    "(tests/fixtures/README.md)")
    return path


def run_at_once(commands, timeout: float = 600):
    """Each ``(argv, env)`` of ``commands`` as a process of its own, all started together (one
    after the other, a process mostly waited on its own start): their
    ``subprocess.CompletedProcess``es, in order, text output captured. ``env`` None: this
    process's. Any still running when one fails or times out is killed by its PID."""
    import subprocess
    procs = [subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for argv, env in commands]
    try:
        done = []
        for (argv, _), proc in zip(commands, procs):
            stdout, stderr = proc.communicate(timeout=timeout)
            done.append(subprocess.CompletedProcess(argv, proc.returncode, stdout, stderr))
        return done
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def need_chromium():
    """Skip locally without Chromium; in CI (CI=true) its absence is a failure."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing: .ci/run must install Debian's chromium")
    pytest.skip("Chromium not installed (sudo apt-get install chromium fonts-nanum)")


def pytest_configure(config):
    # The app's runtime policy for the whole session, as the app and the export have it (one
    # torch and BLAS thread: with 2 threads on a busy 2-core machine OpenMP barriers made
    # small-tensor tests ~50x slower). Nothing in a test sets thread counts.
    from runtime import configure
    configure()
    # No start-up warm-up in the tests' app runs (AppTest starts a Streamlit runtime too): it
    # would import torch behind the ReLU page's back and compete for the 2 cores. Subprocesses
    # (the torch-free page check, local servers) inherit it; tests of the warm-up set it.
    import os
    os.environ.setdefault("MANIFOLD_LAB_WARMUP", "0")


# The order modules are handed to the two test processes in: the longest kinds first, so
# that neither process is left with a long module while the other has nothing to do (most
# unit modules take a second or two; a slow one a minute or more). Within a kind, file order.
KIND_ORDER = ("slow", "browser", "integration", "app", "unit")


def pytest_collection_modifyitems(config, items):
    def rank(item):
        marks = getattr(item.module, "pytestmark", [])
        names = {m.name for m in (marks if isinstance(marks, list) else [marks])}
        return min((KIND_ORDER.index(n) for n in names if n in KIND_ORDER), default=len(KIND_ORDER))
    items.sort(key=rank)            # stable: a module's tests keep their order


def shown(markdown: str) -> str:
    """What Markdown from the app reads as on the page: values from outside are code spans
    (``app.notices.plain``), which show as their content."""
    import re
    return re.sub(r"(`+) (.*?) \1(?!`)", r"\2", markdown).replace("\u2060", "")


def page_texts(at) -> list[str]:
    """The texts an AppTest run shows: Markdown and captions as ``shown``, and the plain
    texts (``app.notices.plain_text``: escaped HTML in st.html) as their text."""
    import html
    import re
    plain = [html.unescape(re.sub(r"<[^>]+>", "", h.proto.body)) for h in at.get("html")]
    return [shown(e.value) for e in [*at.caption, *at.markdown]] + plain


def open_page(page: str, **query):
    """A fresh AppTest of the app opened with ``query`` in its link on ``page`` (e.g.
    "views/live.py"), with no exception on the way."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(query)
    run_first_on(at, page)
    assert not at.exception, at.exception
    return at


def run_first_on(at, page: str):
    """The session's first run, on ``page``, as a browser opening the link gives it (a page
    reports the link's keys it does not use and takes them out of it, so a first run on
    another page would lose them). Before a first run AppTest names a page by its file
    name; Streamlit's st.Page names it by its URL path."""
    from streamlit.util import calc_hash
    at.switch_page(page)
    at._page_hash = calc_hash(URL_PATHS[page])
    return at.run()


@pytest.fixture(scope="module")
def app_url():
    """``streamlit run`` of the app on a free local port, for a test module's browser tests
    (stopped by its PID afterwards); skips without Chromium."""
    need_chromium()
    from devtools.local_server import running_app
    with running_app() as url:
        yield url


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium under Playwright, for a test module."""
    from playwright.sync_api import sync_playwright

    from devtools.local_server import CHROMIUM_ARGS
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
