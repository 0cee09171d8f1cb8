"""The worker process (services/worker_process.py): the same numbers as computing in this
process, its errors as the pages expect them, calls from many threads at once, and a new
worker after one died."""
import os
import sys
import threading

import numpy as np
import pytest

from services import evidence as ev
from services import worker_process as wp
from services.images import generated_image, prepare_input
from services.live import analyze_profile, channel_activations, predictions
from services.weights import Weights, WeightsId, load_source

pytestmark = pytest.mark.unit


def _without_times(value):
    """A result without its wall-clock seconds (the only part that may differ)."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, (list, tuple)):
        return [_without_times(v) for v in value]
    return value


def _small(weights) -> ev.EvidenceQuery:
    return ev.EvidenceQuery(weights.id, "generated", 24, 0, 32)


def _image(weights):
    x, _ = prepare_input(generated_image(3, 0, 0, weights.resolution), weights.resolution,
                         weights.source, generated=True)
    return x


@pytest.mark.parametrize("source", ["embedded", "random"])
def test_worker_measures_what_this_process_measures(source):
    # "embedded" the worker loads itself; "random" (seed 5) it builds again from its seed.
    chosen = load_source(source, seed=5)
    query = _small(chosen)
    steps = []
    there = wp.measure(query, chosen, progress=lambda fraction, step: steps.append((fraction, step)))
    here = ev.measure(query, chosen)
    assert wp.WORKER.pid is not None and wp.WORKER.pid != os.getpid()
    assert _without_times(there) == _without_times(here)
    assert set(there[0]) == set(ev.compared_sources(source))
    fractions = [f for f, _ in steps]
    assert fractions and max(fractions) == pytest.approx(1.0) and min(fractions) >= 0.0


def test_worker_analyses_equal_this_process_ones_for_every_kind_of_network():
    trained = load_source("embedded")
    random_net = load_source("random", seed=11, like=trained)
    # An uploaded checkpoint travels as its state: stand one in with the random net's weights.
    uploaded = Weights(WeightsId("upload", digest="abc"), random_net.model, random_net.classes,
                          random_net.resolution, random_net.width_mult)
    assert wp.portable(uploaded)[0] == "state" and wp.portable(random_net)[0] == "random"
    for w in (trained, random_net, uploaded):
        x = _image(w)
        assert wp.analyze("top5", w, x) == predictions(w.model, x, w.classes, k=5)
        profile, _ = wp.analyze("profile", w, x, "pca", 0)
        assert profile == analyze_profile(w.model, x, "pca", 0)[0]
        np.testing.assert_array_equal(wp.analyze("channels", w, x, 2, "expansion"),
                                      channel_activations(w.model, x, 2, "expansion"))


def test_many_threads_share_the_worker_and_each_gets_its_own_answer():
    w = load_source("embedded")
    x = _image(w)
    blocks = list(range(8))
    got: dict = {}

    def ask(block):
        got[block] = wp.analyze("channels", w, x, block, "projection")

    threads = [threading.Thread(target=ask, args=(b,)) for b in blocks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for b in blocks:
        np.testing.assert_array_equal(got[b], channel_activations(w.model, x, b, "projection"))


def test_worker_errors_come_back_as_the_pages_show_them():
    chosen = load_source("embedded")
    wrong = ev.EvidenceQuery(WeightsId("embedded-relu6"), "generated", 24, 0, 32)
    with pytest.raises(ValueError, match="not the query's"):
        wp.measure(wrong, chosen)
    with pytest.raises(ValueError, match="block must be"):
        wp.analyze("channels", chosen, _image(chosen), 99, "input")
    with pytest.raises(ValueError, match="kind must be"):
        wp.analyze("nonsense", chosen, _image(chosen))
    # Unreadable uploads are not a failure: they come back as rejected, with their reasons.
    no_images = ev.EvidenceQuery(chosen.id, "upload", 0, 0, 32, uploads="abc")
    results, rejected = wp.measure(no_images, chosen, uploads=[("<b>x</b>.png", b"not an image")])
    assert results is None and [name for name, _ in rejected] == ["<b>x</b>.png"]


def test_a_worker_that_dies_fails_its_calls_and_the_next_call_starts_afresh():
    worker = wp.Worker([sys.executable, "-c", "import sys; sys.stdin.buffer.read(1)"])
    chosen = load_source("embedded")
    with pytest.raises(wp.WorkerDied, match="worker process stopped"):
        worker.call("measure", (_small(chosen), wp.portable(chosen), None))
    assert worker.pid is None
    worker.command = wp.Worker().command          # a real worker this time
    try:
        results, rejected = worker.call("measure", (_small(chosen), wp.portable(chosen), None))
        assert set(results) == set(ev.compared_sources("embedded")) and rejected == ()
        first = worker.pid
        worker.close()                            # killed between two calls
        x = _image(chosen)
        assert worker.call("analyze", ("top5", wp.portable(chosen), (x,))) == predictions(
            chosen.model, x, chosen.classes, k=5)
        assert worker.pid not in (None, first)
    finally:
        worker.close()


def test_an_analysis_does_not_wait_for_a_running_measurement():
    chosen = load_source("embedded")
    x = _image(chosen)
    wp.analyze("top5", chosen, x)                 # the worker is up and has the network
    started = threading.Event()
    finished: list = []

    def long_measurement():
        wp.measure(ev.EvidenceQuery(chosen.id, "generated", 120, 1, 64), chosen,
                   progress=lambda fraction, step: started.set())
        finished.append(True)

    t = threading.Thread(target=long_measurement)
    t.start()
    assert started.wait(60)
    wp.analyze("profile", chosen, x, "twonn", 3)  # answered while the measurement goes on
    assert not finished
    t.join()
    assert finished


def test_worker_sweeps_what_this_process_sweeps():
    from figures.relu import ReluSettings, compute_sweep, sweep_arguments
    settings = ReluSettings(input_name="moons", n_points=300, noise=0.05, n_seeds=10, seed=4)
    there, here = wp.sweep(sweep_arguments(settings)), compute_sweep(settings)
    for field in ("ns", "seeds", "collapsed", "shape_error", "scale", "trust", "theory"):
        np.testing.assert_array_equal(getattr(there, field), getattr(here, field))
    assert there.d == here.d


_WORKERS_WORK = """
import sys
sys.path.insert(0, {root!r})
import runtime; runtime.configure()
from services import evidence as ev, images as im, worker_process as wp
from services.weights import load_source
w = load_source("embedded")
network = wp._rebuilt(wp.portable(w))
x, _ = im.prepare_input(im.sample_photo("china"), w.resolution, w.source)
for kind, args in (("top5", ()), ("profile", ("pr", 0)), ("channels", (1, "expansion"))):
    wp.ANALYSES[kind](network, x, *args)
