"""Hardening catalog: bad inputs, each refused with a clear message or handled correctly.

Every bad file is made here at test time (nothing binary is committed). Three layers:
- the libraries: ``model.images.load_image`` / ``preprocess``, ``model.weights``,
  ``manifolds`` and ``model.analyze`` raise ValueErrors that say what is wrong;
- the UI: the same files uploaded to the Live page (AppTest) give an ``st.error`` naming the
  file, never an exception, and the page keeps drawing;
- the URL: garbage and out-of-range values in every page's link give a notice, not a crash.
"""
from __future__ import annotations

import io
import json
import pickle
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageFile
from streamlit.testing.v1 import AppTest

import manifolds as m
from manifolds.dimension import twonn_dimension
from conftest import APP, APP_TIMEOUT, page_texts, shown
from model.images import MAX_IMAGE_PIXELS, ImageError, load_image, preprocess
from model.mobilenetv2 import mobilenet_v2
from model.weights import WeightsError, load_weights, read_state_dict

pytestmark = pytest.mark.app


# -- bad images, made on the fly ---------------------------------------------------------------
def _save(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _photo(w=64, h=48) -> Image.Image:
    return Image.fromarray(np.random.default_rng(0).integers(0, 255, (h, w, 3), np.uint8))


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(side: int = 20000) -> bytes:
    """A valid 1-bit PNG of side x side black pixels: about 60 KB on disk, 400 megapixels
    (1.2 GB as RGB) once decoded. Compressed row block by row block, so making it is cheap."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)        # filter byte + packed bits
    packer = zlib.compressobj(9)
    block = row * 1000
    body = b"".join(packer.compress(block) for _ in range(side // 1000)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", body)
            + _png_chunk(b"IEND", b""))


def _gif_two_frames() -> bytes:
    red, blue = Image.new("RGB", (16, 16), (255, 0, 0)), Image.new("RGB", (16, 16), (0, 0, 255))
    return _save(red, "GIF", save_all=True, append_images=[blue], duration=100, loop=0)


def _bad_crc_png() -> bytes:
    data = bytearray(_save(_photo(), "PNG"))
    data[29] ^= 0xFF            # inside IHDR's CRC: the header no longer checks out
    return bytes(data)


# name -> (file bytes, what must happen). "error: <text>" = ImageError with <text>;
# "rgb (r, g, b)" = decodes to RGB whose top-left pixel is that colour.
IMAGE_CASES = {
    "random_bytes.png": (np.random.default_rng(1).bytes(4096), "error: not an image format"),
    "empty.jpg": (b"", "error: empty"),
    "truncated.jpg": (_save(_photo(), "JPEG")[:600], "error: truncated or corrupt"),
    "truncated.png": (_save(_photo(), "PNG")[:300], "error: truncated or corrupt"),
    "bad_crc.png": (_bad_crc_png(), "error: not an image format"),
    "page.png": (b"<html><script>alert(1)</script></html>", "error: not an image format"),
    "header_only.gif": (b"GIF89a\x10\x00\x10\x00", "error: not an image format"),
    "bomb.png": (bomb_png(), "error: 50,000,000-pixel limit"),
    "bomb_64mp.png": (bomb_png(8000), "error: 50,000,000-pixel limit"),
    "cmyk.jpg": (_save(Image.new("CMYK", (32, 32), (0, 255, 255, 0)), "JPEG", quality=95), "rgb (255, 0, 0)"),
    "sixteen_bit.png": (_save(Image.fromarray(np.full((16, 16), 65535, np.uint16)), "PNG"), "rgb (255, 255, 255)"),
    "palette.png": (_save(Image.new("RGB", (16, 16), (0, 128, 255)).quantize(4), "PNG"), "rgb (0, 128, 255)"),
    "alpha.png": (_save(Image.new("RGBA", (16, 16), (255, 0, 0, 0)), "PNG"), "rgb (255, 255, 255)"),
    "animated.gif": (_gif_two_frames(), "rgb (255, 0, 0)"),
    "one_pixel.png": (_save(Image.new("RGB", (1, 1), (10, 20, 30)), "PNG"), "rgb (10, 20, 30)"),
    "strip.png": (_save(Image.new("RGB", (8000, 1), (0, 255, 0)), "PNG"), "rgb (0, 255, 0)"),
    "tall_strip.png": (_save(Image.new("RGB", (1, 8000), (0, 0, 255)), "PNG"), "rgb (0, 0, 255)"),
}


def _close(a, b, tol=3):
    return all(abs(int(x) - int(y)) <= tol for x, y in zip(a, b))


@pytest.mark.parametrize("name", sorted(IMAGE_CASES))
def test_image_library(name):
    data, expect = IMAGE_CASES[name]
    if expect.startswith("error: "):
        with pytest.raises(ImageError, match=expect[len("error: "):]) as info:
            load_image(data, name=name)
        assert name in str(info.value)        # the message names the file
        return
    im = load_image(data, name=name)
    assert im.mode == "RGB"
    colour = eval(expect[len("rgb "):])      # noqa: S307 - the literal tuples above
    assert _close(im.getpixel((0, 0)), colour), (im.getpixel((0, 0)), colour)
    x = preprocess(im, crop=64)              # every decodable image reaches the network
    assert x.shape == (3, 64, 64) and torch.isfinite(x).all()


def test_bomb_is_refused_before_any_pixel_is_decoded(monkeypatch):
    data = bomb_png()
    assert len(data) < 200_000 and 20000 * 20000 > MAX_IMAGE_PIXELS
    decoded = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(ImageFile.ImageFile, "load",
                        lambda self: decoded.append(self.size) or real_load(self))
    with pytest.raises(ImageError, match="50,000,000-pixel limit"):
        load_image(data, name="bomb.png")
    with pytest.raises(ImageError, match="16,000,000 pixels is more than the 10,000,000-pixel"):
        load_image(bomb_png(4000), name="bomb_16mp.png", max_pixels=10_000_000)
    assert decoded == []                      # the headers were read, no pixel was
    # The same loader does decode a small image (the spy works).
    load_image(_save(_photo(), "PNG"))
    assert decoded


def test_file_over_byte_limit_is_refused():
    with pytest.raises(ImageError, match="larger than the"):
        load_image(_save(_photo(), "PNG"), name="big.png", max_bytes=1000)


# -- bad checkpoints ------------------------------------------------------------------------
class RunsCodeOnLoad:
    """Unpickling this calls Path.touch(marker): a stand-in for any code in a pickle."""
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.fixture(scope="module")
def small_state():
    torch.manual_seed(0)
    return mobilenet_v2(0.35, num_classes=10).state_dict()


def _model():
    return mobilenet_v2(0.35, num_classes=10)


def _write(tmp_path, name, obj) -> Path:
    path = tmp_path / name
    if isinstance(obj, bytes):
        path.write_bytes(obj)
    else:
        torch.save(obj, path)
    return path


def test_pickle_that_runs_code_is_refused_and_nothing_runs(tmp_path, small_state):
    marker = tmp_path / "code_ran"
    path = _write(tmp_path, "evil.pth", {**small_state, "payload": RunsCodeOnLoad(marker)})
    with pytest.raises(WeightsError, match="refused to load evil.pth"):
        read_state_dict(path)
    with pytest.raises(WeightsError, match="refused"):
        load_weights(_model(), path)
    assert not marker.exists()
    # The file really is dangerous: a plain (unsafe) load runs its code.
    torch.load(path, weights_only=False)
    assert marker.exists()


CHECKPOINT_CASES = {
    "wrong_keys.pth": (lambda s: {k.replace("features", "layers"): v for k, v in s.items()},
                       "missing keys \\(first: features"),
    "wrong_shapes.pth": (lambda s: {**s, "classifier.1.weight": torch.zeros(7, 1280)},
                         "wrong shapes \\(classifier.1.weight"),
    "other_width.pth": (lambda s: mobilenet_v2(0.5, num_classes=10).state_dict(),
                        "width_mult=0.5"),
    "non_tensor.pth": (lambda s: {**s, "classifier.1.bias": [0.0] * 10}, "not a named tensor"),
    "not_a_dict.pth": (lambda s: list(s.values()), "does not hold a state dict"),
    "int_keys.pth": (lambda s: {i: v for i, v in enumerate(s.values())}, "not a named tensor"),
    "whole_model.pth": (lambda s: _model(), "refused to load whole_model.pth"),
    "truncated.pth": (lambda s: "truncate", "could not read truncated.pth"),
    "empty.pth": (lambda s: b"", "could not read empty.pth"),
    "text.pth": (lambda s: b"this is not a checkpoint\n", "could not read text.pth"),
    # plain pickles (pickle.dump, not torch.save): torch's reader stopped at their first byte
    # code ("Unsupported operand 149"); their globals are read without running them
    "plain_pickle.pth": (lambda s: pickle.dumps(RunsCodeOnLoad(Path("/nonexistent/ran"))),
                         "refused to load plain_pickle.pth: .*run code \\(pathlib"),
    "pickled_text.pth": (lambda s: pickle.dumps("hello"),
                         "pickled_text.pth is not a checkpoint written by"),
}


@pytest.mark.parametrize("name", sorted(CHECKPOINT_CASES))
def test_checkpoint_library(tmp_path, small_state, name):
    make, message = CHECKPOINT_CASES[name]
    obj = make(small_state)
    if obj == "truncate":
        whole = _write(tmp_path, "whole.pth", small_state).read_bytes()
        obj = whole[: len(whole) // 2]
    path = _write(tmp_path, name, obj)
    with pytest.raises(WeightsError, match=message):
        load_weights(_model(), path)


def test_unknown_and_missing_weight_sources(tmp_path):
    with pytest.raises(WeightsError, match="unknown weights source 'imagenet-v3'"):
        load_weights(_model(), "imagenet-v3")
    with pytest.raises(WeightsError, match="not found"):
        load_weights(_model(), tmp_path / "nowhere.pth")


# -- bad parameters (library) -----------------------------------------------------------------
PARAMETER_CASES = {
    "nan_points": (lambda: m.roundtrip(np.array([[np.nan, 0.0], [1.0, 1.0]]), 5), "NaN"),
    "inf_points": (lambda: m.roundtrip(np.array([[np.inf, 0.0], [1.0, 1.0]]), 5), "infinity"),
    "huge_n": (lambda: m.roundtrip(np.zeros((100, 2)), 10**9), "allowed"),
    "huge_n_points": (lambda: m.make_spiral(10**12), "1,000,000"),
    "n_zero": (lambda: m.roundtrip(np.zeros((10, 2)), 0), "n must be an integer >= 1"),
    "n_float": (lambda: m.roundtrip(np.zeros((10, 2)), 2.5), "n must be an integer"),
    "negative_seed": (lambda: m.make_spiral(100, seed=-1), "non-negative"),
    "nan_noise": (lambda: m.make_spiral(100, noise=float("nan")), "finite number"),
    "inf_noise": (lambda: m.make_spiral(100, noise=float("inf")), "finite number"),
    "unknown_activation": (lambda: m.roundtrip(np.ones((10, 2)), 5, activation="swish"),
                           "allowed are relu"),
    "unknown_input": (lambda: m.sample_input("torus", 100), "allowed are"),
    "nan_dimension": (lambda: twonn_dimension(np.full((50, 3), np.nan)), "NaN"),
    "unknown_estimator": (lambda: __import__("model").analyze(
        mobilenet_v2(0.35, num_classes=10).eval(), torch.zeros(1, 3, 32, 32),
        estimators=("pca", "mle")), "estimators must be distinct names from"),
}


@pytest.mark.parametrize("name", sorted(PARAMETER_CASES))
def test_parameter_library(name):
    call, message = PARAMETER_CASES[name]
    with pytest.raises(ValueError, match=message):
        call()


# -- the same through the UI ------------------------------------------------------------------
def _app(page: str, **query) -> AppTest:
    """The app opened with ``query`` in its link, then moved to ``page``. ``at.notices`` holds
    the link notices of both runs (the sidebar's settings are checked on the first). AppTest
    runs the home page first: it is given only the sidebar's keys, as a link to ``page`` never
    reaches the home page (the others would be keys the home page does not use)."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    sidebar = ("lang", "seed")
    at.query_params.update({k: v for k, v in query.items() if k in sidebar})
    at.run()
    at.query_params.update({k: v for k, v in query.items() if k not in sidebar})
    notices = [shown(w.value) for w in at.warning]
    at.switch_page(page).run()
    assert not at.exception
    at.notices = notices + [shown(w.value) for w in at.warning]
    return at



def _chart_titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


@pytest.fixture
def live_upload_page():
    """A fresh page per upload: one case's file never stays behind for the next."""
    at = _app("views/live.py", res="64", image="upload", compare="none", mosaic_block="2")
    return at


UI_IMAGE_ERRORS = sorted(n for n, (_, e) in IMAGE_CASES.items() if e.startswith("error"))
UI_IMAGE_GOOD = ["cmyk.jpg", "sixteen_bit.png", "animated.gif", "one_pixel.png", "strip.png"]


@pytest.mark.parametrize("name", UI_IMAGE_ERRORS + UI_IMAGE_GOOD)
def test_image_upload_in_ui(live_upload_page, name):
    at = live_upload_page
    data, expect = IMAGE_CASES[name]
    at.file_uploader(key="live_image").set_value((name, data, "image/png")).run()
    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    if expect.startswith("error"):
        assert any(name in e for e in errors), errors
    else:
        assert not errors, errors
        assert any(name in t for t in page_texts(at))
    assert any(t.startswith("Dimension profile") for t in _chart_titles(at))  # page still works


def test_checkpoint_uploads_in_ui(tmp_path, small_state):
    """Each bad checkpoint uploaded to the Live page: an error naming it, the page falls back
    to the trained weights, and the pickle's code never runs."""
    marker = tmp_path / "code_ran"
    whole = _write(tmp_path, "whole.pth", small_state).read_bytes()
    bad = {
        "evil.pth": _write(tmp_path, "evil.pth", {**small_state, "x": RunsCodeOnLoad(marker)}).read_bytes(),
        "wrong_keys.pth": _write(tmp_path, "k.pth", CHECKPOINT_CASES["wrong_keys.pth"][0](small_state)).read_bytes(),
        "non_tensor.pth": _write(tmp_path, "n.pth", CHECKPOINT_CASES["non_tensor.pth"][0](small_state)).read_bytes(),
        "whole_model.pth": _write(tmp_path, "m.pth", _model()).read_bytes(),
        "truncated.pth": whole[: len(whole) // 2],
        "empty.pth": b"",
    }
    at = _app("views/live.py", res="64", weights="upload", compare="none", mosaic_block="2")
    for name, data in bad.items():
        at.file_uploader(key="live_ckpt").set_value((name, data, "application/octet-stream")).run()
        assert not at.exception, name
        assert any(name in shown(e.value) for e in at.error), (name, [e.value for e in at.error])
        assert any(t.startswith("Dimension profile") for t in _chart_titles(at)), name
    assert not marker.exists()


URL_CASES = {
    # page: {param: raw value}; every one must leave a notice naming the param.
    "views/relu_manifolds.py": {"n": "nan", "act": "swish", "points": "1e12", "noise": "inf",
                                "seeds": "-3", "input": "<script>", "seed": "-5", "lang": "xx"},
    "views/block.py": {"di": "-inf", "dj": "1e308", "t": "abc", "k": "9", "s": "0", "h": "0",
                       "width": "2.0", "split_block": "99", "ablation_est": "mle"},
    "views/live.py": {"weights": "../../etc/passwd", "est": "mle", "gen_class": "nan",
                      "gen_index": "-1", "res": "100000", "mosaic_block": "inf",
                      "mosaic_probe": "everything", "image": "http://example.com/x.png"},
    "views/presenter.py": {"slide": "1e9"},
}


@pytest.mark.parametrize("page", sorted(URL_CASES))
def test_garbage_in_url_gives_notices_not_crashes(page):
    query = URL_CASES[page]
    at = _app(page, **query)
    notices = " ".join(at.notices)
    for param in query:
        assert f"{param} =" in notices, (param, notices)
    assert not at.error, [e.value for e in at.error]
    # The link now carries only valid values: reloading it gives no notice.
    again = _app(page, **{k: at.query_params[k] for k in query})
    assert not [n for n in again.notices if "link" in n.lower()]


def test_link_notices_stay_while_they_hold():
    """A rerun with nothing changed (a browser reconnecting, a menu opened) shows the link's
    notices again; changing a setting retires its notice only; leaving the page retires all."""
    at = _app("views/block.py", t="abc", k="9")
    def link_notices():
        return " ".join(shown(w.value) for w in at.warning)
    assert "t =" in link_notices() and "k =" in link_notices()
    at.run()
    assert "t =" in link_notices() and "k =" in link_notices(), link_notices()
    at.slider(key="url_t").set_value(4).run()
    assert "t =" not in link_notices() and "k =" in link_notices(), link_notices()
    at.switch_page("views/relu_manifolds.py").run()
    at.switch_page("views/block.py").run()
    assert "k =" not in link_notices(), link_notices()


# -- limits -------------------------------------------------------------------------------------
def test_server_limits_and_no_telemetry():
    import tomllib
    config = tomllib.loads((Path(APP).parent.parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == 20
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] in ("type", "none")   # no tracebacks shown


def test_upload_limits_are_stated_beside_the_upload(live_upload_page):
    helps = [u.proto.help for u in live_upload_page.get("file_uploader")]
    assert any("20 MB" in h and "50 megapixels" in h for h in helps), helps


# -- concurrency: one model shared by every session --------------------------------------------
def test_analysis_on_a_shared_model_ignores_other_threads_forwards():
    """The app holds one network for all sessions (st.cache_resource), each session in its own
    thread. Probes hooked on it must measure only their own forward, not another session's
    that runs meanwhile (before the fix, a concurrent forward tripled n_points)."""
    import threading

    from services.live import channel_activations
    from model.analysis import analyze
    torch.manual_seed(0)
    net = mobilenet_v2(0.35, num_classes=10).eval()
    mine, other = torch.randn(2, 3, 64, 64), 3 * torch.randn(4, 3, 64, 64)
    alone = [(r.pr, r.n_points) for r in analyze(net, mine, estimators=("pr",))]
    acts_alone = channel_activations(net, mine, 2, "expansion")
    stop = threading.Event()

    def other_session():
        with torch.inference_mode():
            while not stop.is_set():
                net(other)

    thread = threading.Thread(target=other_session)
    thread.start()
    try:
        together = [(r.pr, r.n_points) for r in analyze(net, mine, estimators=("pr",))]
        acts_together = [channel_activations(net, mine, 2, "expansion") for _ in range(5)]
    finally:
        stop.set()
        thread.join()
    assert together == alone
    assert all(np.array_equal(a, acts_alone) for a in acts_together)
