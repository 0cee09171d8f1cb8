"""When a Streamlit run first asked the cluster: the order the cluster serves the pages in.

``services.cluster.order_interactions_by(asked_at)`` (``install``) ranks a run's interactive
tasks by the time the run first asked for one, so a page's later analyses do not queue behind
other students' first ones (its docstring says why). A run is one execution of the page
script or of a fragment: Streamlit's ``ScriptRunContext.reset`` starts each with a new
``cursors`` dict, which is how a new run is told from the one before in the same session.
"""
from __future__ import annotations

import time

from streamlit.runtime.scriptrunner import get_script_run_ctx

from services import cluster

_STAMP = "_manifold_lab_asked"      # on the session's ScriptRunContext: (run's cursors, time)


def asked_at() -> float | None:
    """``time.time()`` when the calling thread's run first asked (now, at its first ask), or
    None outside a Streamlit run (the warm-up, a command line)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return None
    stamp = getattr(ctx, _STAMP, None)
    if stamp is None or stamp[0] is not ctx.cursors:
        stamp = (ctx.cursors, time.time())
        setattr(ctx, _STAMP, stamp)
    return stamp[1]


def install() -> None:
    """Once per server process, before the pages ask the cluster."""
    cluster.order_interactions_by(asked_at)
