"""Checkpoints: refusals that tell the truth, non-finite weights refused (issue 10, 3 and 4).

- A pickle that asks to run code (any global: os.system, subprocess.Popen, eval, a made-up
  module) is refused in the app's words, naming the global, and torch's advice to switch
  the safety off (``weights_only=False``) is never passed on; nothing runs.
- A state dict whose layers fit but which carries an extra key is refused naming the key
  (not "match none of these exactly"); one lacking BatchNorm's ``num_batches_tracked`` loads,
  as PyTorch's own strict load of such a dict does.
- A tensor holding NaN or infinity is refused at load time, naming the first such tensor.
"""
from __future__ import annotations

import builtins
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
import torch

from model.mobilenetv2 import mobilenet_v2
from model.weights import (WeightsError, architecture_of, describe_mismatch, load_weights,
                           read_state_dict)
from services.weights import load_source

pytestmark = pytest.mark.unit

WIDTH, CLASSES = 0.35, 10


class Calls:
    """Unpickling this calls ``func(*args)``: how a pickle asks to run code."""
    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def _made_up_global():
    """A function pickled under a module that does not exist where the file is read."""
    module = types.ModuleType("made_up_module")

    def run(*args):
        return args
    run.__module__, run.__qualname__ = "made_up_module", "run"
    module.run = run
    return module, run


@pytest.fixture(scope="module")
def state():
    torch.manual_seed(0)
    net = mobilenet_v2(WIDTH, CLASSES)
    with torch.no_grad():   # non-trivial running statistics, so the copies are checked
        for m in net.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.5, 2)
                m.num_batches_tracked.fill_(7)
    return {k: v.clone() for k, v in net.state_dict().items()}


def _save(tmp_path: Path, name: str, obj, **kw) -> Path:
    path = tmp_path / name
    torch.save(obj, path, **kw)
    return path


def _code_pickles(marker: Path) -> dict[str, tuple[object, str]]:
    """name -> (payload, the global's name torch reports)."""
    return {
        "os_system": (Calls(os.system, (f"touch '{marker}'",)), "system"),
        "popen": (Calls(subprocess.Popen, (["touch", str(marker)],)), "Popen"),
        "eval": (Calls(builtins.eval, (f"open({str(marker)!r}, 'w')",)), "eval"),
        "getattr": (Calls(builtins.getattr, (str, "join")), "getattr"),
        "made_up": (None, "made_up_module.run"),     # made in the test: needs sys.modules
        "whole_module": (torch.nn.Linear(2, 2), "torch.nn.modules.linear.Linear"),
    }


def _assert_truthful_refusal(message: str, file_name: str, global_name: str) -> None:
    assert f"refused to load {file_name}" in message, message
    assert "asks to run code" in message and "was not loaded" in message, message
    assert global_name in message, message
    for advice in ("weights_only", "Re-running", "add_safe_globals", "safe_globals",
                   "trust", "will likely succeed"):
        assert advice.lower() not in message.lower(), (advice, message)


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy_format"])
@pytest.mark.parametrize("case", ["os_system", "popen", "eval", "getattr", "made_up",
                                  "whole_module"])
def test_code_running_pickles_are_refused_in_the_apps_words(tmp_path, state, monkeypatch,
                                                            case, legacy):
    marker = tmp_path / "code_ran"
    payload, global_name = _code_pickles(marker)[case]
    if case == "made_up":
        module, run = _made_up_global()
        monkeypatch.setitem(sys.modules, "made_up_module", module)
        payload = Calls(run, ())
    path = _save(tmp_path, f"{case}.pth", {**state, "extra": payload},
                 _use_new_zipfile_serialization=not legacy)
    monkeypatch.delitem(sys.modules, "made_up_module", raising=False)   # gone when read
    with pytest.raises(WeightsError) as info:
        read_state_dict(path)
    _assert_truthful_refusal(str(info.value), path.name, global_name)
    with pytest.raises(WeightsError) as info:
        load_weights(mobilenet_v2(WIDTH, CLASSES), path)
    _assert_truthful_refusal(str(info.value), path.name, global_name)
    assert not marker.exists()


def test_uploaded_code_running_pickle_is_refused_in_the_apps_words(tmp_path, state):
    marker = tmp_path / "code_ran"
    data = _save(tmp_path, "x.pth", {**state, "x": Calls(os.system, (f"touch '{marker}'",))}
                 ).read_bytes()
    with pytest.raises(WeightsError) as info:
        load_source("upload", upload=data, upload_name="evil.pth")
    _assert_truthful_refusal(str(info.value), "evil.pth", "system")
    assert not marker.exists()


