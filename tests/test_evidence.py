"""model.evidence: constructed blocks with known answers, a small net against direct numpy,
bootstrap intervals and nulls, determinism, the command line."""
import json
import math

import numpy as np
import pytest
import torch
from torch import nn

from manifolds.dimension import (
    participation_ratio,
    pca_dimension,
    twonn_dimension,
    twonn_from_distances,
)
from model.evidence import bootstrap as bs
from model.evidence.measure import ESTIMATORS, evidence, evidence_many
from model.evidence.__main__ import main
from model.evidence.stats import folds_by_image, lemma2_invertible, linear_recovery
from model.mobilenetv2 import InvertedResidual, mobilenet_v2
from model.synthetic import make_batch
from model.weights import load_weights

pytestmark = pytest.mark.unit

# Best linear recovery of a standard normal x from relu(x), with intercept:
# R^2 = corr(x, relu x)^2 = Cov^2 / (Var x Var relu x) = (1/2)^2 / (1 * (1/2 - 1/(2 pi)))
#     = 1 / (2 - 2/pi) ~ 0.7337. (E[x relu x] = E[x^2; x > 0] = 1/2, E[relu x] = 1/sqrt(2 pi),
# E[relu^2] = 1/2.) ReLU6's clip at 6 changes nothing measurable for N(0, 1).
RELU_GAUSSIAN_R2 = 1.0 / (2.0 - 2.0 / math.pi)


def identity_like_block(d: int, t: int) -> InvertedResidual:
    """A block whose expansion is [e_1, -e_1, e_2, -e_2, ...] repeated, BatchNorm the
    identity: ReLU6(z) keeps x_i in one row and -x_i in the other, so X is recovered linearly."""
    block = InvertedResidual(d, d, stride=1, expand_ratio=t)
    rows = []
    for _ in range(t // 2):
        for i in range(d):
            e = torch.zeros(d)
            e[i] = 1.0
            rows += [e, -e]
    with torch.no_grad():
        block.conv[0][0].weight.copy_(torch.stack(rows)[:, :, None, None])
        bn = block.conv[0][1]
        bn.weight.fill_(1.0), bn.bias.zero_(), bn.running_mean.zero_(), bn.running_var.fill_(1.0 - bn.eps)
    return block.eval()


def gaussian_images(n: int, size: int, seed: int) -> torch.Tensor:
    """Already 'normalised' inputs whose pixels are i.i.d. N(0, I_3): a zero-mean bottleneck."""
    return torch.randn(n, 3, size, size, generator=torch.Generator().manual_seed(seed))


@pytest.fixture(scope="module")
def constructed():
    model = nn.Sequential(identity_like_block(3, 8))
    return evidence(model, gaussian_images(40, 8, 0), pixels_per_image=64, n_boot=50)


def test_identity_like_expansion_recovers_x(constructed):
    (b,) = constructed.blocks
    assert (b.block, b.t, b.d_in, b.hidden) == (1, 8, 3, 24)
    assert b.recovered_after_expansion > 0.9999
    # every pixel has exactly one of (x_i, -x_i) positive per copy: 3 * 4 = 12 of 24 channels
    assert b.positive_min == b.positive_max == 12 and b.positive_mean == 12
    assert b.invertible_fraction == 1.0 and b.below_threshold_fraction == 0.0


def test_relu6_on_zero_mean_bottleneck_loses_what_theory_says(constructed):
    (b,) = constructed.blocks
    assert abs(b.recovered_without_expansion - RELU_GAUSSIAN_R2) < 0.03
    assert b.recovered_without_ci_low < b.recovered_without_expansion < b.recovered_without_ci_high
    assert 0.45 < b.input_negative_fraction < 0.55
    # the same directly on points, many of them: theory to within sampling error
    rng = np.random.default_rng(1)
    X = rng.standard_normal((20_000, 4))
    r = linear_recovery(np.clip(X, 0, 6), X, np.repeat(np.arange(200), 100),
                        folds_by_image(200, 5, 0), alpha=1e-3)
    assert abs(r.r2 - RELU_GAUSSIAN_R2) < 0.01


def test_lemma2_count_on_a_hand_made_case():
    A = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 2.0]])
    linear = np.array([[1, 1, 0, 0],      # e1, e2: rank 2
                       [0, 0, 1, 1],      # (1,1), (2,2): two rows but rank 1
                       [1, 0, 0, 0],      # one row: fewer than d_in
                       [1, 0, 1, 1],      # e1 and (1,1): rank 2
                       [0, 0, 0, 0]], dtype=bool)
    assert lemma2_invertible(A, linear).tolist() == [True, False, False, True, False]
    nearly = np.array([[1.0, 0.0], [1.0, 1e-9]])     # rank 2 on paper, not in float32 practice
    assert lemma2_invertible(nearly, np.ones((1, 2), bool)).tolist() == [False]


