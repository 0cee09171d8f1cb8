"""``python -m app.cluster``'s pieces that start nothing: the proxy's configuration (HAProxy's
own check of it is in tests/test_child_processes.py) and the per-role commands, which the README's
"A lecture hall" and "More than one machine" sections must give exactly, with hosts for
addresses."""
import re
import sys

import pytest

from app import cluster
from conftest import ROOT

pytestmark = pytest.mark.unit


def test_the_proxy_config_keeps_sessions_on_their_replica_and_checks_health():
    text = cluster.proxy_config(["127.0.0.1:9001", "web2.school:8501"], 8080, "127.0.0.1")
    assert "bind 127.0.0.1:8080" in text
    assert f"cookie {cluster.AFFINITY_COOKIE} insert indirect nocache" in text
    assert "server r1 127.0.0.1:9001 cookie r1" in text
    assert "server r2 web2.school:8501 cookie r2" in text
    assert "option httpchk GET /_stcore/health" in text and "option redispatch" in text
    assert "timeout tunnel 4h" in text
    control = cluster.proxy_config(["127.0.0.1:9001"], 8080, affinity=False)
    assert f"cookie {cluster.AFFINITY_COOKIE}" not in control


@pytest.mark.parametrize("bad", [[], ["no-port"], ["host:"], ["a b:1"], ["web:80\nserver x"]])
def test_a_bad_replica_address_is_refused(bad):
    with pytest.raises(ValueError):
        cluster.proxy_config(bad, 80)


def _normalised(line: str) -> str:
    """A command with its addresses, ports, names and interpreter path made placeholders."""
    line = line.replace(sys.executable, "python").replace(f"={ROOT}", "=.")
    for pattern, placeholder in ((r"tcp://\S+", "tcp://SCHED"), (r"--host \S+", ""),
                                 (r"--port \d+", "--port P"), (r"--server\.port \d+", "--server.port P"),
                                 (r"--server\.address \S+", "--server.address A"),
                                 (r"--name \S+", ""), (r"(--replica \S+ ?)+", "--replica R ")):
        line = re.sub(pattern, placeholder, line)
    return " ".join(line.split())


def test_the_readme_gives_each_role_the_command_app_cluster_runs(capsys):
    cluster.print_commands(cluster.plan(2, 1, 8501, secret="x"))
    printed = {_normalised(line) for line in capsys.readouterr().out.splitlines()
               if line and not line.startswith("#")}
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## A lecture hall", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    given = {_normalised(line) for block in blocks[1:] for line in block.splitlines()
             if line and not line.startswith("#")}
    assert printed == given


def test_more_than_one_machine_gives_the_scheduler_and_worker_app_cluster_runs(capsys):
    cluster.print_commands(cluster.plan(2, 1, 8501, secret="x"))
    printed = [_normalised(line) for line in capsys.readouterr().out.splitlines()
               if line and not line.startswith("#")]
    section = (ROOT / "README.md").read_text().split("## More than one machine", 1)[1]
    section = section.split("\n## ", 1)[0]
    given = [_normalised(line) for block in re.findall(r"```bash\n(.*?)```", section, re.S)
             for line in block.splitlines() if "dask " in line]
    scheduler, worker = printed[0], printed[1]
    assert "dask scheduler" in scheduler and "dask worker" in worker
    assert scheduler in given and worker in given
    # the one-worker-per-core variant differs from the class's worker in its threads only
    per_core = [g for g in given if "--nworkers" in g]
    assert per_core and all(re.sub(r"--nthreads \d+ --nworkers \d+", "--nthreads 3", g) == worker
                            for g in per_core)
