import pytest
from streamlit.testing.v1 import AppTest

from app.urlstate import Param, parse_param
from conftest import APP, APP_TIMEOUT
from i18n import TABLE, t

pytestmark = pytest.mark.app


def test_home_renders_in_both_languages():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Manifold Lab"
    at.sidebar.selectbox[0].set_value("ko").run()
    assert not at.exception
    assert "논문" in " ".join(c.value for c in at.caption)


def test_garbage_seed_in_url_is_ignored_with_notice():
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    at.query_params["seed"] = "nan"
    at.query_params["lang"] = "xx"
    at.run()
    assert not at.exception
    assert at.sidebar.number_input[0].value == 0
    assert len(at.warning) == 2


def test_parse_param_clamps_and_rejects():
    n = Param("test_n", 5, kind="int", lo=1, hi=256)
    assert parse_param("7", n) == (7, None)
    value, notice = parse_param("100000", n)
    assert value == 256 and notice[0] == "url.clamped"
    for bad in ("nan", "inf", "-inf", "1e999", "abc", "2.5", ""):
        value, notice = parse_param(bad, n)
        assert value == 5 and notice[0] == "url.ignored", bad
    act = Param("test_act", "relu", kind="choice", choices=("relu", "tanh"))
    assert parse_param("tanh", act) == ("tanh", None)
    assert parse_param("<script>", act)[0] == "relu"


def test_an_ignored_values_allowed_range_is_said_in_the_pages_language():
    from i18n import t
    for param, english, korean in ((Param("test_n", 5, kind="int", lo=1, hi=256),
                                    "an integer 1..256", "1~256 사이의 정수"),
                                   (Param("test_noise", 0.0, kind="float", lo=0.0, hi=0.3),
                                    "a number 0.0..0.3", "0.0~0.3 사이의 수")):
        key, values = parse_param("abc", param)[1]
        said = {lang: t(key, lang, **{k: v.render(lang) if hasattr(v, "render") else v
                                      for k, v in values.items()}) for lang in ("en", "ko")}
        assert f"({english})" in said["en"]
        assert f"({korean})" in said["ko"] and "integer" not in said["ko"] \
            and "number" not in said["ko"]


def test_a_url_setting_has_one_owner():
    """Two different settings under one URL key would share their value across pages."""
    Param("test_owner", 1, kind="int", lo=0, hi=9)
    Param("test_owner", 1, kind="int", lo=0, hi=9)            # the same setting again: fine
    with pytest.raises(ValueError, match="defined twice"):
        Param("test_owner", "a", kind="choice", choices=("a", "b"))


def test_every_string_has_both_languages():
    for key, (en, ko) in TABLE.items():
        assert en.strip() and ko.strip(), key
    assert t("app.title", "ko") == "Manifold Lab"


def test_an_unreachable_scheduler_is_said_above_every_page_in_its_language(monkeypatch):
    # A plain `streamlit run` serves on with a scheduler address that does not answer (`python
    # -m app` stops): once a connection has failed, every page says so, until one succeeds.
    import socket

    from services import cluster
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"     # nobody listens there
    monkeypatch.setenv(cluster.SCHEDULER_ENV, address)
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    monkeypatch.setattr(cluster, "_client", None)
    monkeypatch.setattr(cluster, "_refused", None)
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    assert not at.exception and not at.error              # nothing tried yet: nothing said
    with pytest.raises(cluster.SchedulerUnreachable):
        cluster.client()
    at.run()
    assert not at.exception
    assert [e.value for e in at.error if address in e.value and "dask scheduler" in e.value]
    at.sidebar.selectbox[0].set_value("ko").run()
    assert [e.value for e in at.error if address in e.value and "스케줄러" in e.value]
    monkeypatch.setattr(cluster, "_refused", None)        # as after a connection that worked
    at.run()
    assert not at.error
