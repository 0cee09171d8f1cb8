"""analyze() and the streaming probes, checked against the raw activations."""
import numpy as np
import pandas as pd
import pytest
import torch

from manifolds.dimension import (dead_channel_fraction, participation_ratio, pca_dimension,
                                 twonn_dimension, zero_fraction)
from model import PROBE_POINTS, ActivationProbes, analyze, mobilenet_v2, records_to_dicts
from model.weights import load_weights

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def net():
    return load_weights(mobilenet_v2(0.35), "random", seed=1).eval()


@pytest.fixture(scope="module")
def images():
    # Offset inputs so that means are far from zero (tests the shifted float32 products).
    return torch.randn(5, 3, 64, 64, generator=torch.Generator().manual_seed(0)) + 0.5


def raw_activations(model, x):
    """(block, probe) -> activation tensor, captured with plain hooks."""
    acts, hooks = {}, []

    def keep(key):
        return lambda m, a, o: acts.__setitem__(key, o.detach().clone())
    for b, blk in enumerate(model.blocks):
        hooks.append(blk.register_forward_pre_hook(
            lambda m, a, b=b: acts.__setitem__((b, "input"), a[0].detach().clone())))
        if blk.expand_ratio != 1:
            hooks.append(blk.conv[0].register_forward_hook(keep((b, "expansion"))))
        hooks.append(blk.conv[1 if blk.expand_ratio != 1 else 0].register_forward_hook(
            keep((b, "depthwise"))))
        hooks.append(blk.conv[-1].register_forward_hook(keep((b, "projection"))))
        hooks.append(blk.register_forward_hook(keep((b, "output"))))
    with torch.no_grad():
        model(x)
    for h in hooks:
        h.remove()
    return acts


def as_pixels(a):
    return a.permute(0, 2, 3, 1).reshape(-1, a.shape[1]).double().numpy()


def test_pixel_records_match_direct_computation(net, images):
    records = analyze(net, images, batch_size=2, twonn_points=400)
    acts = raw_activations(net, images)
    assert len(records) == 17 * 5 - 1            # the first block (t = 1) has no expansion
    assert [r.position for r in records] == list(range(len(records)))
    assert {r.probe for r in records} == set(PROBE_POINTS)
    for r in records:
        a = acts[(r.block, r.probe)]
        X = as_pixels(a)
        assert r.points == "pixels"
        assert (r.channels, r.height, r.width) == tuple(a.shape[1:])
        assert r.ambient_dim == a.shape[1] and r.n_points == X.shape[0]
        assert r.pr == pytest.approx(participation_ratio(X), rel=1e-5)
        assert r.pca == pca_dimension(X, 0.9)
        assert r.zero_fraction == pytest.approx(zero_fraction(X), abs=1e-12)
        assert r.dead_channel_fraction == pytest.approx(dead_channel_fraction(X), abs=1e-12)
        assert r.twonn_points == min(400, X.shape[0]) and r.twonn > 0
    # ReLU6 outputs have zeros; the linear bottleneck does not.
    by = {(r.block, r.probe): r for r in records}
    assert by[(3, "expansion")].zero_fraction > 0.2
    assert by[(3, "projection")].zero_fraction == 0.0
    # Shared tensors are measured once and say so.
    assert by[(4, "input")].shared_with == "3:projection"   # block 3 has no residual
    assert by[(4, "output")].shared_with is None and by[(4, "output")].pr != by[(4, "projection")].pr
    assert by[(5, "input")].pr == by[(4, "output")].pr


def test_twonn_sample_is_drawn_from_the_points(net, images):
    acts = raw_activations(net, images)
    with ActivationProbes(net, twonn_points=50, seed=3, covariance=False) as probes:
        with torch.no_grad():
            net(images[:2])
            net(images[2:])
    stats = {(s.block, s.probe): s for s in probes.results()}
    s = stats[(6, "depthwise")]
    X = as_pixels(acts[(6, "depthwise")]).astype(np.float32)
    assert s.sample.shape == (50, X.shape[1]) and s.eigenvalues is None and s.trace is None
    # Every sampled point is a real position, and they are 50 different ones.
    rows = {x.tobytes() for x in X}
    assert all(p.tobytes() in rows for p in s.sample)
    assert len({p.tobytes() for p in s.sample}) == 50
    assert twonn_dimension(s.sample, max_points=None) > 0


