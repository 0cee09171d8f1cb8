"""Forward hooks that collect what ``model.evidence`` measures, in one pass over the images.

Per bottleneck block (0-based ``b`` here; records say 1-based) and probe point, the same four
points as ``model.probes`` (input, expansion after ReLU6, depthwise after ReLU6, projection =
the block's last layer):

- **pixel samples**: ``pixels_per_image`` random positions of each image (all of them when the
  map is smaller), each a point in R^C, stored in image order. The input and the expansion
  share their positions (the expansion is 1x1, same h x w), so a pixel's X and ReLU6(BX + b)
  stay paired; the depthwise and the projection share theirs.
- **images as points**: each image's whole activation flattened, for the images view, at the
  probe points in ``view_probes``; as many images as fit in ``image_memory_bytes`` over those
  probes together (a seeded subset, the same at every probe, when not all fit).
- **Figure 7 counts**: for every pixel of every image, the number of expansion channels that
  are positive after ReLU6, as a histogram over 0..hidden.
- **the block input's signs**: how many entries of X are negative, and how many ReLU6 would
  change (X < 0 or X > 6).

Positions are drawn per image from one numpy generator seeded by (seed, image index), which
draws every block's and group's positions of that image in network order, so they depend
neither on the batch size nor on which task saw the image: a set cut into parts (``first``,
``total``), each collected apart (by different Dask workers) and put up
(``model.evidence.passes``), gives the same sample as one pass over all of it.
"""
from __future__ import annotations

import threading

import numpy as np
import torch
from torch import nn

from .sample import PROBES, Sample, view_subset
from ..mobilenetv2 import InvertedResidual
from ..taps import only_in_thread, tap_block

# Probe -> which position group it samples with: the expansion keeps the input's positions.
GROUP = {"input": 0, "expansion": 0, "depthwise": 1, "projection": 1}
# Keeps an image's position stream apart from the other streams seeded by (seed, constant).
POSITIONS_STREAM = 161803


