"""Cost of ``model.evidence`` for a data set, as a multiple of a plain forward pass.

    python bench/evidence.py [--images 240] [--resolution 64] [--n-boot 200] [--rounds 1]

The issue's target: the evidence for 240 generated images at 64 px for the three networks the
app compares (embedded, embedded-relu6, random), with intervals, within 10 s in total on the
shared 2-core development machine. Measured both ways: one network after the other
(``evidence``, one torch thread, the runtime's policy), and the three at once on the two
cores (``evidence_many(..., workers=2)``, two threads of one torch thread each, as two
sessions of the app would run). Baseline, in the same run: the plain eager forward of the
same images through each network (inference mode, no hooks, batches of 64). The images are
generated once, before the clock starts (their generation is not part of the evidence); the
Gaussian nulls are cached per process, so the first network pays for them and the second
and third reuse them. Each round times the three forwards, then the three evidences; the
result is the median over rounds. Prints the machine's load average before and after.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NETWORKS = ("embedded", "embedded-relu6", "random")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--images", type=int, default=240)
    p.add_argument("--resolution", type=int, default=64)
    p.add_argument("--n-boot", type=int, default=200)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--pixels-per-image", type=int, default=16)
    args = p.parse_args()
    from runtime import configure
    configure()
    import torch

    from model.evidence import bootstrap
    from model.evidence.measure import as_input, evidence, evidence_many
    from model.evidence.__main__ import build_network
    from model.evidence.image_sets import generated

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs; torch "
          f"{torch.__version__}, {torch.get_num_threads()} thread(s)")
    t0 = time.perf_counter()
    images = generated(args.images, seed=0, resolution=args.resolution).images
    nets = {name: build_network(name)[0] for name in NETWORKS}
    print(f"{args.images} images at {args.resolution} px generated and 3 networks built in "
          f"{time.perf_counter() - t0:.1f} s (not timed below)")
    x = as_input(images)

    def forward(net):
        with torch.inference_mode():
            for start in range(0, x.shape[0], 64):
                net(x[start:start + 64])

    forward(nets["embedded"])                                   # warm-up
    fwd, ev = {n: [] for n in NETWORKS}, {n: [] for n in NETWORKS}
    cpu_fwd, cpu_ev = {n: [] for n in NETWORKS}, {n: [] for n in NETWORKS}
    pair = []
    kwargs = {"n_boot": args.n_boot, "pixels_per_image": args.pixels_per_image}
    for round_ in range(args.rounds):
        # every round starts with the nulls' cache empty, as on a fresh server
        bootstrap.null_spectrum.cache_clear(), bootstrap.null_twonn.cache_clear()
        for name in NETWORKS:
            t, c = time.perf_counter(), time.process_time()
            forward(nets[name])
            fwd[name].append(time.perf_counter() - t)
            cpu_fwd[name].append(time.process_time() - c)
        for name in NETWORKS:
            t, c = time.perf_counter(), time.process_time()
            result = evidence(nets[name], images, weights=name, **kwargs)
            ev[name].append(time.perf_counter() - t)
            cpu_ev[name].append(time.process_time() - c)
        s = result.summary()
        bootstrap.null_spectrum.cache_clear(), bootstrap.null_twonn.cache_clear()
        t = time.perf_counter()
        both = evidence_many(nets, images, workers=2, **kwargs)
        pair.append(time.perf_counter() - t)
        same = all(both[n].to_dict()["profile"] == evidence(nets[n], images, weights=n, **kwargs)
                   .to_dict()["profile"] for n in NETWORKS[:1])
    total_fwd = sum(statistics.median(v) for v in fwd.values())
    total_ev = sum(statistics.median(v) for v in ev.values())
    med = statistics.median
    for name in NETWORKS:
        f, e = med(fwd[name]), med(ev[name])
        cf, ce = med(cpu_fwd[name]), med(cpu_ev[name])
        print(f"  {name:15s} forward {f:6.2f} s   evidence {e:6.2f} s   ratio {e / f:5.1f}x   "
              f"(CPU time: {cf:.2f} s, {ce:.2f} s, ratio {ce / cf:.1f}x)")
    print(f"  {'all three':15s} forward {total_fwd:6.2f} s   evidence {total_ev:6.2f} s   "
          f"ratio {total_ev / total_fwd:5.1f}x   (one after the other, one thread)")
    t_pair = statistics.median(pair)
    print(f"  {'all three':15s} evidence_many(workers=2): {t_pair:6.2f} s   ratio to the "
          f"forwards {t_pair / total_fwd:5.1f}x   (target: <= 10 s; same numbers as a lone "
          f"run: {same})")
    print(f"  (random network: {s['profile']['input/pr/pixels']['used']} of 17 input PR "
          f"estimates not undersampled; n_boot {args.n_boot}, "
          f"{args.pixels_per_image} pixels per image)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