@pytest.fixture(scope="module")
def small_net():
    net = mobilenet_v2(0.35, 10)
    load_weights(net, "random", seed=3)
    images, _ = make_batch(10, seed=[5, 8], resolution=32)
    return net.eval(), images


def _direct(net, x, block_index):
    """The block's input and its expansion after ReLU6, every pixel, by plain hooks."""
    block = net.blocks[block_index]
    seen = {}
    h1 = block.register_forward_pre_hook(lambda m, a: seen.__setitem__("x", a[0].clone()))
    h2 = block.conv[0].register_forward_hook(lambda m, a, o: seen.__setitem__("h", o.clone()))
    with torch.no_grad():
        net(x)
    h1.remove(), h2.remove()
    return seen["x"].numpy(), seen["h"].numpy()


def _ridge_r2(F, T, image, fold, alpha):
    """Cross-fitted ridge R^2, written out plainly."""
    sse = sst = 0.0
    for f in np.unique(fold):
        test = fold[image] == f
        Ftr, Ttr = F[~test], T[~test]
        fm, tm = Ftr.mean(0), Ttr.mean(0)
        G = (Ftr - fm).T @ (Ftr - fm)
        B = np.linalg.solve(G + alpha * np.trace(G) / F.shape[1] * np.eye(F.shape[1]),
                            (Ftr - fm).T @ (Ttr - tm))
        pred = (F[test] - fm) @ B + tm
        sse += ((T[test] - pred) ** 2).sum()
        sst += ((T[test] - T[test].mean(0)) ** 2).sum()
    return 1 - sse / sst


def test_figure7_and_recovery_match_direct_numpy(small_net):
    net, images = small_net
    ev = evidence(net, images, seed=2, pixels_per_image=10_000, n_boot=30)
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255
    x = (x - torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)) / torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    assert len(ev.blocks) == 16 and [b.block for b in ev.blocks] == list(range(2, 18))
    fold = folds_by_image(len(images), 5, 2)
    for b in (1, 5, 12):                            # 0-based blocks 1, 5 and 12
        X, H = _direct(net, x, b)
        rec = ev.blocks[b - 1]
        positive = (H > 0).sum(axis=1)              # (n, h, w)
        assert (rec.positive_min, rec.positive_max) == (positive.min(), positive.max())
        assert rec.positive_mean == pytest.approx(positive.mean(), rel=1e-12)
        assert rec.n_pixels == positive.size and rec.hidden == H.shape[1]
        assert rec.below_threshold_fraction == pytest.approx((positive < X.shape[1]).mean())
        # all pixels are in the sample: the pooled points are X's pixels, image by image
        pts = X.transpose(0, 2, 3, 1).reshape(len(images), -1, X.shape[1])
        hpts = H.transpose(0, 2, 3, 1).reshape(len(images), -1, H.shape[1])
        image = np.repeat(np.arange(len(images)), pts.shape[1])
        F, T = hpts.reshape(-1, H.shape[1]).astype(np.float64), pts.reshape(-1, X.shape[1]).astype(np.float64)
        assert rec.n_points == T.shape[0]
        # float32 products in the fit: R^2 to ~1e-5
        assert rec.recovered_after_expansion == pytest.approx(_ridge_r2(F, T, image, fold, 1e-3), abs=2e-5)
        assert rec.recovered_without_expansion == pytest.approx(
            _ridge_r2(np.clip(T, 0, 6), T, image, fold, 1e-3), abs=2e-5)
        assert rec.input_negative_fraction == pytest.approx((X < 0).mean())
        # the profile at the same probe: pooled pixels = every pixel (order does not matter)
        by = {(r.probe, r.estimator, r.points): r for r in ev.profile if r.block == b + 1}
        assert by[("input", "pca", "pixels")].value == pca_dimension(T, 0.9)
        assert by[("input", "pr", "pixels")].value == pytest.approx(participation_ratio(T), rel=1e-5)
        flat = X.reshape(len(images), -1)
        assert by[("input", "twonn", "images")].value == pytest.approx(
            twonn_dimension(flat, max_points=None), rel=1e-4)   # float32 distances


