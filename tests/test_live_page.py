"""The "Live MobileNetV2" page (AppTest), its data layer and its figure builders."""
import io
import json
import re
import time

import numpy as np
import pytest
import torch
from PIL import Image

from conftest import FIXTURES, open_page, page_texts, shown, torchvision_fixture
from figures import live as fig
from manifolds.dimension import participation_ratio
from services import images as images_svc
from services import live as live_svc
from services import weights as weights_svc
from model import load_weights, mobilenet_v2

pytestmark = pytest.mark.app


def _png(size=(40, 30), color=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    img = np.zeros((size[1], size[0], 3), np.uint8)
    img[...] = color
    img[:, : size[0] // 2] = (20, 200, 90)
    Image.fromarray(img).save(buf, format="PNG")
    return buf.getvalue()


def _jpeg() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (48, 64, 3), np.uint8)).save(
        buf, format="JPEG")
    return buf.getvalue()


def _charts(at) -> dict:
    """Each chart's spec by its title as read: line breaks as spaces, no markup (a long
    weights name is wrapped over two lines in a narrow column)."""
    out = {}
    for c in at.get("plotly_chart"):
        spec = json.loads(c.proto.spec)
        title = re.sub(r"<[^>]+>", "", spec["layout"]["title"]["text"].replace("<br>", " "))
        out[title] = spec
    return out


def _chart(at, prefix):
    return next(s for t, s in _charts(at).items() if t.startswith(prefix))


def _open_live():
    return open_page("views/live.py", res="64", mosaic_block="2")


@pytest.fixture(scope="module")
def page():
    """The default view, shared only by tests that read it (none sets a widget or session
    state, so their order does not matter); a test that changes the page takes `own_page`."""
    return _open_live()


@pytest.fixture
def own_page():
    """A fresh page for one test that sets widgets, uploads or session state."""
    return _open_live()


def test_default_render_names_weights_everywhere(page):
    assert not page.exception
    assert not page.error
    titles = list(_charts(page))
    trained = "trained here (linear bottleneck)"
    for prefix in ("Top-5 predictions", "Dimension profile", "Zeros after ReLU6", "Block 2"):
        assert any(t.startswith(prefix) and trained in t for t in titles), prefix
    assert any(t.startswith("Same image, two weight sources") for t in titles)


def test_profile_json_is_consistent(page):
    spec = _chart(page, "Dimension profile")
    for trace in spec["data"]:
        if trace.get("customdata"):  # ED traces carry (block, ambient)
            for y, (_, ambient) in zip(trace["y"], trace["customdata"]):
                assert 0 < y <= ambient
    ratio_traces = [t for t in spec["data"] if t.get("yaxis") == "y2"]
    assert ratio_traces and all(0 < y <= 1 for t in ratio_traces for y in t["y"])
    # The top-5 is the trained network's softmax on the page's default input: generated
    # image #0 of class 3 (seed 0) at 64 x 64. Bars are drawn best on top, so reversed.
    w = weights_svc.load_source("embedded")
    x, _ = images_svc.prepare_input(images_svc.generated_image(3, 0, 0, 64), 64, "embedded",
                                    generated=True)
    expected = [p for _, p in live_svc.predictions(w.model, x, w.classes)]
    probs = _chart(page, "Top-5 predictions")["data"][0]["x"][::-1]
    assert probs == pytest.approx(expected, abs=1e-6)


def test_switch_weights_and_image(own_page):
    page = own_page
    page.selectbox(key="url_weights").set_value("random").run()
    page.selectbox(key="url_image").set_value("coffee").run()
    assert not page.exception and not page.error
    titles = list(_charts(page))
    assert any(t.startswith("Dimension profile") and "random" in t for t in titles)
    assert any("coffee" in t for t in page_texts(page))
    assert page.query_params["weights"] in ("random", ["random"])


def test_uploaded_image_and_bad_upload(own_page):
    page = own_page
    page.selectbox(key="url_image").set_value("upload").run()
    assert any("No image yet" in i.value for i in page.info)
    page.file_uploader(key="live_image").set_value(("tiny.png", _png(), "image/png")).run()
    assert not page.exception and not page.error
    assert any("tiny.png" in t for t in page_texts(page))
    # Smaller than the 64 x 64 input: accepted, and the page says it was enlarged.
    small = [i.value for i in page.info if "only 40×30 pixels" in i.value]
    assert small and "64×64" in small[0] and "tiny.png" in small[0], [i.value for i in page.info]
    # A strip: not "smaller" than the input, but the network sees its middle only.
    page.file_uploader(key="live_image").set_value(("strip.png", _png((400, 10)), "image/png")).run()
    thin = [i.value for i in page.info if "400×10 pixels" in i.value]
    assert thin and "strip.png" in thin[0] and "middle 10×10 pixels" in thin[0], page.info
    assert "is only" not in thin[0]
    page.file_uploader(key="live_image").set_value(("big.png", _png((96, 80)), "image/png")).run()
    assert not page.exception and not page.error
    assert not any("pixels, smaller than" in i.value for i in page.info)
    page.file_uploader(key="live_image").set_value(("bad.png", b"not an image", "image/png")).run()
    assert not page.exception
    assert any("bad.png" in shown(e.value) for e in page.error)
    assert any(t.startswith("Dimension profile") for t in _charts(page))  # page kept working


