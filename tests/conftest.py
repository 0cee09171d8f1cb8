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


@pytest.fixture
def one_torch_thread():
    """Tiny tensors: with 2 threads on a busy 2-core machine, OpenMP barriers made such tests
    ~50x slower (5 s vs 0.1 s per 3-step training run, measured); one thread is the fast path."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
