"""Own TwoNN (manifolds.dimension.twonn_dimension) vs scikit-dimension's on the same points.

    python bench/twonn.py [--repeats 3] [--skip-large]

Two problems, both with every estimate computed on exactly the same points and the same
discard fraction (0.1), so the two must agree (within 2%) and only the speed differs:

- 2000 x 500 float32: a 20-dimensional sphere embedded linearly in R^500 plus a little noise;
- the 20,000-point problem: 50,000 x 144 float32 points (an 8-dimensional curved manifold
  in R^144); ours subsamples 20,000 rows (max_points=20000, seed 0) and scikit-dimension gets
  those same 20,000 rows.

scikit-dimension runs with its default BLAS threads and with one thread; the faster of the
two is the baseline (one thread is often faster on a busy 2-core machine). Ours always uses
one BLAS thread. Times are the best of ``--repeats`` (scikit-dimension's large case: one run
per thread setting, it takes tens of seconds). Prints speed-up = t(skdim) / t(ours).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import skdim  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from manifolds.dimension import twonn_dimension  # noqa: E402


def best_time(fn, repeats: int) -> tuple[float, float]:
    result, best = None, float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def skdim_twonn(X) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(skdim.id.TwoNN(discard_fraction=0.1).fit(X).dimension_)


def sphere_in(n: int, k: int, ambient: int, rng, noise: float = 0.01) -> np.ndarray:
    z = rng.standard_normal((n, k + 1))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    q, _ = np.linalg.qr(rng.standard_normal((ambient, k + 1)))
    return (z @ q.T + noise * rng.standard_normal((n, ambient))).astype(np.float32)


def curved(n: int, k: int, ambient: int, rng) -> np.ndarray:
    """k latent coordinates through random sinusoidal features: a curved k-manifold."""
    t = rng.uniform(-1, 1, (n, k))
    w = rng.standard_normal((k, ambient)) * 1.5
    return np.sin(t @ w + rng.uniform(0, np.pi, ambient)).astype(np.float32)


def compare(name: str, ours_fn, ref_X, repeats: int, ref_repeats: int) -> float:
    t_ours, d_ours = best_time(ours_fn, repeats)
    t_default, d_ref = best_time(lambda: skdim_twonn(ref_X), ref_repeats)
    with threadpool_limits(1):
        t_one, _ = best_time(lambda: skdim_twonn(ref_X), ref_repeats)
    t_ref = min(t_default, t_one)
    rel = abs(d_ours - d_ref) / abs(d_ref)
    print(f"{name}: ours {t_ours:.3f} s (d = {d_ours:.3f}); scikit-dimension "
          f"{t_default:.3f} s default threads, {t_one:.3f} s one thread (d = {d_ref:.3f}); "
          f"speed-up {t_ref / t_ours:.1f}x (target >= 5), |difference| {100 * rel:.3f}% "
          f"(target <= 2%)")
    return t_ref / t_ours


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--skip-large", action="store_true", help="only the 2000 x 500 problem")
    args = p.parse_args()
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, scikit-dimension {skdim.__version__}, "
          f"load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    X = sphere_in(2000, 20, 500, rng)
    compare("2000 x 500", lambda: twonn_dimension(X, max_points=None), X,
            args.repeats, args.repeats)
    if not args.skip_large:
        big = curved(50_000, 8, 144, rng)
        rows = np.sort(np.random.default_rng(0).choice(len(big), 20_000, replace=False))
        compare("20,000 of 50,000 x 144", lambda: twonn_dimension(big, max_points=20_000, seed=0),
                big[rows], args.repeats, 1)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
