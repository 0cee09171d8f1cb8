"""A block's statistics from a set's parts, one part at a time: two passes, fixed memory.

The estimators of ``model.evidence`` need, per image, numbers that depend on the whole set
(the principal axes, the folds' ridge maps), so they are computed in two passes over the
parts, each part dropped once added:

- **Pass one** (``PassOne``, one per block, grown part by part in image order): the count,
  mean and scatter matrix about the mean (``Moments``, merged exactly by Chan et al.'s
  pairwise update) of the pixel points at each probe point and, per cross-fitting fold, of
  the recoveries' [features | target]; the Figure 7 histogram; the rows the pixel TwoNN and
  Lemma 2 use. ``fit`` turns it into principal axes and the folds' ridge maps.
- **Pass two** (``model.evidence.pass_two``: ``spread`` per part, gathered by ``PassTwo``):
  each image's sums and sums of squares on those axes and its held-out squared errors,
  multiplied at once by its column of bootstrap counts (``W[:, i]``) and added up, so a
  replicate's statistics are complete when the last part is added.

What a pass keeps is C x C per probe point (and per fold), n_boot x C per probe point, the
capped TwoNN and Lemma 2 rows and the whole images the images view keeps (at most
``image_memory_bytes``): it depends on the channels and n_boot, not on the number of images.
The images themselves and their bootstrap counts (n_boot x n_images: 8 MB at 200 x 10,000)
are the exceptions. The numbers are those of one pass over the whole set up to float32
rounding in the products (the scatter matrices are summed a step at a time instead of in one
product).

A set of several steps is cut into at most ``SPANS`` spans of consecutive images, each
accumulated on its own (on its own worker in a cluster: its parts never move) and merged per
block (``merged``, ``pass_two.merged_twos``): the same numbers but for the order of the float64
additions.

A probe point with no more points than channels (the deep blocks of a small set) keeps its
points instead and is computed as in one pass (``bootstrap.spectrum_replicates``'s Gram path):
there are at most C of them.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from .sample import PROBES, Sample

# No torch at import (it is imported where it computes): a Dask client is told the type of
# each finished task's result, and the app's server, which never imports torch, is a client.

# Images added to an accumulator per step (one Dask task: the parts it takes are in memory
# together). A step's moments are computed once over all its rows: per part of 2 images at
# 224 px a C x C scatter per fold cost more than the rows it summarised (bench/RESULTS.md).
STEP_IMAGES = 256
# A set's steps are cut into at most this many spans of consecutive images, each accumulated
# on its own (on its own worker: its parts never move) and merged once per block (``merged``).
# Fixed, not the number of workers, so that every cluster gives the same numbers.
SPANS = 4


def spans(n_steps: int, n_spans: int = SPANS) -> list[range]:
    """Steps ``0 .. n_steps - 1`` cut into at most ``n_spans`` runs of consecutive steps, as
    equal as can be (the first ones one longer)."""
    if n_steps < 1 or n_spans < 1:
        raise ValueError(f"n_steps and n_spans must be >= 1, got {n_steps} and {n_spans}")
    k = min(n_spans, n_steps)
    q, r = divmod(n_steps, k)
    out, at = [], 0
    for s in range(k):
        size = q + (s < r)
        out.append(range(at, at + size))
        at += size
    return out


@functools.lru_cache(maxsize=2)
def weights_of(n_images: int, n_boot: int, seed: int) -> np.ndarray:
    """``bootstrap.image_weights`` as int32 (n_boot, n_images), read-only, kept per process
    (every part of a measurement takes its columns)."""
    from .bootstrap import image_weights
    w = image_weights(n_images, n_boot, seed).astype(np.int32)
    w.setflags(write=False)
    return w


def twonn_images(n_images: int, twonn_points: int, seed: int) -> tuple[np.ndarray, int]:
    """(images whose rows enter the pixel TwoNN, rows from each): every image, the first
    ceil(twonn_points / n_images) of its random rows; with more images than twonn_points, a
    seeded subset of twonn_points images, one row each (so the estimate's points stay near
    twonn_points whatever the set's size)."""
    if n_images <= twonn_points:
        return np.arange(n_images), max(1, math.ceil(twonn_points / n_images))
    rng = np.random.default_rng([int(seed), 1729])
    return np.sort(rng.choice(n_images, twonn_points, replace=False)), 1


def rank_rows(n_points: int, b: int, seed: int, rank_points: int) -> np.ndarray:
    """Indices, in the pooled expansion sample, of the pixels Lemma 2 is tested on."""
    rng = np.random.default_rng([int(seed), b, 777])
    return np.sort(rng.choice(n_points, min(rank_points, n_points), replace=False))


# -- moments ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Moments:
    """Count, mean (D,) float64 and scatter about the mean (D, D) float64 of some rows."""
    n: int
    mean: np.ndarray
    scatter: np.ndarray

    @classmethod
    def of(cls, rows) -> "Moments | None":
        """Of float32 rows (m, D); None when m = 0. Centred in float64 first, products in
        float32 (fast), summed in float64."""
        import torch
        x = torch.as_tensor(rows)
        if x.shape[0] == 0:
            return None
        mean = x.mean(dim=0, dtype=torch.float64)
        c = x - mean.float()
        return cls(int(x.shape[0]), mean.numpy(), (c.T @ c).double().numpy())

    def __add__(self, other: "Moments | None") -> "Moments":
        if other is None:
            return self
        n = self.n + other.n
        delta = other.mean - self.mean
        return Moments(n, self.mean + delta * (other.n / n),
                       self.scatter + other.scatter + np.outer(delta, delta) * (self.n * other.n / n))

    def part(self, s: slice) -> "Moments":
        """The moments of some of the columns."""
        return Moments(self.n, self.mean[s], self.scatter[s, s])


def _plus(a: Moments | None, b: Moments | None) -> Moments | None:
    return b if a is None else a + b


def total(moments) -> Moments | None:
    """The moments of all the given ones' rows together (None for none); summed in the order
    given."""
    out = None
    for m in moments:
        out = _plus(out, m)
    return out


# -- pass one --------------------------------------------------------------------------------
@dataclass(frozen=True)
class PassOne:
    """Block ``b``'s pass one over images ``first`` .. ``seen`` - 1 of a set of ``n_images``
    (``first`` > 0: a span of the set, see ``merged``).

    moments: probe -> Moments of the probes measured alone; after / without: fold ->
    Moments of [ReLU6(expansion) | X] / [ReLU6(X) | X] (the input's and the expansion's
    moments are their blocks); kept: probe -> the points themselves (probes with no more
    points than channels); twonn: probe -> (images, rows); rank: the expansion rows Lemma 2
    is tested on; positives: Figure 7's histogram; signs: (negative, changed, total) of X;
    flat: probe -> the whole images kept for the images view (``view_images``: theirs), at
    most ``image_memory_bytes`` over the set (the arrays are shared between steps, not
    copied)."""
    b: int
    n_images: int
    shapes: dict
    per_image: dict
    folds: int
    keys: tuple = ()        # every (b, probe) of the network, in order
    seen: int = 0
    first: int = 0          # the first image of this pass's span (``spans``)
    moments: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    without: dict = field(default_factory=dict)
    kept: dict = field(default_factory=dict)
    twonn: dict = field(default_factory=dict)
    rank: tuple = ()
    positives: np.ndarray | None = None
    signs: tuple = (0, 0, 0)
    flat: dict = field(default_factory=dict)
    view_images: tuple = ()
    resolution: int = 0

    @property
    def has_expansion(self) -> bool:
        return (self.b, "expansion") in self.shapes

    @property
    def n_view(self) -> int:
        """The images kept whole for the images view."""
        return int(sum(v.size for v in self.view_images))

    def n_points(self, probe: str) -> int:
        return self.n_images * self.per_image[(self.b, probe)]

    @property
    def keeps_block(self) -> bool:
        """Whether every point of this block is kept and measured as in one pass: when the
        points take no more memory than the moments would (a small set: the C x C matrices
        per fold are larger than its rows; the app's sets of at most 240 images)."""
        points = sum(self.n_points(p) * c * 4 for (_, p), (c, _, _) in self.shapes.items())
        alone = [c for (_, p), (c, _, _) in self.shapes.items()
                 if not (self.has_expansion and p in ("input", "expansion"))]
        moments = 8 * sum(c * c for c in alone)
        if self.has_expansion:
            p, d = self.shapes[(self.b, "expansion")][0], self.shapes[(self.b, "input")][0]
            moments += 8 * self.folds * ((p + d) ** 2 + (2 * d) ** 2)
        return points <= moments

    def keeps(self, probe: str) -> bool:
        """Whether ``probe``'s points are kept: the whole block's (``keeps_block``), or no
        more of them than channels."""
        return self.keeps_block or self.n_points(probe) <= self.shapes[(self.b, probe)][0]

    def added(self, piece: Sample, fold_of_image: np.ndarray, twonn: tuple,
              rank: np.ndarray, parts=None) -> "PassOne":
        """This pass with the next part's piece (images ``seen ..``) added; a new object
        (the old one is left as it was: a Dask task's input). ``parts``: the consecutive
        parts ``piece`` joins (``joined``), whose own arrays are kept (the kept points, the
        whole images) instead of the piece's copies: they are in memory anyway until every
        block has added them, and a block then holds no second copy of its part of them."""
        parts = (piece,) if parts is None else tuple(parts)
        import torch
        b = self.b
        if piece.first != self.seen:
            raise ValueError(f"block {b + 1}: part at image {piece.first} added after "
                             f"images 0..{self.seen - 1}: parts must come in order")
        count = piece.count
        images = np.arange(piece.first, piece.first + count)
        fold = fold_of_image[images]
        moments, after, without = dict(self.moments), dict(self.after), dict(self.without)
        kept, twonn_rows = dict(self.kept), dict(self.twonn)
        chosen, per_chosen = twonn
        mine = chosen[(chosen >= piece.first) & (chosen < piece.first + count)]
        for probe in PROBES:
            if (b, probe) not in piece.shapes:
                continue
            pts = piece.points[(b, probe)]
            k = piece.per_image[(b, probe)]
            if self.keeps(probe):
                kept[probe] = kept.get(probe, ()) + tuple(p.points[(b, probe)] for p in parts)
            elif not (self.has_expansion and probe in ("input", "expansion")):
                moments[probe] = _plus(moments.get(probe), Moments.of(pts))
            kt = min(k, per_chosen)
            c = pts.shape[1]
            rows = pts.reshape(count, k, c)[mine - piece.first, :kt].reshape(mine.size * kt, c)
            old = twonn_rows.get(probe, ((), ()))
            twonn_rows[probe] = (old[0] + (np.repeat(mine, kt),), old[1] + (rows,))
        flat = {probe: self.flat.get(probe, ()) + tuple(p.flat[(b, probe)] for p in parts)
                for probe in PROBES if (b, probe) in parts[0].flat}
        rank_rows_ = self.rank
        positives, signs = self.positives, self.signs
        if self.has_expansion:
            X, H = piece.points[(b, "input")], piece.points[(b, "expansion")]
            k = piece.per_image[(b, "input")]
            fold_of_row = np.repeat(fold, k)
            for f in range(0 if self.keeps_block else self.folds):
                rows = fold_of_row == f
                if not rows.any():
                    continue
                x = torch.from_numpy(X[rows])
                after[f] = _plus(after.get(f), Moments.of(torch.cat([torch.from_numpy(H[rows]), x], 1)))
                without[f] = _plus(without.get(f), Moments.of(torch.cat([x.clamp(0.0, 6.0), x], 1)))
            start = piece.first * k
            here = rank[(rank >= start) & (rank < start + count * k)]
            rank_rows_ = rank_rows_ + (H[here - start],)
            hist = piece.positives[b]
            positives = hist.copy() if positives is None else positives + hist
            signs = tuple(int(a) + int(c) for a, c in zip(signs, piece.input_signs[b]))
        return replace(self, seen=self.seen + count, moments=moments, after=after,
                       without=without, kept=kept, twonn=twonn_rows, rank=rank_rows_,
                       positives=positives, signs=signs, flat=flat,
                       view_images=self.view_images + tuple(p.view_images for p in parts),
                       resolution=piece.resolution)

    def with_parts(self, pieces, *, seed: int, twonn_points: int, rank_points: int) -> "PassOne":
        """This pass with the next parts' pieces (or whole parts) added as one step: their
        block's rows joined in image order (a new object)."""
        from .stats import folds_by_image
        fold = folds_by_image(self.n_images, self.folds, seed)
        chosen = twonn_images(self.n_images, twonn_points, seed)
        rank = (rank_rows(self.n_points("input"), self.b, seed, rank_points)
                if self.has_expansion else np.empty(0, dtype=np.int64))
        pieces = sorted(pieces, key=lambda s: s.first)
        return self.added(joined(pieces, self.b), fold, chosen, rank, parts=pieces)

    def probe_moments(self, probe: str) -> Moments:
        """All of ``probe``'s points' moments (not for kept probes)."""
        if self.has_expansion and probe in ("input", "expansion"):
            whole = total(self.after[f] for f in sorted(self.after))
            p = self.shapes[(self.b, "expansion")][0]
            return whole.part(slice(0, p) if probe == "expansion" else slice(p, None))
        return self.moments[probe]


def joined(pieces, b: int) -> Sample:
    """Block ``b``'s pixel samples and counts of consecutive parts as one piece; their whole
    images are not joined (``PassOne.added`` keeps the parts' own)."""
    pieces = sorted(pieces, key=lambda s: s.first)
    at = pieces[0].first
    for s in pieces:
        if s.first != at:
            raise ValueError(f"block {b + 1}: the parts are not consecutive (at image {at})")
        at += s.count
    if len(pieces) == 1:
        return pieces[0]
    head = pieces[0]
    join = (lambda name: {k: np.concatenate([getattr(s, name)[k] for s in pieces])
                          for k in getattr(head, name) if k[0] == b})
    return Sample(head.first, at - head.first, head.total, head.shapes, head.per_image,
                  join("points"), {},
                  np.concatenate([s.view_images for s in pieces]),
                  {b: sum(s.positives[b] for s in pieces)} if b in head.positives else {},
                  {b: tuple(int(sum(s.input_signs[b][i] for s in pieces)) for i in range(3))}
                  if b in head.input_signs else {}, head.keys, head.resolution)


def pass_one(b: int, n_images: int, like: Sample, folds: int, first: int = 0) -> PassOne:
    """An empty pass one of block ``b`` of a set of ``n_images`` measured as ``like`` (any
    part's ``Sample`` or piece: its shapes), starting at image ``first`` (a span's)."""
    return PassOne(b, int(n_images), {k: v for k, v in like.shapes.items() if k[0] == b},
                   {k: v for k, v in like.per_image.items() if k[0] == b},
                   int(min(folds, n_images)), tuple(like.keys), seen=int(first),
                   first=int(first))


def merged(ones) -> PassOne:
    """One block's passes one over consecutive spans of the set (in image order) as one pass.

    The moments merge exactly (``Moments.__add__``); the rows and images kept are joined in
    image order, and the counts added. The result is what one pass over the spans' images in
    turn gives, but for the order of the float64 additions in the moments (within 1e-9
    relative: tests/test_evidence_passes.py)."""
    ones = list(ones)
    for a, b in zip(ones, ones[1:]):
        if b.b != a.b or b.first != a.seen:
            raise ValueError(f"block {a.b + 1}: spans must be consecutive passes of one block, "
                             f"got images {a.first}..{a.seen - 1} then {b.first}..{b.seen - 1}")
    if len(ones) == 1:
        return ones[0]

    def joined_dict(name, join):
        out: dict = {}
        for one in ones:
            for k, v in getattr(one, name).items():
                out[k] = join(out[k], v) if k in out else v
        return out
    concat = (lambda x, y: x + y)
    pair = (lambda x, y: (x[0] + y[0], x[1] + y[1]))
    positives = [one.positives for one in ones if one.positives is not None]
    head, last = ones[0], ones[-1]
    return replace(head, seen=last.seen,
                   moments=joined_dict("moments", _plus), after=joined_dict("after", _plus),
                   without=joined_dict("without", _plus), kept=joined_dict("kept", concat),
                   twonn=joined_dict("twonn", pair),
                   rank=sum((one.rank for one in ones), ()),
                   positives=sum(positives[1:], positives[0].copy()) if positives else None,
                   signs=tuple(int(sum(one.signs[i] for one in ones)) for i in range(3)),
                   flat=joined_dict("flat", concat),
                   view_images=sum((one.view_images for one in ones), ()),
                   resolution=last.resolution or head.resolution)


# -- the fit between the passes ---------------------------------------------------------------
@dataclass(frozen=True)
class ProbeFit:
    """Principal axes of a probe's points: mean (D,), axes float32 (D, r) and their
    eigenvalues (r,) in descending order, r = min(n - 1, D)."""
    mean: np.ndarray
    axes: np.ndarray
    eigenvalues: np.ndarray


@dataclass(frozen=True)
class FoldMap:
    """Fold f's ridge map, fitted on the other folds: target ~ train_mean[p:] +
    (features - train_mean[:p]) @ coef; test_mean: the fold's own target mean."""
    coef: np.ndarray
    train_mean: np.ndarray
    test_mean: np.ndarray


@dataclass(frozen=True)
class BlockFit:
    """What pass two needs of block ``b``: probes -> ProbeFit; recoveries: "after" /
    "without" -> {fold: FoldMap}, or None where a fold had fewer than 2 training points."""
    b: int
    probes: dict
    recoveries: dict


def fit(one: PassOne, ridge_alpha: float) -> BlockFit:
    """The principal axes and the folds' ridge maps of a complete pass one."""
    if one.first != 0 or one.seen != one.n_images:
        raise ValueError(f"block {one.b + 1}: pass one saw images {one.first}..{one.seen - 1} "
                         f"of {one.n_images}")
    probes = {}
    for probe in PROBES:
        if (one.b, probe) not in one.shapes or one.keeps(probe):
            continue
        m = one.probe_moments(probe)
        eig, axes = np.linalg.eigh(m.scatter / (m.n - 1))
        order = np.argsort(eig)[::-1][:min(m.n - 1, m.mean.size)]
        probes[probe] = ProbeFit(m.mean, np.ascontiguousarray(axes[:, order], dtype=np.float32),
                                 np.clip(eig[order], 0.0, None))
    recoveries = {}
    if one.has_expansion and not one.keeps_block:
        p_after = one.shapes[(one.b, "expansion")][0]
        p_without = one.shapes[(one.b, "input")][0]
        for kind, folds, p in (("after", one.after, p_after), ("without", one.without, p_without)):
            recoveries[kind] = _fold_maps(folds, p, ridge_alpha)
    return BlockFit(one.b, probes, recoveries)


def _fold_maps(folds: dict, p: int, alpha: float) -> dict | None:
    import torch
    maps = {}
    for f in sorted(folds):
        train = total(folds[g] for g in sorted(folds) if g != f)
        if train is None or train.n < 2:
            return None
        s_ff, s_ft = train.scatter[:p, :p], train.scatter[:p, p:]
        lam = alpha * max(float(np.trace(s_ff)) / p, np.finfo(float).tiny)
        ta, tb = torch.from_numpy(s_ff + lam * np.eye(p)), torch.from_numpy(s_ft)
        coef = torch.cholesky_solve(tb, torch.linalg.cholesky(ta)).numpy()
        maps[f] = FoldMap(coef, train.mean, folds[f].mean[p:])
    return maps