for image_set in ("generated", "photos"):
    ev.measure(ev.EvidenceQuery(w.id, image_set, 24, 0, 32), w, workers=1)
print(sorted(m for m in ("sklearn", "pandas", "pyarrow", "plotly", "streamlit") if m in sys.modules))
"""


def test_the_workers_work_imports_no_scikit_learn_pandas_or_ui():
    # scikit-learn alone (with the pandas and pyarrow it imports) cost the worker about 80 MB
    # of its memory, for two sample photos it can read itself (model.synthetic.sklearn_photos).
    import subprocess
    from pathlib import Path
    root = str(Path(wp.__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", _WORKERS_WORK.format(root=root)],
                         capture_output=True, text=True, timeout=300, check=True).stdout
    assert out.split("\n")[-2] == "[]"


def test_sklearn_photos_are_the_ones_scikit_learn_loads():
    from sklearn.datasets import load_sample_images

    from model.synthetic import sklearn_photos
    ours, theirs = sklearn_photos(), load_sample_images()
    assert list(ours) == ["china", "flower"]
    assert all(np.array_equal(a, b) for a, b in zip(ours.values(), theirs.images, strict=True))


def test_the_block_pages_torch_work_computes_in_the_worker_as_here():
    from services import block
    here = block.split_rows(3, 64, 5)
    there = wp.compute("split_rows", 3, 64, 5)
    assert _without_times(there) == _without_times(here)
    assert wp.compute("ablation_profiles", "pr", 4, 1) == block.ablation_profiles("pr", 4, 1)
    rows = wp.compute("option_rows", 16, 24, 6, 3, 8, 8, 1, repeats=2)
    same = [{k: v for k, v in r.items() if k != "seconds"} for r in rows]
    assert same == [{k: v for k, v in r.items() if k != "seconds"}
                    for r in block.option_rows(16, 24, 6, 3, 8, 8, 1, repeats=2)]
    assert all(r["seconds"] > 0 for r in rows)
    with pytest.raises(ValueError, match="block_index"):
        wp.compute("split_rows", 99, 64, 0)
    with pytest.raises(ValueError, match="name must be one of"):
        wp.compute("os.system", "true")
