"""A worker lets go of a task's arguments once its result is released
(services/worker_memory.py): a set held by the caller, sent with its parts, is not kept in the
worker through the measurement."""
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
