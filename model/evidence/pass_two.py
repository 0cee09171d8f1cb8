"""Pass two of a measurement (``model.evidence.passes`` describes both): each part's images
on the principal axes and through the folds' ridge maps of pass one (``spread``), added up
with every image weighted by its bootstrap counts (``PassTwo``)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .sample import Sample     # no torch at import: see model.evidence.passes


@dataclass(frozen=True)
class Spread:
    """Pass two of one part (images ``first .. first + count - 1``): per (b, probe), each
    image's sums and sums of squares on the probe's axes (count, r) float64 and its points
    per image; per (b, recovery), each image's held-out squared errors and squares about its
    fold's target mean (count,)."""
    first: int
    count: int
    sums: dict
    squares: dict
    per_image: dict
    errors: dict
    spreads: dict


def spread(sample: Sample, fits: dict, fold_of_image: np.ndarray) -> Spread:
    """Pass two of one part's ``sample`` (all blocks) against the blocks' ``fits`` ({b:
    BlockFit})."""
    import torch
    sums, squares, per_image, errors, spreads = {}, {}, {}, {}, {}
    count = sample.count
    images = np.arange(sample.first, sample.first + count)
    for b, bf in fits.items():
        for probe, pf in bf.probes.items():
            k = sample.per_image[(b, probe)]
            x = torch.from_numpy(sample.points[(b, probe)])
            scores = (x - torch.from_numpy(pf.mean).float()) @ torch.from_numpy(pf.axes)
            per = scores.reshape(count, k, -1)
            sums[(b, probe)] = per.sum(dim=1).double().numpy()
            squares[(b, probe)] = per.square().sum(dim=1).double().numpy()
            per_image[(b, probe)] = k
        if not bf.recoveries:
            continue
        X, H = sample.points[(b, "input")], sample.points[(b, "expansion")]
        k = sample.per_image[(b, "input")]
        fold_of_row = np.repeat(fold_of_image[images], k)
        image_of_row = np.repeat(np.arange(count), k)
        x = torch.from_numpy(X)
        for kind, features in (("after", torch.from_numpy(H)), ("without", x.clamp(0.0, 6.0))):
            maps = bf.recoveries[kind]
            if maps is None:
                continue
            p = features.shape[1]
            sse, sst = np.zeros(count), np.zeros(count)
            for f, m in maps.items():
                rows = np.flatnonzero(fold_of_row == f)
                if rows.size == 0:
                    continue
                r = torch.from_numpy(rows)
                zf, zt = features[r], x[r]
                residual = zt - torch.from_numpy(m.train_mean[p:]).float() - (
                    (zf - torch.from_numpy(m.train_mean[:p]).float())
                    @ torch.from_numpy(m.coef).float())
                about = zt - torch.from_numpy(m.test_mean).float()
                img = image_of_row[rows]
                sse += np.bincount(img, weights=residual.square().sum(dim=1).double().numpy(),
                                   minlength=count)
                sst += np.bincount(img, weights=about.square().sum(dim=1).double().numpy(),
                                   minlength=count)
            errors[(b, kind)], spreads[(b, kind)] = sse, sst
    return Spread(sample.first, count, sums, squares, per_image, errors, spreads)


@dataclass(frozen=True)
class PassTwo:
    """Pass two over images ``first`` .. ``seen`` - 1 (a span of the set, or all of it), each
    image weighted by its bootstrap counts: S, Q: (b, probe) -> (n_boot, r) sums of the
    images' sums and squares; N: (b, probe) -> (n_boot,) points; SSE, SST: (b, recovery) ->
    (n_boot,); sse, sst: the same unweighted."""
    seen: int = 0
    S: dict = field(default_factory=dict)
    Q: dict = field(default_factory=dict)
    N: dict = field(default_factory=dict)
    SSE: dict = field(default_factory=dict)
    SST: dict = field(default_factory=dict)
    sse: dict = field(default_factory=dict)
    sst: dict = field(default_factory=dict)
    first: int = 0

    @classmethod
    def starting(cls, first: int) -> "PassTwo":
        """An empty pass two of the span that starts at image ``first``."""
        return cls(seen=int(first), first=int(first))

    def added(self, part: Spread, W: np.ndarray) -> "PassTwo":
        """This pass with the next part added (a new object)."""
        if part.first != self.seen:
            raise ValueError(f"pass two: part at image {part.first} added after images "
                             f"0..{self.seen - 1}: parts must come in order")
        w = W[:, part.first:part.first + part.count].astype(np.float64)
        grow = (lambda d, key, value: d.get(key, 0.0) + value)
        S, Q, N, SSE, SST, sse, sst = (dict(d) for d in (self.S, self.Q, self.N, self.SSE,
                                                          self.SST, self.sse, self.sst))
        for key, s in part.sums.items():
            S[key] = grow(S, key, w @ s)
            Q[key] = grow(Q, key, w @ part.squares[key])
            N[key] = grow(N, key, w.sum(axis=1) * part.per_image[key])
        for key, e in part.errors.items():
            SSE[key] = grow(SSE, key, w @ e)
            SST[key] = grow(SST, key, w @ part.spreads[key])
            sse[key] = grow(sse, key, float(e.sum()))
            sst[key] = grow(sst, key, float(part.spreads[key].sum()))
        return PassTwo(self.seen + part.count, S, Q, N, SSE, SST, sse, sst, self.first)

    def replicates(self, b: int, probe: str) -> np.ndarray:
        """Each replicate's eigenvalues to first order (n_boot, r), descending per row
        (``bootstrap.spectrum_replicates``)."""
        n_b = self.N[(b, probe)][:, None]
        S, Q = self.S[(b, probe)], self.Q[(b, probe)]
        with np.errstate(invalid="ignore", divide="ignore"):
            reps = (Q - S * S / n_b) / (n_b - 1.0)
        reps[n_b[:, 0] < 2] = np.nan
        return -np.sort(-np.clip(reps, 0.0, None), axis=1)


def merged_twos(twos) -> PassTwo:
    """Passes two over consecutive spans of the set (in image order) as one: every sum added,
    in span order (the same as one pass over the spans' images but for the order of the
    float64 additions)."""
    twos = list(twos)
    for a, b in zip(twos, twos[1:]):
        if b.first != a.seen:
            raise ValueError(f"pass two: spans must be consecutive, got images "
                             f"{a.first}..{a.seen - 1} then {b.first}..{b.seen - 1}")
    out = twos[0]
    for t in twos[1:]:
        sums = []
        for name in ("S", "Q", "N", "SSE", "SST", "sse", "sst"):
            mine, theirs = getattr(out, name), getattr(t, name)
            sums.append({k: v + theirs[k] if k in theirs else v for k, v in mine.items()}
                        | {k: v for k, v in theirs.items() if k not in mine})
        out = PassTwo(t.seen, *sums, out.first)
    return out
