"""`streamlit run app/main.py` for bench/load.py, in a process that counts weight loads.

    python bench/_load_server.py PORT COUNTS_JSON

Wraps ``model.weights.load_weights`` (the app imports it at call time, so the wrapper is what
the pages call) and writes {source: number of loads} to COUNTS_JSON twice a second. With
st.cache_resource holding each network once, every count stays 1 however many sessions run.
Binds 127.0.0.1 only.
"""
import json
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import model.weights as weights  # noqa: E402

port, counts_path = sys.argv[1], Path(sys.argv[2])
counts: Counter = Counter()
_original = weights.load_weights


def counting_load_weights(model, source, *args, **kwargs):
    counts[source if isinstance(source, str) and not source.endswith((".pt", ".pth")) else "file"] += 1
    return _original(model, source, *args, **kwargs)


weights.load_weights = counting_load_weights


def write_counts():
    while True:
        tmp = counts_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(dict(counts)))
        tmp.replace(counts_path)          # atomic: the reader never sees a half-written file
        time.sleep(0.5)


threading.Thread(target=write_counts, daemon=True).start()

from streamlit.web import cli  # noqa: E402

sys.argv = ["streamlit", "run", str(ROOT / "app" / "main.py"), "--server.port", port,
            "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
sys.exit(cli.main())