def test_unreadable_pickles_never_pass_on_torchs_advice(tmp_path):
    import pickle
    path = tmp_path / "raw.pth"
    path.write_bytes(pickle.dumps({"w": [1.0, 2.0]}, protocol=4))   # not torch's format
    with pytest.raises(WeightsError, match="raw.pth is not a checkpoint written by") as info:
        read_state_dict(path)
    assert "weights_only" not in str(info.value).lower()
    assert "was not loaded" in str(info.value)
    # a tensor written with pickle.dump is rebuilt by torch.storage._load_from_bytes, which
    # loads its bytes with the safety off: code it asks to run, said as such
    torch_pickled = tmp_path / "pickled_state.pth"
    torch_pickled.write_bytes(pickle.dumps({"w": torch.zeros(2)}, protocol=4))
    with pytest.raises(WeightsError, match=r"asks to run code \(torch\.storage\._load_from_b"):
        read_state_dict(torch_pickled)
    # torch's own allowed globals are not code: a pickled OrderedDict of numbers is no
    # checkpoint, and is not said to run anything
    from collections import OrderedDict
    ordered = tmp_path / "ordered.pth"
    ordered.write_bytes(pickle.dumps(OrderedDict(w=[1.0]), protocol=4))
    with pytest.raises(WeightsError, match="ordered.pth is not a checkpoint written by"):
        read_state_dict(ordered)


# -- extra keys and missing num_batches_tracked -----------------------------------------------
def test_extra_key_is_named_as_the_real_difference(tmp_path, state):
    path = _save(tmp_path, "ema.pth", {**state, "ema.decay": torch.tensor(0.999)})
    with pytest.raises(WeightsError) as info:
        load_weights(mobilenet_v2(WIDTH, CLASSES), path)
    message = str(info.value)
    assert "1 unexpected keys (first: ema.decay)" in message
    assert "Every layer of this model is in the file with its shape" in message
    assert "match none" not in message and "missing" not in message
    # The width is still read off the layers, and an upload says the same.
    assert architecture_of(read_state_dict(path))[1] == [WIDTH]
    with pytest.raises(WeightsError, match="unexpected keys \\(first: ema.decay\\)") as info:
        load_source("upload", upload=path.read_bytes(), upload_name="ema.pth")
    assert "match none" not in str(info.value)


def _without_counters(state: dict) -> dict:
    return {k: v for k, v in state.items() if not k.endswith("num_batches_tracked")}


def test_state_dict_without_num_batches_tracked_loads_as_torch_loads_it(tmp_path, state):
    stripped = _without_counters(state)
    assert len(stripped) == len(state) - 52
    # The reference: PyTorch's own strict load accepts this dict (BatchNorm fills in the
    # counters of a state dict without version metadata).
    reference = mobilenet_v2(WIDTH, CLASSES)
    reference.load_state_dict(stripped, strict=True)
    path = _save(tmp_path, "old_style.pth", stripped)
    net = load_weights(mobilenet_v2(WIDTH, CLASSES), path)
    ours, theirs = net.state_dict(), reference.state_dict()
    assert ours.keys() == theirs.keys()
    assert all(torch.equal(ours[k], theirs[k]) for k in ours)
    assert all(torch.equal(ours[k], state[k]) for k in stripped)     # the file's values
    assert describe_mismatch(mobilenet_v2(WIDTH, CLASSES), stripped) is None


def test_architecture_detection_accepts_a_file_without_num_batches_tracked(tmp_path, state):
    path = _save(tmp_path, "old_style.pth", _without_counters(state))
    assert architecture_of(read_state_dict(path)) == ([0.35, 0.5], [WIDTH], CLASSES)
    loaded = load_source("upload", upload=path.read_bytes(), upload_name="old_style.pth")
    assert loaded.width_mult == WIDTH and len(loaded.classes) == CLASSES
    x = torch.randn(1, 3, 64, 64)
    reference = mobilenet_v2(WIDTH, CLASSES).eval()
    reference.load_state_dict(state)
    with torch.no_grad():
        assert torch.equal(loaded.model(x), reference(x))


def test_other_missing_keys_are_still_refused_and_counters_not_listed(tmp_path, state):
    stripped = _without_counters(state)
    stripped.pop("classifier.1.bias")
    path = _save(tmp_path, "no_bias.pth", stripped)
    with pytest.raises(WeightsError, match=r"1 missing keys \(first: classifier.1.bias\)") as info:
        load_weights(mobilenet_v2(WIDTH, CLASSES), path)
    assert "num_batches_tracked" not in str(info.value)


# -- non-finite weights -----------------------------------------------------------------------
@pytest.mark.parametrize("key, value, word", [
    ("features.1.conv.0.1.running_var", float("inf"), "inf"),
    ("features.3.conv.1.0.weight", float("nan"), "NaN"),
    ("classifier.1.bias", float("-inf"), "-inf"),
])
def test_non_finite_weights_are_refused_naming_the_first_bad_tensor(tmp_path, state, key, value, word):
    bad = {k: v.clone() for k, v in state.items()}
    bad[key].view(-1)[0] = value
    bad["classifier.1.weight"].view(-1)[5] = float("nan") if key != "classifier.1.bias" else 0.0
    path = _save(tmp_path, "diverged.pth", bad)
    with pytest.raises(WeightsError, match=f"{key} holds {word} \\(1 of "):
        load_weights(mobilenet_v2(WIDTH, CLASSES), path)
    with pytest.raises(WeightsError, match=f"{key} holds {word}"):
        load_source("upload", upload=path.read_bytes(), upload_name="diverged.pth")
