"""``python -m app [streamlit options]``: the app's server, warmed up before it serves.

Runs the start-up warm-up (``app.warmup``: imports, the shipped networks, each page's default
results; 8-12 s on a 2-core machine) in this process, then ``streamlit run
app/main.py`` in the same process with the options given (``--server.port 8502``, ...). A
class that opens the link at once then finds the pages ready. A plain ``streamlit run
app/main.py`` also works: its warm-up starts at the first visit, on a background thread, and
the first visitors wait for what it has not done yet (``bench/load.py --streamlit-run``).
"""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from runtime import configure
    configure(serving=True)
    from app import warmup
    started = time.perf_counter()
    if not warmup.turned_off():
        print("Manifold Lab: warming up before serving (MANIFOLD_LAB_WARMUP=0 skips it)...",
              flush=True)
    done = warmup.run_before_serving(lambda r: print(
        f"  {r.name} {r.seconds:.1f} s" + (f" FAILED: {r.error}" if r.error else ""), flush=True))
    if done:
        print(f"warmed up in {time.perf_counter() - started:.1f} s", flush=True)
    from streamlit.web import cli
    sys.argv = ["streamlit", "run", str(ROOT / "app" / "main.py"), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
