"""Forward hooks that measure the activations of every bottleneck block as the forward runs.

Five probe points per block (docs/PAPER_FACTS.md §8, paper §3.2):

- ``input``: the block's input, the thin bottleneck tensor it reads;
- ``expansion``: the 1x1 expansion after ReLU6 (absent when t = 1, the first block);
- ``depthwise``: the 3x3 depthwise convolution after ReLU6;
- ``projection``: the linear 1x1 projection after its BatchNorm, before the residual add;
- ``output``: the block's output (after the residual add when there is one).

Nothing is kept whole: each hook reduces its tensor on the fly, so memory stays bounded for a
large batch or many batches. Per probe it keeps

- per-channel counts of non-zero values (zero fraction, dead channels);
- for PCA / participation ratio, the covariance of the points, streamed in float64: each
  batch's points are shifted by a fixed per-channel offset (near the mean, from the first
  batch, so the products do not cancel), multiplied in float32 (fast BLAS / GPU) and added to
  float64 sums.
  Until a probe has seen as many points as it has channels the shifted points themselves are
  kept instead (the n x n Gram matrix is then smaller than the C x C covariance);
- for TwoNN, a uniform random sample of at most ``twonn_points`` points (priority sampling:
  every point gets a seeded random key and the smallest keys are kept), so the sample is the
  same whatever the batch size.

``points="pixels"`` (default, the paper's view) makes each of the h x w positions of each image
a point in R^C; ``points="images"`` makes each image one flattened point in R^(C*h*w), the view
of Ansuini et al. (2019). In "images" mode the covariance and TwoNN both use the stored images:
the same random subset of images (at most ``max_images``, and no more than fit in
``image_memory_bytes`` across all probes) at every probe.

Two probe points sometimes carry the same tensor: a block's input is the previous block's
output, and without a residual the output is the projection. Those are measured once.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .mobilenetv2 import InvertedResidual
from .streaming import StreamingReducer
from .taps import TAP_POINTS, only_in_thread, tap_block

PROBE_POINTS = TAP_POINTS
POINT_MODES = ("pixels", "images")


@dataclass
class ProbeStats:
    """Reduced statistics of one probe point, ready for the estimators (numpy on the CPU).

    ``eigenvalues``: covariance eigenvalues, descending, shape (min(n_points, ambient_dim),),
    or None when not asked for. ``trace`` and ``frobenius_sq`` (= sum of squared eigenvalues)
    give the participation ratio without them. ``sample``: the TwoNN points, shape
    (n_sample, ambient_dim) float32, or None.
    """
    block: int
    probe: str
    channels: int
    height: int
    width: int
    points: str
    ambient_dim: int
    n_points: int           # points behind the covariance (pixels: every position seen)
    n_values: int           # activation values seen (for the zero fraction)
    n_zeros: int
    dead_channels: int      # channels exactly 0 at every position of every image
    trace: float | None
    frobenius_sq: float | None
    eigenvalues: np.ndarray | None
    sample: np.ndarray | None
    alias_of: tuple[int, str] | None  # the probe whose tensor this one shares, if any


class ActivationProbes:
    """Context manager: hooks every bottleneck block of ``model`` and reduces its activations.

    >>> with ActivationProbes(model, points="pixels") as probes:
    ...     model(images)              # any number of forward passes / batches
    >>> stats = probes.results()       # list[ProbeStats], in network order

    ``covariance``: stream the covariance (PCA / participation ratio); ``eigenvalues``: also
    diagonalise it in ``results`` (PCA needs it, the participation ratio does not);
    ``twonn_points``: size of the random sample kept for TwoNN (0 keeps none).
    """

    def __init__(self, model: nn.Module, *, points: str = "pixels", covariance: bool = True,
                 eigenvalues: bool = True, twonn_points: int = 500, seed: int = 0,
                 max_images: int = 512, image_memory_bytes: int = 1 << 30):
        if points not in POINT_MODES:
            raise ValueError(f"points must be one of {POINT_MODES}, got {points!r}")
        if int(twonn_points) != twonn_points or twonn_points < 0:
            raise ValueError(f"twonn_points must be an integer >= 0, got {twonn_points}")
        if int(max_images) != max_images or max_images < 3:
            raise ValueError(f"max_images must be an integer >= 3, got {max_images}")
        blocks = [m for m in model.modules() if isinstance(m, InvertedResidual)]
        if not blocks:
            raise ValueError("model has no InvertedResidual blocks to probe")
        self.model, self.blocks, self.points = model, blocks, points
        self.covariance, self.eigenvalues = covariance, eigenvalues
        self.twonn_points, self.seed = int(twonn_points), seed
        self.max_images, self.image_memory_bytes = int(max_images), int(image_memory_bytes)
        self.order: list[tuple[int, str]] = []
        self.alias: dict[tuple[int, str], tuple[int, str]] = {}
        self.reducers: dict[tuple[int, str], StreamingReducer] = {}
        self.handles: list = []
        self._image_keys: torch.Tensor | None = None
        self._image_generator: torch.Generator | None = None
        self._capacity: int | None = None
        self._workspace: torch.Tensor | None = None
        for b, block in enumerate(blocks):
            for probe in PROBE_POINTS:
                if probe == "expansion" and block.expand_ratio == 1:
                    continue
                self.order.append((b, probe))
                if probe == "input" and b > 0:
                    self.alias[(b, probe)] = (b - 1, "output")
                elif probe == "output" and not block.use_res_connect:
                    self.alias[(b, probe)] = (b, "projection")
                else:
                    want_sample = self.twonn_points if points == "pixels" else self.max_images
                    keep = want_sample if (self.twonn_points > 0 or points == "images") else 0
                    self.reducers[(b, probe)] = StreamingReducer(
                        covariance=covariance, twonn_points=keep,
                        generator_seed=seed * 1_000_003 + len(self.reducers))

    # -- hooks ---------------------------------------------------------------------------
    def __enter__(self) -> "ActivationProbes":
        # The app shares one model between sessions (st.cache_resource), each running in its
        # own thread: hooks see every thread's forward, so they keep only this thread's.
        me = threading.get_ident()
        self.handles.append(self.model.register_forward_pre_hook(
            only_in_thread(self._new_batch, me)))
        self.handles.append(self.model.register_forward_hook(only_in_thread(self._batch_done, me)))
        for b, block in enumerate(self.blocks):
            mine = [p for p in PROBE_POINTS if (b, p) in self.reducers]
            self.handles += tap_block(
                block, lambda probe, x, b=b: self._reduce(self.reducers[(b, probe)], x), mine,
                thread=me)
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

    def remove(self) -> None:
        for h in self.handles:
            h.remove()
        self.handles = []
        self._workspace = None

    def _new_batch(self, module, args) -> None:
        if self.points == "images":
            x = args[0]
            if self._image_generator is None:
                self._image_generator = torch.Generator(device=x.device).manual_seed(self.seed)
            self._image_keys = torch.rand(x.shape[0], generator=self._image_generator,
                                          device=x.device)

    def _batch_done(self, module, args, output) -> None:
        # After the first batch the flattened sizes are known: cap the number of images kept
        # so that all probes together stay within image_memory_bytes.
        if self.points == "images" and self._capacity is None:
            per_image = sum(4 * r.shape[0] * r.shape[1] * r.shape[2]
                            for r in self.reducers.values() if r.shape is not None)
            self._capacity = max(3, min(self.max_images, self.image_memory_bytes // max(1, per_image)))
            for r in self.reducers.values():
                r.twonn_points = self._capacity
                r.trim_sample(self._capacity)

    def _scratch(self, numel: int, like: torch.Tensor) -> torch.Tensor:
        """A float32 scratch buffer shared by all hooks (they run one at a time). Reusing it
        saves allocating and page-faulting a fresh tensor the size of each activation."""
        ws = self._workspace
        if ws is None or ws.numel() < numel or ws.device != like.device:
            ws = self._workspace = torch.empty(numel, dtype=torch.float32, device=like.device)
        return ws[:numel]

    @torch.no_grad()
    def _reduce(self, r: StreamingReducer, x: torch.Tensor) -> None:
        if x.dim() != 4:
            raise ValueError(f"probe expected an (N, C, h, w) tensor, got shape {tuple(x.shape)}")
        x = x.detach().float()
        n, c, h, w = x.shape
        r.shape = (c, h, w)
        scratch = lambda numel: self._scratch(numel, x)  # noqa: E731
        r.count(x, scratch)
        if self.points == "pixels":
            if r.covariance:
                r.add_pixels(x, scratch)
            if r.twonn_points:
                flat = x.flatten(2)                                       # (N, C, h*w)
                r.offer(r.keys_for(n * h * w, x.device),
                        lambda idx: flat[idx // (h * w), :, idx % (h * w)])
        else:
            r.n_points += n
            r.offer(self._image_keys, lambda idx: x.flatten(1)[idx])

    # -- results -------------------------------------------------------------------------
    def results(self) -> list[ProbeStats]:
        """One ProbeStats per probe point in network order (aliases share their source's)."""
        computed: dict[tuple[int, str], ProbeStats] = {}
        for key, r in self.reducers.items():
            if r.shape is None:
                raise ValueError("no forward pass ran while the probes were attached")
            c, h, w = r.shape
            trace = frob = eig = None
            n_points = r.n_points
            sample = r.sample
            if self.points == "images":
                stored = r.sample
                n_points = 0 if stored is None else stored.shape[0]
                if self.covariance and stored is not None and n_points >= 2:
                    tmp = StreamingReducer(covariance=True, twonn_points=0, generator_seed=0)
                    tmp.add_points(stored)
                    trace, frob, eig = tmp.spectrum(self.eigenvalues)
                if not self.twonn_points:
                    sample = None
            elif self.covariance:
                trace, frob, eig = r.spectrum(self.eigenvalues)
            nonzero = r.nonzero.cpu()
            computed[key] = ProbeStats(
                block=key[0], probe=key[1], channels=c, height=h, width=w, points=self.points,
                ambient_dim=c if self.points == "pixels" else c * h * w, n_points=n_points,
                n_values=r.n_values, n_zeros=int(r.n_values - int(nonzero.sum())),
                dead_channels=int((nonzero == 0).sum()), trace=trace, frobenius_sq=frob,
                eigenvalues=eig, sample=None if sample is None else sample.cpu().numpy(),
                alias_of=None)
        out = []
        for key in self.order:
            if key in computed:
                out.append(computed[key])
            else:
                src = self.alias[key]
                while src in self.alias:
                    src = self.alias[src]
                s = computed[src]
                out.append(ProbeStats(**{**s.__dict__, "block": key[0], "probe": key[1],
                                         "alias_of": src}))
        return out
