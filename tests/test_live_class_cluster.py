"""A live class through the one-machine cluster (``python -m app.cluster --replicas 2``):
the class lives in the shared ``dask scheduler`` (``--preload services.live_class``), the
teacher and the students spread over both replicas behind HAProxy, and everything of
tests/live_class_scenario.py holds as on one server."""
from pathlib import Path

import pytest

from conftest import ARTIFACTS, need_chromium
from devtools.local_server import running_cluster
import live_class_scenario

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_a_class_follows_answers_and_explores_across_two_replicas(tmp_path):
    need_chromium()
    if not Path("/usr/sbin/haproxy").exists():
        pytest.fail("HAProxy is missing: .ci/run installs Debian's haproxy")
    with running_cluster(replicas=2, workers=1, log_dir=tmp_path) as (base, _, _, _):
        result = live_class_scenario.run(base, "cluster", ARTIFACTS)
        assert set(result["replicas"]) == {"r1", "r2"}, result   # both replicas took part