def test_profile_records_intervals_and_nulls(small_net):
    net, images = small_net
    ev = evidence(net, images, seed=0, n_boot=100)
    assert {r.estimator for r in ev.profile} == set(ESTIMATORS)
    # 17 blocks x (input, depthwise, projection) + 16 expansions, 3 pixel estimates each,
    # and the images view at the inputs and projections
    assert len(ev.profile) == (17 * 3 + 16) * 3 + 17 * 2
    assert {(r.probe, r.points) for r in ev.profile if r.points == "images"} == {
        ("input", "images"), ("projection", "images")}
    for r in ev.profile:
        assert r.null_value is not None and r.block in range(1, 18)
        assert r.undersampled == (r.n_points < 2 * r.ambient if r.estimator != "twonn"
                                  else r.n_points < 100)
        if r.value is not None and r.ci_low is not None:
            assert r.ci_low - 1e-9 <= r.value <= r.ci_high + 1e-9, r
    summary = ev.summary()
    used = summary["profile"]["input/pca/pixels"]
    assert used["used"] + used["excluded"] == 17
    assert used["used"] == sum(1 for r in ev.profile if (r.probe, r.estimator, r.points)
                               == ("input", "pca", "pixels") and not r.undersampled)


def test_bootstrap_matches_the_full_sample_and_shrinks_with_more_images():
    rng = np.random.default_rng(0)

    def images(n):   # each image: 30 points around its own offset in a 3-D subspace of R^12
        basis = rng.standard_normal((3, 12))
        pts = [(rng.standard_normal(3) * 2 + rng.standard_normal((30, 3))) @ basis
               + 0.05 * rng.standard_normal((30, 12)) for _ in range(n)]
        return np.concatenate(pts), np.arange(n) * 30

    widths = []
    for n in (20, 320):
        P, starts = images(n)
        W = bs.image_weights(n, 300, seed=1)
        eig, reps = bs.spectrum_replicates(P, starts, W)
        full = np.linalg.eigvalsh(np.cov(P.T))[::-1]
        tol = {"rtol": 1e-4, "atol": 1e-5 * full[0]}   # float32 products: digits of the largest
        np.testing.assert_allclose(eig, full, **tol)
        ones = bs.spectrum_replicates(P, starts, np.ones((1, n), dtype=np.int64))[1][0]
        np.testing.assert_allclose(ones, full, **tol)    # first order is exact at w = 1
        pr = bs.participation_ratios(reps)
        lo, hi = bs.percentile_interval(pr)
        value = participation_ratio(P)
        assert lo <= value <= hi
        widths.append(hi - lo)
        if n == 20:      # against an exact bootstrap (covariance recomputed per replicate)
            exact = []
            for w in W[:100]:
                rows = np.repeat(np.arange(P.shape[0]), np.repeat(w, 30))
                exact.append(participation_ratio(P[rows]))
            ex_lo, ex_hi = np.percentile(exact, [2.5, 97.5])
            assert 0.5 < (hi - lo) / (ex_hi - ex_lo) < 2.0
    assert widths[1] < 0.5 * widths[0]


def test_weighted_twonn_refit_is_twonn_at_unit_weights():
    X = np.random.default_rng(2).standard_normal((400, 5))
    r1, r2 = bs.twonn_ratios(X)
    r1[3] = 0.0                                    # a duplicate: dropped by both
    d = bs.twonn_replicates(r1, r2, np.ones((1, 400), dtype=np.int64))[0]
    assert d == pytest.approx(twonn_from_distances(r1, r2), rel=1e-10)
    doubled = bs.twonn_replicates(r1, r2, np.full((1, 400), 2))[0]   # every ratio twice
    assert doubled == pytest.approx(twonn_from_distances(np.repeat(r1, 2), np.repeat(r2, 2)), rel=1e-10)
    X = np.random.default_rng(3).standard_normal((300, 40)).astype(np.float32)
    mine = bs.twonn_ratios(X)
    from manifolds.dimension import two_nearest_distances
    for a, b in zip(mine, two_nearest_distances(X)):
        np.testing.assert_allclose(a, b, rtol=1e-5)


def test_null_references_match_gaussian_samples_and_are_cached():
    rng = np.random.default_rng(4)
    pca, pr = bs.null_pca_pr(300, 40)
    direct = [participation_ratio(rng.standard_normal((300, 40))) for _ in range(5)]
    assert pr == pytest.approx(np.mean(direct), rel=0.05)
    assert pca == pytest.approx(np.mean([pca_dimension(rng.standard_normal((300, 40)))
                                         for _ in range(3)]), abs=1.5)
    _, pr_few = bs.null_pca_pr(30, 200)             # fewer points than dimensions
    assert pr_few == pytest.approx(np.mean([participation_ratio(rng.standard_normal((30, 200)))
                                            for _ in range(5)]), rel=0.05)
    d = bs.null_twonn(150, 600)                      # from a Bartlett Gram matrix
    direct = np.mean([twonn_dimension(rng.standard_normal((150, 600))) for _ in range(4)])
    assert d == pytest.approx(direct, rel=0.15)
    hits = bs.null_twonn.cache_info().hits
    assert bs.null_twonn(150, 600) == d and bs.null_twonn.cache_info().hits == hits + 1


