"""The shipped embedded weights: loadable, consistent with their log, and as accurate as
reported on a fresh sample of the generated data."""
import math

import pytest
import torch

from model.embedded import build_embedded, load_training_log
from model.registry import SHIPPED, spec
from model.synthetic import CLASSES, make_batch
from model.train import evaluate

pytestmark = pytest.mark.unit

FRESH_SEED = 20261127  # never used by model.train (its streams are [seed, 1, step], [seed, 2])
FRESH_N = 500


@pytest.mark.parametrize("name", SHIPPED)
def test_spec_matches_its_training_log(name):
    info = spec(name)
    assert info.path.exists() and info.log_path.exists()
    config = load_training_log(name)["config"]
    assert config["name"] == name
    assert config["bottleneck"] == info.bottleneck
    assert config["width_mult"] == info.width_mult
    assert config["resolution"] == info.resolution
    assert config["classes"] == list(info.classes()) == CLASSES
    assert info.num_classes == len(CLASSES)


def test_checkpoints_are_small():
    total = sum(spec(n).path.stat().st_size + spec(n).log_path.stat().st_size for n in SHIPPED)
    assert total < 20 * 2**20


@pytest.mark.parametrize("name", SHIPPED)
def test_build_embedded_loads_weights(name):
    model, info = build_embedded(name)
    assert not model.training
    assert all(p.dtype == torch.float32 for p in model.parameters())
    state = torch.load(info.path, weights_only=True)
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, state[key].to(value.dtype), rtol=0, atol=0)
    has_relu6 = [isinstance(b.conv[-1], torch.nn.ReLU6) for b in model.blocks]
    assert all(has_relu6) if info.bottleneck == "relu6" else not any(has_relu6)


@pytest.fixture(scope="module")
def fresh_sample():
    resolutions = {spec(n).resolution for n in SHIPPED}
    return {r: make_batch(FRESH_N, seed=FRESH_SEED, resolution=r) for r in resolutions}


@pytest.mark.parametrize("name", SHIPPED)
def test_reaches_reported_accuracy_on_fresh_data(name, fresh_sample):
    """Both numbers are estimates of one true accuracy p from independent samples (the
    held-out set of n_h images, this fresh one of 500), so their difference has standard
    error sqrt(p(1-p)(1/n_h + 1/500)); 3 standard errors fail by chance about 1 run in 700
    (and this seed is fixed, so the test is deterministic). Only falling short fails."""
    model, info = build_embedded(name)
    final = load_training_log(name)["final"]
    reported, n_h = final["heldout_acc"], final["heldout_size"]
    images, labels = fresh_sample[info.resolution]
    measured = evaluate(model, images, labels, torch.device("cpu"))
    se = math.sqrt(reported * (1 - reported) * (1 / n_h + 1 / FRESH_N))
    assert measured >= reported - 3 * se, (name, measured, reported, se)
    # And it is a trained network, far above chance.
    assert measured > 3 / len(CLASSES)


def test_unknown_name():
    with pytest.raises(ValueError, match="embedded"):
        build_embedded("imagenet")
