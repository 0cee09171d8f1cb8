"""load_weights: seeded random init, files, hub cache, embedded, unsafe pickles, mismatches."""
import pickle
from pathlib import Path

import pytest
import torch

from conftest import FIXTURES
from model import WeightsError, load_weights, mobilenet_v2
from model.registry import spec

pytestmark = pytest.mark.unit

SMALL = FIXTURES / "width0.35_res96" / "state_dict.pt"


def same(a, b):
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


def test_random_is_seeded_and_leaves_global_rng_alone():
    net = mobilenet_v2(0.35)             # building draws from the global RNG; loading must not
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = load_weights(net, "random", seed=4)
    assert torch.equal(torch.rand(1), before)
    assert same(a, load_weights(mobilenet_v2(0.35), "random", seed=4))
    assert not same(a, load_weights(mobilenet_v2(0.35), "random", seed=5))
    # BatchNorm statistics are reset too (a checkpoint loaded before does not leak through).
    b = load_weights(load_weights(mobilenet_v2(0.35), SMALL), "random", seed=4)
    assert same(a, b)


@pytest.mark.parametrize("wrap", ["plain", "state_dict", "model", "module"])
def test_file_formats(tmp_path, wrap):
    state = torch.load(SMALL, weights_only=True)
    obj = {"plain": state, "state_dict": {"state_dict": state, "epoch": 7},
           "model": {"model": state, "optimizer": {"lr": torch.tensor(0.1)}},
           "module": {"module." + k: v for k, v in state.items()}}[wrap]
    path = tmp_path / "w.pth"
    torch.save(obj, path)
    net = load_weights(mobilenet_v2(0.35), path)
    assert same(net, load_weights(mobilenet_v2(0.35), SMALL))
    assert load_weights(mobilenet_v2(0.35), str(path)) is not None


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_malicious_pickle_is_refused_and_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    torch_file = tmp_path / "evil.pth"
    torch.save({"features.0.0.weight": torch.zeros(1), "payload": Evil()}, torch_file)
    plain_file = tmp_path / "evil.pt"
    plain_file.write_bytes(pickle.dumps({"x": Evil()}))
    assert not marker.exists()
    for path in (torch_file, plain_file):
        with pytest.raises(WeightsError, match="refused|could not read"):
            load_weights(mobilenet_v2(0.35), path)
        assert not marker.exists()
    assert issubclass(WeightsError, ValueError)


def test_mismatch_names_keys_shapes_and_width(tmp_path):
    with pytest.raises(WeightsError) as err:
        load_weights(mobilenet_v2(1.0), SMALL)
    text = str(err.value)
    assert "features.0.0.weight: file (16, 3, 3, 3) vs model (32, 3, 3, 3)" in text
    assert "0.35 or 0.5" in text and "width_mult=0.35" in text
    half = mobilenet_v2(0.5).state_dict()
    torch.save(half, tmp_path / "half.pth")
    with pytest.raises(WeightsError, match="every layer fits `width_mult=0.5`"):
        load_weights(mobilenet_v2(0.35), tmp_path / "half.pth")
    # Missing and unexpected keys are named.
    state = dict(torch.load(SMALL, weights_only=True))
    state.pop("classifier.1.bias")
    state["extra.weight"] = torch.zeros(3)
    torch.save(state, tmp_path / "odd.pth")
    with pytest.raises(WeightsError) as err:
        load_weights(mobilenet_v2(0.35), tmp_path / "odd.pth")
    assert "missing keys (first: classifier.1.bias)" in str(err.value)
    assert "unexpected keys (first: extra.weight)" in str(err.value)
    # Another class count is spotted.
    torch.save(mobilenet_v2(0.35, 10).state_dict(), tmp_path / "ten.pth")
    with pytest.raises(WeightsError, match="num_classes=10"):
        load_weights(mobilenet_v2(0.35), tmp_path / "ten.pth")


@pytest.mark.parametrize("bad, match", [
    ("nonsense", "unknown weights source"),
    ("missing.pth", "not found"),
])
def test_unknown_and_missing(bad, match):
    with pytest.raises(WeightsError, match=match):
        load_weights(mobilenet_v2(0.35), bad)


