"""What every worker runs with (services/worker_plugins.py): a task's arguments let go of once
its result is released (a set held by the caller, sent with its parts, is not kept in the
worker through the measurement), and a refusal not logged as a failure."""
import threading

import pytest

from services import cluster, measurement
from services.weights import WeightsId

pytestmark = pytest.mark.integration


def _released(dask_worker) -> tuple[int, int]:
    """(released tasks, those of them still holding their function and arguments)."""
    released = [ts for ts in dask_worker.state.tasks.values() if ts.state == "released"]
    return len(released), sum(ts.run_spec is not None for ts in released)


def test_released_parts_keep_no_images_in_the_worker():
    from model.evidence.image_sets import generated
    images = generated(160, seed=2, resolution=64)        # 5 parts of at most 32 images
    seen, looked = [], threading.Event()

    def progress(fraction, step):
        # in pass two: pass one's parts were released long ago, their chains' states are not
        if fraction > 0.6 and not looked.is_set():
            looked.set()
            seen.extend(cluster.client().run(_released).values())
    measurement.measure_images({"embedded": ("named", WeightsId("embedded"))}, images, 160,
                               seed=2, resolution=64, progress=progress)
    [(released, holding)] = seen
    assert released > 0         # the states are there (Dask keeps them for their chains)
    assert holding == 0         # without their arguments: before, every part's images


def _listen(dask_worker):
    import logging

    class Kept(logging.Handler):
        def emit(self, record):
            dask_worker._kept_records.append(record.getMessage())
    dask_worker._kept_records = []
    dask_worker._kept_handler = Kept()
    logging.getLogger("distributed.worker").addHandler(dask_worker._kept_handler)


def _heard(dask_worker):
    """What ``_listen``'s handler kept, the handler taken off again (the worker is shared)."""
    import logging
    logging.getLogger("distributed.worker").removeHandler(dask_worker._kept_handler)
    return [m.splitlines()[0] + " " + m.split("Exception: ", 1)[-1][:40]
            for m in dask_worker._kept_records]


def _refuses():
    from services.weights import load_source
    load_source("upload", upload=b"not a checkpoint", upload_name="bad.pth")


def _fails():
    raise ValueError("a task's own bug")


def test_a_refusal_is_not_logged_as_a_failure_and_a_bug_still_is():
    # a student's bad checkpoint is the page's to say; Dask logged it at ERROR with a
    # traceback in the teacher's terminal ("Compute Failed")
    from i18n.messages import Refusal
    c = cluster.client()
    c.run(_listen)
    with pytest.raises(Refusal):
        cluster.run(_refuses)
    with pytest.raises(ValueError):
        cluster.run(_fails)
    [heard] = c.run(_heard).values()
    assert not any("WeightsError" in h for h in heard), heard
    assert any(h.startswith("Compute Failed") and "ValueError" in h for h in heard), heard
