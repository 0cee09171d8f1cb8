"""Work bounded per link, settings per page, keys a page does not use or that a link gives
twice, and weights that are not on the machine."""
import pytest
from streamlit.testing.v1 import AppTest

from conftest import APP, APP_TIMEOUT, open_page, shown
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

def _notices(at) -> list[str]:
    return [shown(w.value) for w in at.warning]


def test_a_key_the_page_does_not_use_is_named_and_holds_until_the_page_is_left():
    """A typo, another page's setting and a key of no page each get a notice naming the key;
    the page's own keys, the sidebar's and Streamlit's embedding keys (any case) get none."""
    at = open_page("views/relu_manifolds.py", widht="3", slide="2", n="4", seed="1", lang="en",
                   embed="true", embed_options="show_toolbar", EMBED_OPTIONS="dark_theme")
    assert at.slider(key="url_n").value == 4
    ignored = "is not a setting of this page, so it was ignored and taken out of the link."
    assert _notices(at) == [f"The link's key widht {ignored}", f"The link's key slide {ignored}"]
    # The link the page leaves behind reproduces the view without them: no notice for whoever
    # opens a copy of it.
    assert "widht" not in at.query_params and "slide" not in at.query_params
    assert at.query_params["n"] == "4" and at.query_params["seed"] == "1"
    at.run()                                     # a rerun with nothing changed keeps them
    assert len(_notices(at)) == 2
    at.slider(key="url_n").set_value(5).run()    # they are about no setting: a change keeps them
    assert len(_notices(at)) == 2
    # Leaving the page retires them. Chromium's link loses its query when a page is left
    # (tests/test_hostile_text_browser.py); AppTest's keeps it, so the test clears it.
    at.query_params.clear()
    at.switch_page("views/home.py").run()
    assert not at.exception and not _notices(at)
    at.query_params.clear()
    at.switch_page("views/relu_manifolds.py").run()
    assert not _notices(at)


def test_a_link_to_the_home_page_with_a_pages_setting_says_so():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update(n="5", lang="en")
    at.run()
    assert _notices(at) == ["The link's key n is not a setting of this page, so it was ignored "
                            "and taken out of the link."]


def test_many_unknown_keys_are_counted_not_listed():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params.update({f"key{i}": "1" for i in range(12)})
    at.run()
    notices = _notices(at)
    assert len(notices) == 5, notices
    assert [f"key{i}" in n for i, n in enumerate(notices[:4])] == [True] * 4
    assert notices[4] == ("8 more of the link's keys are not settings of this page; they were "
                          "ignored and taken out too.")
    assert not [k for k in at.query_params if k.startswith("key")]


def test_a_key_given_twice_says_which_value_is_used():
    """Streamlit reads the last of a repeated key: the notice says so and names what is used
    (after a clamp too), and the link then holds that one value."""
    at = open_page("views/relu_manifolds.py", n=["4", "16"], points=["200", "9999"])
    assert not at.exception
    assert at.slider(key="url_n").value == 16 and at.slider(key="url_points").value == 5000
    notices = _notices(at)
    assert "The link gives n 2 times (4, 16); only the last one is read, and 16 is used." in notices
    assert ("The link gives points 2 times (200, 9999); only the last one is read, and 5000 is "
            "used.") in notices
    assert any("points = 9999" in n and "5000" in n for n in notices), notices   # the clamp
    assert at.query_params["n"] == "16" and at.query_params["points"] == "5000"
    at.run()
    assert len(_notices(at)) == len(notices)
    at.slider(key="url_n").set_value(8).run()    # n changed: its notice goes, the others stay
    assert not [n for n in _notices(at) if "gives n " in n]
    assert len(_notices(at)) == len(notices) - 1


def test_the_join_links_class_is_presenter_modes_own_and_said_when_given_twice():
    """Presenter mode reads ``class`` itself (a join link): not unknown; given twice, the
    last code is the one tried. Codes of the wrong shape are refused before any class call."""
    at = open_page("views/presenter.py", **{"class": ["x1", "y2"]})
    assert _notices(at) == ["The link gives class 2 times (x1, y2); only the last one is read, "
                            "and y2 is used."]
    assert any("y2" in shown(e.value) for e in at.error)


def test_link_key_notices_in_korean():
    at = open_page("views/relu_manifolds.py", lang="ko", widht="3", n=["4", "16"])
    assert _notices(at) == ["링크에 n 항목이 2번 들어 있어(4, 16) 마지막 것만 읽고 이 값을 씁니다: 16.",
                            "링크의 widht 항목은 이 페이지의 설정이 아니어서 무시하고 링크에서 뺐습니다."]
