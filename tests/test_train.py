"""The training code runs end to end on a tiny set, writes loadable files, and is seeded."""
import json

import numpy as np
import pytest
import torch

from model.synthetic import CLASSES
from model.train import IMAGENET_MEAN, IMAGENET_STD, lr_at, main, to_tensor, train

pytestmark = pytest.mark.unit

TINY = dict(steps=3, width=0.25, resolution=32, batch=10, heldout=20, log_every=1)


def test_train_writes_state_dict_and_log(tmp_path):
    log = train("linear", out=tmp_path, quiet=True, **TINY)
    state = torch.load(tmp_path / "embedded.pt", weights_only=True)
    model = log["model"]
    assert set(state) == set(model.state_dict())
    saved = json.loads((tmp_path / "embedded.log.json").read_text())
    assert [row["step"] for row in saved["history"]] == [1, 2, 3]
    for row in saved["history"]:
        assert np.isfinite(row["loss"]) and 0 <= row["train_acc"] <= 1
        assert 0 <= row["heldout_acc"] <= 1
    assert saved["config"]["bottleneck"] == "linear" and saved["config"]["classes"] == CLASSES
    assert saved["final"]["heldout_acc"] == saved["history"][-1]["heldout_acc"]
    assert saved["final"]["images_seen"] == 30


def test_training_changes_the_weights_and_is_reproducible(tmp_path):
    torch.manual_seed(123)  # whatever the global state, train() seeds itself
    a = train("relu6", out=None, quiet=True, seed=4, **TINY)
    b = train("relu6", out=None, quiet=True, seed=4, **TINY)
    assert [r["loss"] for r in a["history"]] == [r["loss"] for r in b["history"]]
    for (k, va), vb in zip(a["model"].state_dict().items(), b["model"].state_dict().values()):
        assert torch.equal(va, vb), k
    c = train("relu6", out=None, quiet=True, seed=5, **TINY)
    assert [r["loss"] for r in a["history"]] != [r["loss"] for r in c["history"]]
    # The relu6 variant really has a ReLU6 after each projection.
    assert all(isinstance(b.conv[-1], torch.nn.ReLU6) for b in a["model"].blocks)


def test_cli_both_variants(tmp_path, capsys):
    # --threads 1: the command line sets the process's thread count (all cores by default),
    # and this process is the test session's, whose later tests compare numbers with a
    # one-thread Dask worker (tests/test_cluster.py).
    rc = main(["--variant", "both", "--steps", "2", "--width", "0.25", "--resolution", "32",
               "--batch", "10", "--heldout", "20", "--threads", "1", "--out", str(tmp_path)])
    assert rc == 0
    import torch
    assert torch.get_num_threads() == 1
    assert {p.name for p in tmp_path.iterdir()} == {
        "embedded.pt", "embedded.log.json", "embedded-relu6.pt", "embedded-relu6.log.json"}
    out = capsys.readouterr().out
    assert "step 2/2" in out and "ETA" in out and "held-out accuracy" in out


def test_cli_rejects_bad_values(tmp_path, capsys):
    assert main(["--steps", "0", "--threads", "1", "--out", str(tmp_path)]) == 2
    assert "steps must be" in capsys.readouterr().err
    with pytest.raises(ValueError, match="variant"):
        train("sigmoid", out=None, **TINY)


def test_to_tensor_normalises():
    images = np.zeros((2, 4, 4, 3), np.uint8)
    images[1] = 255
    x = to_tensor(images)
    assert x.shape == (2, 3, 4, 4) and x.dtype == torch.float32
    mean, std = torch.tensor(IMAGENET_MEAN), torch.tensor(IMAGENET_STD)
    torch.testing.assert_close(x[0, :, 0, 0], -mean / std)
    torch.testing.assert_close(x[1, :, 0, 0], (1 - mean) / std)
    with pytest.raises(ValueError):
        to_tensor(images.astype(np.float32))


def test_lr_schedule_warms_up_then_decays():
    lrs = [lr_at(s, 100, 1.0, 10) for s in range(100)]
    assert lrs[9] == pytest.approx(1.0) and lrs[0] == pytest.approx(0.1)
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:])) and lrs[-1] < 0.01
