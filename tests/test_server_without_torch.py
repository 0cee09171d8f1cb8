"""The app's server never imports torch: every page, presenter mode and an uploaded checkpoint
work with torch's import refused in the server; torch and the networks live in the workers
of the Dask cluster (services/cluster.py, services/tasks.py), which is where their memory goes
(README, "Runtime policy").

Each check runs in a subprocess of its own, whose import system refuses "torch" (a meta-path
finder) before anything of the app is imported; the worker process it starts is a plain one.
The four are started at once (``checks``): each starts its own cluster, and a worker's start
is most of a check's time.
"""
import sys
import textwrap

import pytest

from conftest import APP, ROOT, run_at_once

pytestmark = pytest.mark.app

_SERVER = '''
import importlib.abc, sys
sys.path.insert(0, {root!r})


class NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "torch" or name.startswith("torch."):
            import traceback
            raise ImportError("the server imported torch:\\n" + "".join(traceback.format_stack()))
        return None


sys.meta_path.insert(0, NoTorch())
from streamlit.testing.v1 import AppTest
sys.path.insert(0, {tests!r})
from conftest import run_first_on
charts = []
for page, query in {visits!r}:
    at = AppTest.from_file({app!r}, default_timeout=120)
    at.query_params.update(query)
    run_first_on(at, page)
{then}
    assert not at.exception, (page, [e.message + "".join(e.stack_trace) for e in at.exception])
    assert not at.error, (page, [e.value for e in at.error])
    charts.append(len(at.get("plotly_chart")))
from services import cluster


def ui_modules():    # a worker spawned from a page once ran the page again (_spawn_without_main)
    import sys
    return sum(m.split(".")[0] in ("app", "figures", "streamlit", "plotly") for m in sys.modules)


ui = sum(cluster.client().run(ui_modules).values()) if cluster._client is not None else 0
print("torch" in sys.modules, ",".join(map(str, charts)), ui)
'''


def _pages(visits: list[tuple[str, dict]], then: str = "") -> str:
    """A server process's code: each (page, link query) of ``visits`` drawn by its own AppTest
    (one cluster for all); ``then``: code run on each visit's ``at`` after it draws."""
    return _SERVER.format(root=str(ROOT), tests=str(ROOT / "tests"), app=APP, visits=visits,
                          then=textwrap.indent(then.strip(), "    "))


def _drawn(stdout: str) -> tuple[str, list[int], str]:
    """(torch imported, each visit's charts, UI modules in the workers) from ``_pages``'s run."""
    imported, charts, ui = stdout.split()[-3:]
    return imported, [int(c) for c in charts.split(",")], ui


def _probe(code: str) -> str:
    """A server process's code: ``code`` with torch refused, then whether torch came in."""
    return (_SERVER.split("from streamlit.testing")[0] + code
            + "print('torch' in sys.modules)").format(root=str(ROOT))


PAGES = [
    ("views/relu_manifolds.py", {}),
    ("views/live.py", {}),
    ("views/live.py", {"image": "chelsea", "est": "twonn", "compare": "embedded-relu6"}),
    ("views/block.py", {}),
    ("views/presenter.py", {"slide": "3"}),
]


UPLOAD = '''
from app.live_sections import load_checked
for name in ({good!r}, {bad!r}):
    data = open(name, "rb").read()
    w, error = load_checked("upload", 0, (data, name.rsplit("/", 1)[1]))
    print(w.width_mult if w else None, len(w.classes) if w else None, error)
    if w is not None:       # and it runs there: the top-5 of a generated image
        from services.images import generated_image, prepare_input
        from services.remote import analyze
        x, _ = prepare_input(generated_image(3, 0, 0, 96), 96, "upload", generated=True)
        print(len(analyze("top5", w, x)))
'''

# The client is told each finished task's result type: a measurement's parts are
# model.evidence.sample.Sample, which must not bring torch with it.
MEASUREMENT = """
from services import remote, evidence as ev
from services.weights import describe_source
w = describe_source("embedded")
results, rejected = remote.measure(ev.EvidenceQuery(w.id, "generated", 40, 0, 64), w)
sweep = remote.sweep(dict(input_name="spiral", n_points=200, n_seeds=3, seed=0))
print(sorted(results), sweep.collapsed.shape)
"""

# ImageNet weights not in the hub cache: the page offers the download, and a press runs it in
# the server (against a mirror nobody listens on: refused, one line).
DOWNLOAD = '''
[button] = [b for b in at.button if b.key == "download_imagenet-v1"]
button.click().run()
from services import weight_download as downloads
job = downloads.DOWNLOADS.get("imagenet-v1")
assert job.wait(60) and job.error.key == "refusal.download.unreachable", job.error
downloads.DOWNLOADS.forget("imagenet-v1")      # the page without the failure, for the checks
at.run()
'''


@pytest.fixture(scope="module")
def checks(tmp_path_factory):
    """{check: its server process (``subprocess.CompletedProcess``)}, the four run at once."""
    import os

    import torch

    from devtools.local_server import free_port
    from model import load_weights, mobilenet_v2
    folder = tmp_path_factory.mktemp("no_torch")
    # A width-0.35 torchvision-style checkpoint, made here (this process may import torch).
    good, bad = folder / "mine.pth", folder / "bad.pth"
    torch.save(load_weights(mobilenet_v2(0.35), "random", seed=3).state_dict(), good)
    bad.write_bytes(b"not a checkpoint")
    offline = dict(os.environ, TORCH_HOME=str(folder / "hub"),
                   MANIFOLD_LAB_WEIGHTS_MIRROR=f"http://127.0.0.1:{free_port()}/")
    runs = {
        "pages": (_pages(PAGES), None),
        # AppTest cannot upload a file: the page's loader is called as the page calls it.
        "upload": (_probe(UPLOAD.format(good=str(good), bad=str(bad))), None),
        "measurement": (_probe(MEASUREMENT), None),
        "download": (_pages([("views/live.py", {"weights": "imagenet-v1", "res": "64"})],
                            DOWNLOAD), offline),
    }
    done = run_at_once([([sys.executable, "-c", code], env) for code, env in runs.values()])
    return dict(zip(runs, done))


def _output(checks, name: str) -> str:
    out = checks[name]
    assert out.returncode == 0, out.stderr[-4000:]
    return out.stdout


def test_pages_draw_with_torch_refused_in_the_server(checks):
    imported, charts, ui_in_workers = _drawn(_output(checks, "pages"))
    assert imported == "False" and ui_in_workers == "0"
    assert len(charts) == len(PAGES) and min(charts) >= 1, charts


def test_an_uploaded_checkpoint_is_read_in_the_worker(checks):
    good, top5, refused, imported = _output(checks, "upload").strip().splitlines()[-4:]
    assert good == "0.35 1000 None" and top5 == "5"
    assert refused.startswith("None None ") and "bad.pth" in refused and imported == "False"


def test_a_measurement_and_a_sweep_on_the_cluster_import_no_torch_here(checks):
    measured, imported = _output(checks, "measurement").strip().splitlines()[-2:]
    assert "'embedded', 'embedded-relu6', 'random'" in measured and imported == "False"


def test_the_download_button_and_a_download_need_no_torch_here(checks):
    """ImageNet weights not in the hub cache: the page offers the download, and a press runs
    it in the server (here against a mirror nobody listens on: refused, one line)."""
    imported, charts, ui_in_workers = _drawn(_output(checks, "download"))
    assert imported == "False" and charts[0] >= 1 and ui_in_workers == "0"
