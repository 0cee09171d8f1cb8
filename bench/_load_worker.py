"""The app's worker process (``services.worker_process``) for bench/load.py, counting the
networks it builds (``bench/_net_counts.py``) into COUNTS_JSON twice a second.

    python bench/_load_worker.py COUNTS_JSON      (started by bench/_load_server.py's server)
"""
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import _net_counts as net_counts  # noqa: E402  (bench/, beside this file)

counts_path = Path(sys.argv[1])
net_counts.install()


def write_counts():
    while True:
        tmp = counts_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(net_counts.counts()))
        tmp.replace(counts_path)          # atomic: the reader never sees a half-written file
        time.sleep(0.5)


threading.Thread(target=write_counts, daemon=True).start()
from services.worker_process import main  # noqa: E402
main()
