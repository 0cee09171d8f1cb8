import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIXTURES = ROOT.parent / "shared" / "fixtures" / "torchvision_mobilenet_v2"
APP = str(ROOT / "app" / "main.py")
# AppTest needs time here: torch's import alone takes seconds on these machines.
APP_TIMEOUT = 60


def need_chromium():
    """Skip locally without Chromium; in CI (CI=true) its absence is a failure."""
    import os
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
