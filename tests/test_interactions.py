"""A Streamlit run's place in the cluster's order (``app/interactions.py``): every ask of one
run carries the time of its first, a rerun of the same session a later one, and outside a
run there is none. (That the cluster serves by it: ``test_cluster.py``.)"""
import pytest
from streamlit.testing.v1 import AppTest

from app import interactions

pytestmark = pytest.mark.app

SCRIPT = """
import time
import streamlit as st
from app.interactions import asked_at
first = asked_at()
time.sleep(0.05)
st.session_state.setdefault("runs", []).append((first, asked_at(), time.time()))
"""


def test_one_run_asks_at_one_time_and_a_rerun_at_a_later_one():
    at = AppTest.from_string(SCRIPT, default_timeout=30)
    at.run()
    at.run()
    (first, again, ended), (rerun_first, rerun_again, _) = at.session_state["runs"]
    assert first == again and rerun_first == rerun_again
    assert first < ended <= rerun_first


def test_outside_a_run_there_is_no_time():
    assert interactions.asked_at() is None
