"""The project's MobileNetV2 computes torchvision's function with torchvision's state dict."""
import json

import pytest
import torch

from conftest import FIXTURES, torchvision_fixture
from model import load_weights, mobilenet_v2
from model.mobilenetv2 import InvertedResidual

pytestmark = pytest.mark.unit

FOLDERS = {"width1.0_res224": 1.0, "width0.35_res96": 0.35}


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_logits_match_torchvision_fixture(folder):
    path = torchvision_fixture(folder)
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["width_mult"] == FOLDERS[folder]
    state = torch.load(path / "state_dict.pt", map_location="cpu", weights_only=True)
    io = torch.load(path / "io.pt", map_location="cpu", weights_only=True)
    model = mobilenet_v2(FOLDERS[folder])
    # Same keys, in torchvision's order, with the same shapes.
    assert [[k, list(v.shape)] for k, v in model.state_dict().items()] == manifest["state_dict"]
    model.load_state_dict(state, strict=True)
    model.eval()
    outputs = {}
    hooks = [f.register_forward_hook(lambda m, a, o, i=i: outputs.__setitem__(str(i), o))
             for i, f in enumerate(model.features)]
    with torch.no_grad():
        logits = model(io["input"])
    for h in hooks:
        h.remove()
    assert logits.shape == io["logits"].shape
    assert torch.allclose(logits, io["logits"], atol=1e-4, rtol=0)
    # Every features[i] output has the recorded shape and statistics.
    for i, stats in manifest["block_output_stats"].items():
        out = outputs[i].double()
        assert list(out.shape) == stats["shape"]
        assert out.mean().item() == pytest.approx(stats["mean"], rel=1e-4, abs=1e-5)
        assert out.std().item() == pytest.approx(stats["std"], rel=1e-4, abs=1e-5)


def test_fixture_file_loads_through_load_weights():
    path = FIXTURES / "width0.35_res96"
    io = torch.load(path / "io.pt", map_location="cpu", weights_only=True)
    model = load_weights(mobilenet_v2(0.35), path / "state_dict.pt").eval()
    with torch.no_grad():
        assert torch.allclose(model(io["input"]), io["logits"], atol=1e-4, rtol=0)


def test_architecture_options():
    model = mobilenet_v2()
    assert len(model.blocks) == 17 and all(isinstance(b, InvertedResidual) for b in model.blocks)
    assert sum(b.use_res_connect for b in model.blocks) == 10
    assert len(model.state_dict()) == 314
    relu6 = mobilenet_v2(0.35, 10, bottleneck="relu6")
    assert isinstance(relu6.blocks[3].conv[-1], torch.nn.ReLU6)
    # The ablations keep the state-dict layout, so one checkpoint format serves all.
    assert list(relu6.state_dict()) == list(mobilenet_v2(0.35, 10).state_dict())
    none = mobilenet_v2(0.35, shortcut="none")
    assert not any(b.use_res_connect for b in none.blocks)
    t4 = mobilenet_v2(0.35, expansion=4)
    assert t4.blocks[0].expand_ratio == 1 and t4.blocks[1].expand_ratio == 4
    for bad in [dict(bottleneck="relu"), dict(shortcut="x"), dict(expansion=0)]:
        with pytest.raises(ValueError):
            mobilenet_v2(**bad)
