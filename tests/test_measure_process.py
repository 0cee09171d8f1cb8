"""The measuring worker process (services/measure_process.py): the same numbers as measuring
in this process, its errors as the page expects them, and a new worker after one died."""
import sys

import pytest

from services import evidence as ev
from services import measure_process as mp
from services.weights import WeightsId, load_source

pytestmark = pytest.mark.unit


def _without_times(value):
    """A measurement's dict without its wall-clock seconds (the only part that may differ)."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, (list, tuple)):
        return [_without_times(v) for v in value]
    return value


def _small(weights) -> ev.EvidenceQuery:
    return ev.EvidenceQuery(weights.id, "generated", 24, 0, 32)


@pytest.mark.parametrize("source", ["embedded", "random"])
def test_worker_gives_the_numbers_measured_here(source):
    # "embedded" is loaded by the worker itself; "random" (seed 5) travels as a state dict.
    chosen = load_source(source, seed=5)
    query = _small(chosen)
    steps = []
    there = mp.measure(query, chosen, progress=lambda fraction, step: steps.append((fraction, step)))
    here = ev.measure(query, chosen)
    assert mp.WORKER.pid is not None and mp.WORKER.pid != __import__("os").getpid()
    assert _without_times(there) == _without_times(here)
    assert set(there[0]) == set(ev.compared_sources(source))
    fractions = [f for f, _ in steps]
    assert fractions and max(fractions) == pytest.approx(1.0) and min(fractions) >= 0.0
    assert {s for _, s in steps} <= set(ev.compared_sources(source))


def test_worker_errors_come_back_as_the_page_shows_them():
    chosen = load_source("embedded")
    wrong = ev.EvidenceQuery(WeightsId("embedded-relu6"), "generated", 24, 0, 32)
    with pytest.raises(ValueError, match="not the query's"):
        mp.measure(wrong, chosen)
    no_images = ev.EvidenceQuery(chosen.id, "upload", 0, 0, 32, uploads="abc")
    with pytest.raises(ValueError, match="no images uploaded"):
        mp.measure(no_images, chosen)
    # Unreadable uploads are not a failure: they come back as rejected, with their reasons.
    results, rejected = mp.measure(no_images, chosen, uploads=[("<b>x</b>.png", b"not an image")])
    assert results is None and [name for name, _ in rejected] == ["<b>x</b>.png"]


def test_a_worker_that_dies_fails_its_job_and_the_next_one_starts_afresh():
    worker = mp.Worker([sys.executable, "-c", "import sys; sys.stdin.buffer.read(1)"])
    chosen = load_source("embedded")
    with pytest.raises(mp.WorkerDied, match="measuring process stopped"):
        worker.measure(_small(chosen), chosen)
    assert worker.pid is None
    worker.command = mp.Worker().command          # a real worker this time
    try:
        results, rejected = worker.measure(_small(chosen), chosen)
        assert set(results) == set(ev.compared_sources("embedded")) and rejected == ()
    finally:
        worker.close()
    assert worker.pid is None
