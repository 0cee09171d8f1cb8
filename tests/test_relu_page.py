"""The "ReLU and manifolds" page under Streamlit's AppTest: renders, reacts, stays torch-free."""
import json
import subprocess
import sys
import time

import pytest
from streamlit.testing.v1 import AppTest

from conftest import APP, ROOT, open_page

pytestmark = pytest.mark.app

PAGE = "views/relu_manifolds.py"


def _open(query=None) -> AppTest:
    return open_page(PAGE, **(query or {}))


def _specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _all_four(at, timeout: float = 180) -> list[dict]:
    """The page's four charts. The page waits for its seeds sweep (on the Dask cluster) while
    the seeds come in, 10 s at most, then says it is queued and looks again every second: in
    the browser a fragment reruns it; here the test runs the page again until the sweep's
    chart is there."""
    deadline = time.monotonic() + timeout
    while len(specs := _specs(at)) < 4 and time.monotonic() < deadline:
        time.sleep(1)
        at.run()
    return specs


def _title(spec: dict) -> str:
    return spec["layout"]["title"]["text"]


def test_page_renders_three_figures_and_reacts_to_n_and_activation():
    at = _open({"points": "300", "seeds": "10"})
    assert not at.exception and not at.error
    grid, depth, frames, loss = _all_four(at)
    assert len(grid["data"]) == 6  # input + n = 2, 3, 5, 15, 30
    titles = [a["text"] for a in grid["layout"]["annotations"]]
    assert titles[0] == "Input" and titles[1].startswith("n = 2") and titles[5].startswith("n = 30")
    assert "n = 8" in _title(depth)
    assert len(loss["data"]) == 5  # theory + collapsed, shape error, scale, trust

    at.slider(key="url_n").set_value(40).run()
    assert not at.exception
    grid2, depth2, _, _ = _specs(at)
    assert "n = 40" in _title(depth2) and grid2 == grid  # only the one-width view changed
    assert depth2["data"][0]["marker"]["cmax"] == 40  # colour = active units out of n
    assert at.query_params["n"] in ("40", ["40"])  # the link reproduces the view

    at.selectbox(key="url_act").set_value("tanh").run()
    assert not at.exception and not at.error
    assert "tanh" in _title(_specs(at)[0]) and "tanh" in _title(_specs(at)[1])
    assert any("injective" in w.value for w in at.warning)


def test_link_settings_are_used_and_bad_ones_reported():
    at = _open({"input": "swiss_roll", "n": "999", "points": "200", "act": "bogus"})
    assert not at.exception and not at.error
    assert at.slider(key="url_n").value == 256
    assert at.selectbox(key="url_act").value == "relu"
    assert len(at.warning) == 2  # n clamped, act ignored
    grid, depth, _, _ = _all_four(at)
    assert grid["data"][0]["type"] == "scatter3d"  # d = 3 input drawn in 3-D
    assert "n = 256" in _title(depth)


def test_page_in_korean():
    at = _open({"lang": "ko", "points": "200"})
    assert not at.exception
    assert at.title[0].value == "ReLU와 manifold"
    assert "가우시안" in _title(_specs(at)[0])


def test_page_does_not_import_torch():
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from streamlit.testing.v1 import AppTest\n"
            f"at = AppTest.from_file({APP!r}, default_timeout=120).run()\n"
            f"at.switch_page({PAGE!r}).run()\n"
            "assert not at.exception, at.exception\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_a_busy_server_draws_the_page_at_once_and_the_sweep_when_it_is_done():
    """Another job in the sweep queue (another student's): the page does not wait for its own
    sweep; it says so where the loss chart goes, and draws the chart once the sweep is done."""
    import threading
    import time

    from services.jobs import SWEEPS
    gate = threading.Event()
    other = SWEEPS.submit(("another student",), lambda progress: gate.wait(60))
    try:
        at = _open({"points": "400", "noise": "0.07"})      # a sweep no other test asks for
        assert not at.exception and not at.error
        titles = [_title(s) for s in _specs(at)]
        assert len(titles) == 3 and not any("Information loss" in t for t in titles)
        assert any("sweep over 10 seeds" in i.value for i in at.info), [i.value for i in at.info]
    finally:
        gate.set()
    other.wait(10)
    deadline = time.monotonic() + 120
    while SWEEPS.waiting() and time.monotonic() < deadline:
        time.sleep(0.05)
    at.run()
    assert not at.exception and any("Information loss" in _title(s) for s in _specs(at))