def test_not_a_checkpoint(tmp_path):
    (tmp_path / "junk.pth").write_bytes(b"\x00not a zip or pickle")
    with pytest.raises(WeightsError, match="junk.pth is not a checkpoint written by"):
        load_weights(mobilenet_v2(0.35), tmp_path / "junk.pth")
    torch.save([torch.zeros(2)], tmp_path / "list.pth")
    with pytest.raises(WeightsError, match="does not hold a state dict"):
        load_weights(mobilenet_v2(0.35), tmp_path / "list.pth")


def test_imagenet_from_hub_cache_without_network(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    calls = []
    monkeypatch.setattr("model.download.download",
                        lambda *a, **k: calls.append(a) or pytest.fail("must not download"))
    reference = load_weights(mobilenet_v2(), "random", seed=9)
    cache = tmp_path / "hub" / "checkpoints"
    cache.mkdir(parents=True)
    torch.save(reference.state_dict(), cache / "mobilenet_v2-7ebf99e0.pth")
    assert same(load_weights(mobilenet_v2(), "imagenet-v2"), reference)
    assert not calls


def test_imagenet_offline_error_is_one_line_without_the_networks_text(tmp_path, monkeypatch):
    """No network (a mirror on a loopback port nobody listens on, so nothing is fetched from
    outside): one line that names the host and the mirror variable, not the socket's error
    (tests/test_download.py has every other failure)."""
    import socket
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("MANIFOLD_LAB_WEIGHTS_MIRROR", f"http://127.0.0.1:{port}/")
    with pytest.raises(WeightsError) as err:
        load_weights(mobilenet_v2(), "imagenet-v1")
    text = str(err.value)
    assert text.startswith("the imagenet-v1 weights are not on this machine")
    assert f"127.0.0.1:{port}" in text and "MANIFOLD_LAB_WEIGHTS_MIRROR" in text
    assert "\n" not in text and "Errno" not in text and "URLError" not in text
    assert not (tmp_path / "hub" / "checkpoints" / "mobilenet_v2-b0353104.pth").exists()


def test_embedded_dispatch(tmp_path, monkeypatch):
    """Shipped weights are found through their spec (``model.registry``): half-precision
    files load, a model of another architecture is refused naming what the weights need, and
    a missing file says how to make it."""
    state = load_weights(mobilenet_v2(0.5, 10), "random", seed=2).state_dict()
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in state.items()},
               tmp_path / "embedded.pt")
    monkeypatch.setattr("model.registry.CHECKPOINT_DIR", tmp_path)
    net = load_weights(mobilenet_v2(0.5, 10), "embedded")
    assert torch.allclose(net.state_dict()["classifier.1.weight"],
                          state["classifier.1.weight"], atol=1e-3)
    with pytest.raises(WeightsError, match="need `mobilenet_v2\\(width_mult=0.5"):
        load_weights(mobilenet_v2(1.0), "embedded")
    with pytest.raises(WeightsError, match="embedded-relu6.*missing.*model.train"):
        load_weights(mobilenet_v2(0.5, 10, bottleneck="relu6"), "embedded-relu6")


def test_real_embedded_files():
    entry = spec("embedded")
    net = mobilenet_v2(entry.width_mult, entry.num_classes, bottleneck=entry.bottleneck)
    before = net.state_dict()["classifier.1.weight"].clone()
    load_weights(net, "embedded")
    shipped = torch.load(entry.path, weights_only=True)["classifier.1.weight"].float()
    assert torch.equal(net.state_dict()["classifier.1.weight"], shipped)
    assert not torch.equal(before, shipped)


@pytest.mark.parametrize("env", [dict(TORCH_HOME="th"), dict(XDG_CACHE_HOME="xdg"), {}])
def test_imagenet_file_is_where_torch_hub_keeps_it(env, tmp_path, monkeypatch):
    # The server says whether a checkpoint needs a download without importing torch: its
    # path must be torch.hub's own.
    from model.registry import imagenet_file
    for var in ("TORCH_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, str(tmp_path / value))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for name in ("imagenet-v1", "imagenet-v2"):
        assert imagenet_file(name) == Path(torch.hub.get_dir()) / "checkpoints" / spec(name).file
