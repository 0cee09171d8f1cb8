"""How often a page waiting for its data-set measurement looks again, on a real server: every
``QUEUED_POLL_S`` while another measurement is ahead of it, every ``POLL_S`` once its own
tasks run, and not at all once its result is drawn. Two sessions through Streamlit's own
websocket protocol (``bench/_student.py``: the intervals are the ones the browser is told)."""
import asyncio

import pytest

from app.evidence_section import POLL_S, QUEUED_POLL_S
from bench._student import Student
from devtools.local_server import running_app
from i18n.strings.evidence import TEXT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

# Two measurements of different seeds: the second waits for the first (earlier first).
FIRST = "lang=en&ev_n=24&ev_run=1&seed=11"
SECOND = "lang=en&ev_n=240&ev_run=1&seed=12"


async def _intervals_until_drawn(s: Student, query: str, timeout: float = 400) -> list[float]:
    """The interval the page asked for at each look, following it as the browser does, until
    the page stops asking (its result drawn)."""
    seen: list[float] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while s.auto_reruns:
        assert loop.time() < deadline, f"no result after {timeout} s; looks: {seen}"
        fragment, interval = next(iter(s.auto_reruns.items()))
        seen.append(interval)
        await asyncio.sleep(interval)
        await s.rerun("live", query, fragment=fragment)
    return seen


def test_a_page_behind_another_measurement_looks_less_often():
    with running_app() as url:
        port = int(url.rsplit(":", 1)[1])

        async def run():
            async with Student(port, "en") as first, Student(port, "en") as second:
                await first.rerun("live", FIRST)
                await second.rerun("live", SECOND)
                assert list(first.auto_reruns.values()) == [POLL_S]
                assert list(second.auto_reruns.values()) == [QUEUED_POLL_S]
                # none ahead of the first: it is starting, not "queued behind 0"
                assert first.progress[0] == TEXT["evidence.starting"][0], first.progress
                assert second.progress[0].startswith("Queued: 1 "), second.progress
                assert set(await _intervals_until_drawn(first, FIRST)) == {POLL_S}
                # The first is drawn: the second's next look finds its turn came. Unless it is
                # done already, the page runs again and looks every second from then on.
                [fragment] = second.auto_reruns
                await second.rerun("live", SECOND, fragment=fragment)
                after = await _intervals_until_drawn(second, SECOND)
                assert not first.errors and not second.errors, first.errors + second.errors
                return after
        after = asyncio.run(run())
    assert set(after) <= {POLL_S}, after
