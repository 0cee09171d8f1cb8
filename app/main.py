"""Manifold Lab: ``python -m app`` (``app/__main__.py``: warms up, then runs this script under
``streamlit run``), or ``streamlit run app/main.py`` directly.

The entry point only sets up the page, the global sidebar (language, seed) and navigation.
Each page is a file under ``app/views/``. No page imports torch: what runs a network runs in
the Dask cluster's workers (``services.remote``), so this server holds no torch and no
network (``tests/test_server_without_torch.py``).
"""
import sys
from pathlib import Path

# `streamlit run app/main.py` puts app/ on sys.path; the packages live one level up.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from runtime import configure  # noqa: E402

configure(serving=True)  # once per server process: threads, memory, image limits (runtime.py)

import streamlit as st  # noqa: E402

from app.navigation import PAGES  # noqa: E402
from app.class_student import back_banner  # noqa: E402
from app.ui import cluster_refusal, global_sidebar, tr  # noqa: E402
from app.warmup import start as start_warmup  # noqa: E402
from app import deferred_downloads, interactions  # noqa: E402

deferred_downloads.install()   # a figure's download survives other sessions' runs (its docstring)
interactions.install()         # the cluster serves the runs that asked first, first

# Once per server process, on a daemon thread: what the pages' first visits need (networks,
# default results, one-off imports) is built before the first students ask (app/warmup.py).
start_warmup()

st.set_page_config(page_title="Manifold Lab", page_icon="🌀", layout="wide")

global_sidebar()
cluster_refusal()     # a scheduler given by address that does not answer: said on every page
pages = [st.Page(path, title=tr(title), icon=icon, url_path=url, default=(i == 0))
         for i, (path, title, icon, url) in enumerate(PAGES)]
page = st.navigation(pages)
back_banner(page.url_path)     # a student exploring away from a live class: the way back
page.run()