class EvidenceProbes:
    """Context manager collecting pixel samples, flattened images and Figure 7 counts.

    >>> probes = EvidenceProbes(model, shapes, n_images=240, pixels_per_image=32, seed=0)
    >>> with probes:
    ...     for batch in batches: model(batch)      # images in order, each exactly once

    ``shapes``: {(b, probe): (C, h, w)} from ``probe_shapes``. After the pass:
    ``points[(b, probe)]`` float32 (n_images * k, C) with image i's k rows at i*k;
    ``per_image[(b, probe)]`` = k; ``flat[(b, probe)]`` float32 (n_view, C*h*w) for the images
    in ``view_images`` (probes in ``view_probes`` only); ``positives[b]`` int64 (hidden + 1,) histogram; ``input_signs[b]`` =
    (negative, changed by ReLU6, total) counts of X's entries. ``points_only``: the pixel
    samples alone, what pass two needs (no flattened images, counts or signs).
    """

    def __init__(self, model: nn.Module, shapes: dict, *, n_images: int, pixels_per_image: int,
                 seed: int, image_memory_bytes: int, view_probes=PROBES, first: int = 0,
                 total: int | None = None, points_only: bool = False):
        self.model = model
        self.blocks = [m for m in model.modules() if isinstance(m, InvertedResidual)]
        self.shapes, self.n_images, self.seed = shapes, int(n_images), int(seed)
        # This pass sees images first .. first + n_images - 1 of a set of ``total``.
        self.first, self.total = int(first), int(total if total is not None else n_images)
        if self.first < 0 or self.first + self.n_images > self.total:
            raise ValueError(f"images {first}..{first + n_images - 1} are not in a set of {total}")
        # Pass two needs the pixel samples alone: no whole images, no counts.
        self.points_only = bool(points_only)
        self.view_probes = () if self.points_only else tuple(view_probes)
        all_view = (np.empty(0, np.int64) if self.points_only else
                    view_subset(shapes, self.total, self.seed, image_memory_bytes, self.view_probes))
        mine = (all_view >= self.first) & (all_view < self.first + self.n_images)
        self.view_images = all_view[mine]                 # indices in the whole set
        self._view_slot = np.full(n_images, -1, dtype=np.int64)
        self._view_slot[self.view_images - self.first] = np.arange(self.view_images.size)
        self.per_image, self.points, self.flat = {}, {}, {}
        for (b, probe), (c, h, w) in shapes.items():
            k = min(int(pixels_per_image), h * w)
            self.per_image[(b, probe)] = k
            self.points[(b, probe)] = torch.empty(n_images * k, c)
            if probe in self.view_probes:
                self.flat[(b, probe)] = torch.empty(self.view_images.size, c * h * w)
        self.positives = {} if self.points_only else {
            b: torch.zeros(blk.hidden_channels + 1, dtype=torch.int64)
            for b, blk in enumerate(self.blocks) if blk.expand_ratio != 1}
        self.input_signs = {b: [0, 0, 0] for b in self.positives}
        # {(b, group): (h*w, k)} in network order: the layout of an image's position draws.
        self._groups: dict[tuple[int, int], tuple[int, int]] = {}
        for (b, probe), (c, h, w) in shapes.items():
            self._groups.setdefault((b, GROUP[probe]), (h * w, self.per_image[(b, probe)]))
        self._draws_per_image = sum(hw for hw, _ in self._groups.values())
        self._positions: dict[tuple[int, int], torch.Tensor] = {}
        self._start = 0          # index of the first image of the current batch
        self.handles: list = []

    # -- hooks ---------------------------------------------------------------------------
    def __enter__(self):
        # A model shared between sessions (the app caches one) runs other threads' forwards
        # through the same hooks: keep only this thread's.
        me = threading.get_ident()
        self.handles.append(self.model.register_forward_pre_hook(
            only_in_thread(self._new_batch, me)))
        self.handles.append(self.model.register_forward_hook(only_in_thread(self._batch_done, me)))
        for b, block in enumerate(self.blocks):
            self.handles += tap_block(block, lambda probe, x, b=b: self._take(b, probe, x),
                                      PROBES, thread=me)
        return self

    def __exit__(self, *exc) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []

    def _new_batch(self, module, args) -> None:
        n = args[0].shape[0]
        if self._start + n > self.n_images:
            raise ValueError(f"more images went through the model than the {self.n_images} "
                             f"announced")
        self._positions = self._draw_positions(n)

    def _batch_done(self, module, args, output) -> None:
        self._start += args[0].shape[0]

    def _draw_positions(self, n: int) -> dict[tuple[int, int], torch.Tensor]:
        """{(b, group): (n, k) pixel indices} for this batch's images: per image and group a
        uniform random k-subset of its h*w pixels, in random order (also when k = h*w: the
        pixel TwoNN takes the first few of each image's rows). One generator per image draws
        the keys of all its groups: one made per image, block and group was most of this
        hook's time (bench/RESULTS.md, "A class's measurement against the code before Dask, and
        pixel positions drawn once per image")."""
        first = self.first + self._start
        draws = np.empty((n, self._draws_per_image))
        for i in range(n):
            np.random.default_rng([self.seed, POSITIONS_STREAM, first + i]).random(out=draws[i])
        out, offset = {}, 0
        for key, (hw, k) in self._groups.items():
            keys, offset = draws[:, offset:offset + hw], offset + hw
            if k < hw:     # the k smallest keys, then in the order of their keys
                idx = np.argpartition(keys, k - 1, axis=1)[:, :k]
                idx = np.take_along_axis(idx, np.argsort(np.take_along_axis(keys, idx, 1), 1), 1)
            else:
                idx = np.argsort(keys, axis=1)
            out[key] = torch.from_numpy(np.ascontiguousarray(idx))
        return out

    def _store_flat(self, store: torch.Tensor, x: torch.Tensor, start: int) -> None:
        """Copy this batch's images that are in the view into their rows of ``store``."""
        n = x.shape[0]
        slots = self._view_slot[start:start + n]
        keep = slots >= 0
        if keep.all() and slots[-1] - slots[0] == n - 1:      # the usual case: every image
            store[slots[0]:slots[0] + n] = x.reshape(n, -1)
        elif keep.any():
            rows = torch.from_numpy(np.flatnonzero(keep)).to(x.device)
            store[torch.from_numpy(slots[keep])] = x.reshape(n, -1)[rows].cpu()

    def sample(self) -> "Sample":
        """What this pass collected, as numpy arrays (picklable: a Dask task's result)."""
        return Sample(first=self.first, count=self.n_images, total=self.total,
                      shapes=dict(self.shapes), per_image=dict(self.per_image),
                      points={k: v.numpy() for k, v in self.points.items()},
                      flat={k: v.numpy() for k, v in self.flat.items()},
                      view_images=self.view_images.copy(),
                      positives={b: v.numpy() for b, v in self.positives.items()},
                      input_signs={b: tuple(v) for b, v in self.input_signs.items()},
                      keys=tuple(self.shapes))

    @torch.no_grad()
    def _take(self, b: int, probe: str, x: torch.Tensor) -> None:
        x = x.detach().float()
        n, c, h, w = x.shape
        if (c, h, w) != self.shapes[(b, probe)]:
            raise ValueError(f"block {b + 1} {probe}: shape {(c, h, w)} differs from the "
                             f"first image's {self.shapes[(b, probe)]}: all images must have "
                             f"the same size")
        start = self._start
        flat = x.reshape(n, c, h * w)
        idx = self._positions[(b, GROUP[probe])].to(x.device)
        k = idx.shape[1]
        pts = flat.gather(2, idx[:, None, :].expand(n, c, k)).transpose(1, 2).reshape(n * k, c)
        self.points[(b, probe)][start * k:(start + n) * k] = pts.cpu()
        if (b, probe) in self.flat:
            self._store_flat(self.flat[(b, probe)], x, start)
        if probe == "expansion" and b in self.positives:
            # a float 0/1 indicator summed over channels: exact (counts < 2^24) and about
            # twice as fast as summing the bools
            counts = torch.gt(x, 0).float().sum(dim=1).flatten().long()
            self.positives[b] += torch.bincount(counts.cpu(), minlength=c + 1)
        elif probe == "input" and b in self.input_signs:
            negative, above = int((x < 0).sum()), int((x > 6).sum())
            signs = self.input_signs[b]
            signs[0] += negative
            signs[1] += negative + above
            signs[2] += x.numel()


@torch.no_grad()
def probe_shapes(model: nn.Module, example: torch.Tensor) -> dict[tuple[int, str], tuple[int, int, int]]:
    """{(b, probe): (C, h, w)} for every block and probe point, from one forward of example
    (1, 3, H, W)."""
    blocks = [m for m in model.modules() if isinstance(m, InvertedResidual)]
    if not blocks:
        raise ValueError("model has no InvertedResidual blocks to measure")
    shapes: dict = {}
    handles = []
    for b, block in enumerate(blocks):
        def record(probe, t, b=b):
            shapes[(b, probe)] = tuple(int(s) for s in t.shape[1:])
        handles += tap_block(block, record, PROBES)     # not another session's forward
    try:
        model(example)
    finally:
        for h in handles:
            h.remove()
    return {key: shapes[key] for b in range(len(blocks)) for key in
            [(b, p) for p in PROBES] if key in shapes}
