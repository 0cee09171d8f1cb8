"""What only a process of its own shows: the command lines run as ``python -m ...`` (exit
status, one line on stderr, no traceback), HAProxy's own check of the proxy configuration, and
the runtime policy of a fresh interpreter (glibc's malloc thresholds, torch.profiler's output in
a thread). Moved here from the unit modules of what they check, since each starts a process."""
import json
import os
import shutil
import socket
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT

pytestmark = pytest.mark.integration

PROXIES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


# -- command lines (in-process checks of the same: test_dimension_profile_cli.py,
#    test_evidence.py, test_hardening_cli.py, test_download.py) ------------------------------
def test_python_m_model_dimension_profile_names_a_broken_image(tmp_path):
    picture, broken = tmp_path / "pic0.png", tmp_path / "broken.jpg"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (60, 80, 3), dtype=np.uint8)).save(picture)
    broken.write_bytes(b"\xff\xd8\xff\xe0 this is not a jpeg")
    proc = subprocess.run([sys.executable, "-m", "model.dimension_profile", str(picture),
                           str(broken), "--weights", "random", "--width", "0.35",
                           "--resolution", "64"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2
    assert "broken.jpg" in proc.stderr and "Traceback" not in proc.stderr


def test_python_m_model_evidence_bad_images_exits_2_in_one_line():
    proc = subprocess.run([sys.executable, "-m", "model.evidence", "--weights", "random",
                           "--images", "generated:x"], check=False, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == "error: --images generated:N needs a whole number N, got 'generated:x'"


def test_python_m_app_export_at_a_file_prints_one_line_and_no_traceback(tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    run = subprocess.run([sys.executable, "-m", "app.export", "--out", str(a_file)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip() == f"error: --out {a_file} is a file, not a folder"
    assert "Traceback" not in run.stderr


def test_python_m_model_weights_download_offline(tmp_path):
    """The module runs as a command (torch imported, nothing fetched): a mirror nobody
    listens on gives one line and exit status 1."""
    from model.download import MIRROR_ENV
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in PROXIES}
    env.update(TORCH_HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    env[MIRROR_ENV] = f"http://127.0.0.1:{port}/"
    out = subprocess.run([sys.executable, "-m", "model.weights", "download", "imagenet-v2"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert out.returncode == 1, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: imagenet-v2: could not reach")
    assert not (tmp_path / "hub" / "checkpoints" / "mobilenet_v2-7ebf99e0.pth").exists()


def test_haproxy_accepts_the_proxy_config(tmp_path):
    """HAProxy's own check of the file python -m app.cluster writes (test_cluster_commands.py
    checks its lines)."""
    from app import cluster
    if not shutil.which("haproxy"):
        pytest.skip("HAProxy not installed (sudo apt-get install haproxy)")
    path = tmp_path / "haproxy.cfg"
    path.write_text(cluster.proxy_config(["127.0.0.1:9001", "127.0.0.1:9002"], 8080))
    out = subprocess.run(["haproxy", "-c", "-f", str(path)], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr



def test_haproxy_keeps_a_slow_replica_and_takes_out_a_dead_one(tmp_path):
    """The proxy's health checks (deploy/haproxy.cfg): a replica that answers its check
    after 2 s (alive, busy) stays in and serves; one that refuses the connection (killed) is
    marked down. With the check's whole time at 1 s (``inter``), the busy one went down."""
    import threading
    import time
    import urllib.request
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from app import cluster
    from devtools.local_server import free_port
    if not shutil.which("haproxy"):
        pytest.skip("HAProxy not installed (sudo apt-get install haproxy)")

    class Busy(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/_stcore/health":
                time.sleep(2.0)
            body = b"ok"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass
    busy = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=busy.serve_forever, daemon=True).start()
    dead, port = free_port(), free_port()
    config = tmp_path / "haproxy.cfg"
    config.write_text(cluster.proxy_config(
        [f"127.0.0.1:{busy.server_address[1]}", f"127.0.0.1:{dead}"], port, "127.0.0.1"))
    log = tmp_path / "proxy.log"
    with open(log, "wb") as out:
        proxy = subprocess.Popen(cluster.proxy_command(config), stdout=out,
                                 stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 8
        while "r2 is DOWN" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(5)                      # two more of the busy replica's slow checks
        for _ in range(3):                 # every request reaches the live replica
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
                assert answer.status == 200 and answer.read() == b"ok"
    finally:
        proxy.terminate()
        proxy.wait(10)
        busy.shutdown()
    text = log.read_text()
    assert "r2 is DOWN" in text, text
    assert "r1 is DOWN" not in text, text

# -- the runtime policy in a fresh interpreter (runtime.py, model/costs/memory_split.py) ---------
def test_measuring_in_a_session_thread_prints_nothing():
    """Measured as a Streamlit session does (off the main thread), twice: nothing reaches
    stderr (torch.profiler's Kineto printed USDT lines and an "External init callback" error
    into the server log and the export's output)."""
    code = ("import threading, torch\n"
            "from model.costs.memory_split import measure_peak_bytes\n"
            "out = []\n"
            "job = lambda: out.append(measure_peak_bytes(lambda: torch.ones(10_000).sum()))\n"
            "for _ in range(2):\n"
            "    t = threading.Thread(target=job); t.start(); t.join()\n"
            "print(out)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=ROOT)
    assert run.returncode == 0 and run.stderr == "", run.stderr[-2000:]
    assert all(b >= 40_000 for b in json.loads(run.stdout))  # 10,000 float32 ones, twice


_LARGE_BLOCK = """
import ctypes, sys
sys.path.insert(0, {root!r})
import runtime
runtime.configure(serving={serving}, worker={worker})
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
for size in (1 << 20, 4 << 20):
    libc.free(ctypes.c_void_p(libc.malloc(size)))   # glibc's default raises its threshold here
    before = libc.mallinfo2().hblkhd
    block = libc.malloc(size)
    print(libc.mallinfo2().hblkhd - before >= size)
"""


def test_the_server_gives_large_freed_blocks_back():
    """configure(serving=True): 1 MB and 4 MB blocks get pages of their own (returned when
    freed) also after one was freed; the worker process (worker=True) only the 4 MB one;
    glibc's default (the command lines) then keeps both in the heap."""
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's malloc only")
    seen = {}
    # Dask's nanny puts MALLOC_TRIM_THRESHOLD_ in this process's environment when it starts a
    # worker (its pre-spawn-environ): that alone fixes glibc's threshold. Plain glibc here.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    for role in ("serving", "worker", "plain"):
        code = _LARGE_BLOCK.format(root=str(ROOT), serving=role == "serving",
                                   worker=role == "worker")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60, check=True, env=env).stdout.split()
        seen[role] = out[-2:]
    assert seen == {"serving": ["True", "True"], "worker": ["False", "True"],
                    "plain": ["False", "False"]}
