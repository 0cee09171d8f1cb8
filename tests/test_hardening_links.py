"""Work bounded per link, settings per page, and weights that are not on the machine."""
import pytest

from conftest import open_page
from services import block as block_data

pytestmark = pytest.mark.app


def test_a_link_cannot_ask_for_minutes_of_timing(monkeypatch):
    """The link that kept the server busy for over a minute is refused before anything runs,
    from its MAdds, with a message saying what to lower."""
    timed = []
    real = block_data.option_rows
    monkeypatch.setattr(block_data, "option_rows",
                        lambda *a, **k: timed.append((a, k)) or real(*a, **k))
    at = open_page("views/block.py", di="512", dj="512", t="1", k="7", h="220", w="220")
    errors = [e.value for e in at.error]
    assert any("GMAdds" in e for e in errors), errors
    assert not timed


def test_a_large_block_is_timed_over_fewer_runs():
    runs, per_run = block_data.affordable_repeats(256, 256, 6, 3, 56, 56, 1, repeats=7)
    assert 1 <= runs < 7
    assert (runs + 1) * per_run <= block_data.MAX_TIMED_MADDS
    assert block_data.affordable_repeats(24, 24, 6, 3, 56, 56, 1, repeats=7)[0] == 7
    assert block_data.affordable_repeats(512, 512, 1, 7, 220, 220, 1, repeats=7)[0] == 0


def test_settings_are_per_page():
    """The live page's resolution and the block page's table resolution were one URL key
    (res): setting one changed the other page. Moving between the pages keeps each its own."""
    at = open_page("views/live.py", res="96", compare="none")
    assert at.query_params["res"] == "96"
    at.switch_page("views/block.py").run()
    assert not at.exception
    assert at.query_params.get("table_res", "224") == "224"
    assert "res" not in at.query_params or at.query_params["res"] == "96"
    at.switch_page("views/live.py").run()
    assert not at.exception
    assert at.query_params["res"] == "96"


def test_imagenet_weights_not_on_the_machine(tmp_path, monkeypatch):
    """The choice says "not downloaded" before it is picked; picked, the page offers the
    download with its size (tests/test_download_page.py presses it) and compares nothing
    meanwhile: no error, and nothing is fetched until the button is pressed."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))       # an empty hub cache
    fetched = []
    monkeypatch.setattr("model.download.download", lambda *a, **k: fetched.append(a))
    at = open_page("views/live.py", res="64", compare="imagenet-v1", weights="embedded")
    options = at.selectbox[0].options
    assert any("not downloaded" in o for o in options), options
    assert not at.error, [e.value for e in at.error]
    assert any("14.2 MB" in i.value and "no comparison" in i.value for i in at.info), at.info
    assert [b.label for b in at.button if b.key == "download_imagenet-v1"] == ["Download (14.2 MB)"]
    assert not fetched