@pytest.fixture(scope="module")
def lone(small_net):
    """One run of the small net, seed 7, with the progress calls it made."""
    net, images = small_net
    seen = []
    ev = evidence(net, images, weights="a", seed=7, n_boot=20,
                  progress=lambda f, m: seen.append((f, m)))
    return ev, seen


def _numbers(ev):
    d = ev.to_dict()
    d["meta"].pop("seconds")
    return d


def test_deterministic_by_seed_and_progress(small_net, lone):
    net, images = small_net
    a, seen = lone
    b = evidence(net, images, weights="a", seed=7, n_boot=20)
    c = evidence(net, images, weights="a", seed=8, n_boot=20)
    assert _numbers(a) == _numbers(b) and _numbers(a)["profile"] != _numbers(c)["profile"]
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0 and fractions == sorted(fractions)
    with pytest.raises(ValueError, match="at least 2 images"):
        evidence(net, images[:1])
    with pytest.raises(ValueError, match="uint8"):
        evidence(net, images.astype(np.float32))


def test_evidence_many_in_threads_equals_lone_runs(small_net, lone):
    net, images = small_net
    other = load_weights(mobilenet_v2(0.35, 10), "random", seed=9).eval()
    seen = []
    both = evidence_many({"a": net, "b": other}, images, workers=2, seed=7, n_boot=20,
                         progress=lambda f, m: seen.append(f))
    assert _numbers(both["a"]) == _numbers(lone[0])
    assert _numbers(both["b"]) == _numbers(evidence(other, images, weights="b", seed=7, n_boot=20))
    assert max(seen) == 1.0


def test_relu6_twin_bottleneck_is_non_negative():
    net = mobilenet_v2(0.35, 10, bottleneck="relu6")
    load_weights(net, "random", seed=0)
    images, _ = make_batch(4, seed=[6, 8], resolution=32)
    ev = evidence(net.eval(), images, n_boot=10)
    # block 2's input is block 1's ReLU6 output; later inputs add non-negative residuals
    assert all(b.input_negative_fraction == 0.0 for b in ev.blocks)


def test_cli_json_shape(capsys):
    rc = main(["--weights", "random", "--images", "generated:4", "--format", "json",
               "--n-boot", "10", "--resolution", "32"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"meta", "blocks", "profile"}
    assert out["meta"]["n_images"] == 4 and out["meta"]["resolution"] == 32
    block_keys = {"block", "t", "d_in", "hidden", "n_points", "positive_min", "positive_mean",
                  "positive_max", "invertible_fraction", "recovered_after_expansion",
                  "recovered_without_expansion"}
    profile_keys = {"block", "probe", "estimator", "points", "n_points", "ambient", "value",
                    "ci_low", "ci_high", "null_value"}
    assert len(out["blocks"]) == 16 and all(block_keys <= set(b) for b in out["blocks"])
    assert all(profile_keys <= set(r) for r in out["profile"])
    assert {r["points"] for r in out["profile"]} == {"pixels", "images"}


def test_cli_bad_input_exits_2_without_traceback(tmp_path, capsys):
    assert main(["--weights", "nonsense", "--images", "generated:3"]) == 2
    assert capsys.readouterr().err.startswith("error: unknown weights source")
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png at all")
    assert main(["--weights", "random", "--images", str(bad), str(tmp_path / "missing.jpg")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "error: need at least 2 usable images, got 0"
    assert any("bad.png" in line for line in err[:-1])


def test_the_widest_first_order_is_the_networks_expansion_widths():
    """``services.remote`` submits a measurement's block tasks widest first, by the expansion
    width it reads off the architecture table: the depthwise conv's channels of the network."""
    from model.architecture import INVERTED_RESIDUAL_SETTING, expansion_channels
    from model.mobilenetv2 import InvertedResidual, mobilenet_v2
    blocks = [m for m in mobilenet_v2(1.0, 10).modules() if isinstance(m, InvertedResidual)]
    depthwise = [next(c for c in b.modules() if isinstance(c, nn.Conv2d) and c.groups > 1)
                 for b in blocks]
    assert expansion_channels(INVERTED_RESIDUAL_SETTING) == [c.out_channels for c in depthwise]