def test_camera_photo(own_page):
    page = own_page
    page.selectbox(key="url_image").set_value("camera").run()
    page.camera_input(key="live_camera").set_value(("shot.jpg", _jpeg(), "image/jpeg")).run()
    assert not page.exception and not page.error
    assert any("shot.jpg" in t for t in page_texts(page))


def test_bad_checkpoint_upload_falls_back():
    at = open_page("views/live.py", res="64", weights="upload", compare="none")
    assert any("Upload a checkpoint" in i.value for i in at.info)
    at.file_uploader(key="live_ckpt").set_value(("evil.pth", b"\x80\x04garbage", "application/octet-stream")).run()
    assert not at.exception
    assert at.error and "cannot be used" in at.error[0].value and "evil.pth" in shown(at.error[0].value)
    assert any(t.startswith("Dimension profile") and "trained here" in t for t in _charts(at))


def test_uploaded_torchvision_checkpoint_is_recognised():
    content = (FIXTURES / "width0.35_res96" / "state_dict.pt").read_bytes()
    w = weights_svc.load_source("upload", upload=content)
    assert w.width_mult == 0.35 and len(w.classes) == 1000 and w.classes[0] == "tench"
    io_ = torch.load(FIXTURES / "width0.35_res96" / "io.pt", weights_only=True)
    with torch.inference_mode():
        assert torch.allclose(w.model(io_["input"]), io_["logits"], atol=1e-4)
    with pytest.raises(ValueError, match="mine.pth"):
        weights_svc.load_source("upload", upload=b"garbage", upload_name="../mine.pth")
    half = content[: len(content) // 2]
    with pytest.raises(ValueError, match="could not read"):
        weights_svc.load_source("upload", upload=half, upload_name="cut.pt")


def test_random_copies_the_architecture_it_is_compared_with():
    trained = weights_svc.load_source("embedded")
    rand = weights_svc.load_source("random", like=trained)
    assert (rand.width_mult, rand.classes, rand.resolution) == (trained.width_mult, trained.classes, trained.resolution)
    a = dict(trained.model.named_parameters())["features.0.0.weight"]
    b = dict(rand.model.named_parameters())["features.0.0.weight"]
    assert not torch.equal(a, b)


def test_random_network_is_built_on_first_use_and_is_the_seeds():
    # The server only describes a student's random comparison network (the worker process
    # computes with it), so it is built when .model is first read, and then kept.
    rand = weights_svc.load_source("random", seed=7)
    assert rand.built is None
    model = rand.model
    assert rand.built is model and rand.model is model and not model.training
    eager = load_weights(mobilenet_v2(rand.width_mult, len(rand.classes)), "random", seed=7)
    assert all(torch.equal(v, eager.state_dict()[k]) for k, v in model.state_dict().items())
    other = weights_svc.load_source("random", seed=8).model
    assert not torch.equal(other.features[0][0].weight, model.features[0][0].weight)


def test_data_layer_shapes():
    w = weights_svc.load_source("embedded")
    x, shown = images_svc.prepare_input(images_svc.sample_photo("chelsea"), 64, "embedded")
    assert x.shape == (1, 3, 64, 64) and shown.shape == (64, 64, 3) and shown.dtype == np.uint8
    acts = live_svc.channel_activations(w.model, x, 1, "expansion")
    assert acts.shape == (w.model.blocks[1].hidden_channels, 32, 32)
    assert acts.min() >= 0 and acts.max() <= 6  # after ReLU6
    proj = live_svc.channel_activations(w.model, x, 1, "projection")
    assert proj.shape[0] == w.model.blocks[1].out_channels and proj.min() < 0  # linear
    top = live_svc.predictions(w.model, x, w.classes)
    assert len(top) == 5 and top[0][1] >= top[-1][1]
    start = time.perf_counter()
    profile, seconds = live_svc.analyze_profile(w.model, x, "pr")
    assert 0 < seconds <= time.perf_counter() - start  # its own wall time, in seconds
    assert {r["probe"] for r in profile} == set(live_svc.PROBE_CHOICES)
    assert len({r["block"] for r in profile}) == 17
    # Each pixel is a point: block 2's expansion (32 x 32 at a 64 x 64 input) has 1024, and
    # its PR is the participation ratio of exactly those activations.
    expansion = next(r for r in profile if (r["block"], r["probe"]) == (2, "expansion"))
    points = acts.reshape(acts.shape[0], -1).T.astype(np.float64)
    assert expansion["n_points"] == 32 * 32 and expansion["ambient"] == acts.shape[0]
    assert expansion["value"] == pytest.approx(participation_ratio(points), rel=1e-5)
    gen = images_svc.generated_image(3, 0, 0, 64)
    assert np.array_equal(gen, images_svc.generated_image(3, 0, 0, 64)) and gen.shape == (64, 64, 3)


def test_mosaic_tiles_channels_in_order():
    acts = np.arange(5 * 2 * 3, dtype=np.float32).reshape(5, 2, 3)
    tiled, cols = fig.mosaic(acts)
    assert cols == 3 and tiled.shape == (2 * 3 - 1, 3 * 4 - 1)
    assert np.array_equal(tiled[0:2, 4:7], acts[1]) and np.isnan(tiled[2]).all()
    with pytest.raises(ValueError):
        fig.mosaic(np.zeros((2, 2)))
    # Channels larger than the chart can show are averaged down to at most 56 px a side.
    big = np.random.default_rng(0).random((3, 112, 111), dtype=np.float32)
    tiled, cols = fig.mosaic(big)
    assert cols == 2 and tiled.shape == (2 * 57 - 1, 2 * 56 - 1)   # 111 -> 55: edge dropped
    assert tiled[0, 0] == pytest.approx(big[0, :2, :2].mean())
    assert np.allclose(tiled[:56, 56:], big[1, :112, :110].reshape(56, 2, 55, 2).mean(axis=(1, 3)))
    assert fig.mosaic(big[:, :56, :50])[0].shape == (2 * 57 - 1, 2 * 51 - 1)   # small: as is
    with pytest.raises(ValueError, match="estimator"):
        fig.profile_figure([], "mle", "x")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_mosaic_scale_is_named_above_its_bar(lang):
    """Drawn up the bar's right side, Korean "활성값" sat on the tick label "3": the scale's
    name stands level above the bar, clear of the tick labels, in both languages."""
    figure = fig.mosaic_figure(np.zeros((4, 3, 3), dtype=np.float32), 2, "expansion", "w", lang)
    title = figure.data[0].colorbar.title
    assert title.side == "top" and title.text
    # A random network's last blocks are millionths: 2×10⁻⁶ on the bar, not SI's "2µ".
    assert figure.data[0].colorbar.exponentformat == "power"


def test_long_titles_wrap_to_the_live_pages_narrow_columns():
    """plotly cuts a title off at the chart's edge: the input's and top-5's titles are wrapped
    to a third of the page at 1280 px, with room made for the extra lines."""
    image = np.zeros((8, 8, 3), np.uint8)
    short = fig.input_figure(image, "photo: dog.jpg<br>→ 64×64")
    long = fig.input_figure(image, "generated data set sample: circle #1<br>→ 224×224")
    assert short.layout.title.text == "photo: dog.jpg<br>→ 64×64"
    assert long.layout.title.text.count("<br>") == 2 and "circle #1" in long.layout.title.text
    assert long.layout.margin.t > short.layout.margin.t
    top5 = fig.topk_figure(["a"], [0.5], "uploaded torchvision checkpoint: my_net.pth")
    assert top5.layout.title.text.count("<br>") == 2 and "my_net.pth" in top5.layout.title.text


def test_korean(own_page):
    page = own_page
    # AppTest shows only the page's own elements after switch_page, not main.py's sidebar:
    # set the language widget's state directly.
    page.session_state["url_lang"] = "ko"
    page.run()
    assert not page.exception
    titles = list(_charts(page))
    assert any(t.startswith("차원 프로파일") for t in titles)
    assert any("프로파일이 논문의 주장" in h.value for h in page.header)


def test_summary_sentence_is_measured(page):
    lines = [m.value for m in page.markdown if m.value.startswith(("Measured on this image", "이 이미지에서"))]
    assert lines and all(line.count("%") >= 5 for line in lines)
    profile = [dict(block=b, probe=p, ambient=a, value=v, zero_fraction=z, n_points=n)
               for b, p, a, v, z, n in [(1, "input", 16, 8, 0.0, 100), (2, "input", 16, 4, 0.0, 100),
                                        (1, "expansion", 96, 12, 0.5, 100), (2, "expansion", 96, 6, 0.7, 50)]]
    s = live_svc.profile_summary(profile)
    assert s["input"] == pytest.approx(0.375) and s["expansion"] == pytest.approx(0.125)
    assert s["zeros"] == pytest.approx(0.6) and s["depthwise"] is None


def test_imagenet_weights_come_from_the_hub_cache(tmp_path, monkeypatch):
    """With the checkpoint in torch hub's cache, "imagenet-v1" loads it (no network): here
    the torchvision-format fixture stands in for the ImageNet file."""
    fixture = torchvision_fixture("width1.0_res224")
    checkpoints = tmp_path / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    (checkpoints / "mobilenet_v2-b0353104.pth").symlink_to(fixture / "state_dict.pt")
    # TORCH_HOME, not torch.hub.set_dir: restoring set_dir would pin the hub folder for the
    # rest of the test session and break tests that set TORCH_HOME (tests/test_weights.py).
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    w = weights_svc.load_source("imagenet-v1")
    assert (w.width_mult, w.resolution, len(w.classes)) == (1.0, 224, 1000)
    io_ = torch.load(fixture / "io.pt", weights_only=True)
    with torch.inference_mode():
        assert torch.allclose(w.model(io_["input"][:1]), io_["logits"][:1], atol=1e-4)