def test_batching_does_not_change_the_covariance_estimates(net, images):
    one = analyze(net, images, estimators=("pca", "pr"), batch_size=5)
    split = analyze(net, [images[:1], images[1:3], images[3:]], estimators=("pca", "pr"))
    for a, b in zip(one, split):
        assert (a.block, a.probe, a.n_points) == (b.block, b.probe, b.n_points)
        assert a.pr == pytest.approx(b.pr, rel=1e-5) and a.pca == b.pca
        assert a.twonn is None and a.twonn_points is None


def test_memory_stays_bounded_for_a_large_batch(net):
    x = torch.randn(12, 3, 48, 48)
    with ActivationProbes(net, twonn_points=64) as probes:
        with torch.no_grad():
            for chunk in x.split(6):
                net(chunk)
    for r in probes.reducers.values():
        c = r.shape[0]
        assert r.sample.shape[0] <= 64
        held = sum(t.numel() for t in [r.cross, r.sample, *r.buffer] if t is not None)
        assert held <= c * c + 64 * c + c * c   # covariance + sample (+ Gram buffer < C rows)


def test_images_mode_uses_one_flattened_point_per_image(net, images):
    records = analyze(net, images, points="images", batch_size=2)
    acts = raw_activations(net, images)
    for r in records[::7]:
        a = acts[(r.block, r.probe)]
        X = a.reshape(a.shape[0], -1).double().numpy()
        assert r.points == "images" and r.ambient_dim == X.shape[1] and r.n_points == 5
        assert r.pr == pytest.approx(participation_ratio(X), rel=1e-4)
        assert r.pca == pca_dimension(X, 0.9)
        assert r.twonn_points == 5
    # A memory budget keeps fewer images, the same ones at every probe.
    small = analyze(net, images, points="images", estimators=("pr",), image_memory_bytes=1)
    assert {r.n_points for r in small} == {3}


def test_fast_paths_and_dataframe(net, images):
    only_pr = analyze(net, images[:2], estimators=("pr",))
    assert all(r.pca is None and r.twonn is None and r.pr > 0 for r in only_pr)
    df = pd.DataFrame(records_to_dicts(only_pr))
    assert len(df) == 84 and {"block", "probe", "pr", "points", "n_points"} <= set(df.columns)
    assert set(df["points"]) == {"pixels"}
    assert pd.DataFrame(only_pr).shape == df.shape     # dataclasses convert directly too


def test_model_state_is_restored(net, images):
    net.train()
    analyze(net, images[:2], estimators="pr")
    assert net.training
    net.eval()
    assert not any(m._forward_hooks or m._forward_pre_hooks for m in net.modules())


def test_a_network_partly_in_training_mode_is_measured_in_eval_and_put_back_as_it_was(net, images):
    """Each module's own mode comes back (model.taps.in_eval_mode), and the analysis ran in
    eval mode (BatchNorm's running statistics: the numbers of an all-eval run)."""
    expected = analyze(net.eval(), images[:2], estimators="pr")
    net.features[0].train()
    before = [m.training for m in net.modules()]
    assert any(before) and not all(before)
    try:
        assert analyze(net, images[:2], estimators="pr") == expected
        assert [m.training for m in net.modules()] == before
    finally:
        net.eval()


def test_ablation_variants_run():
    x = torch.randn(2, 3, 64, 64)
    relu6 = load_weights(mobilenet_v2(0.35, bottleneck="relu6"), "random")
    recs = analyze(relu6, x, estimators=("pr",))
    assert min(r.zero_fraction for r in recs if r.probe == "projection") > 0
    exp = load_weights(mobilenet_v2(0.35, shortcut="expansion"), "random")
    assert len(analyze(exp, x, estimators=("pr",))) == 84


@pytest.mark.parametrize("kwargs, match", [
    (dict(points="patches"), "points"),
    (dict(estimators=("pca", "mle")), "estimators"),
    (dict(batch_size=0), "batch_size"),
    (dict(pca_variance=0.0), "pca_variance"),
])
def test_bad_arguments(net, images, kwargs, match):
    with pytest.raises(ValueError, match=match):
        analyze(net, images, **kwargs)


def test_bad_images(net):
    with pytest.raises(ValueError, match="empty"):
        analyze(net, torch.zeros(0, 3, 64, 64))
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\)"):
        analyze(net, torch.zeros(2, 1, 64, 64))
    with pytest.raises(ValueError, match="tensor"):
        analyze(net, [np.zeros((1, 3, 64, 64))])
