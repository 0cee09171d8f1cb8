"""Streaming statistics of one probe point's activations (used by ``model.probes``).

``StreamingReducer`` folds batch after batch into bounded state: per-channel non-zero counts,
the points' covariance (shifted float32 products summed in float64, or the Gram matrix while
there are fewer points than channels) and a seeded priority sample of points for TwoNN.
"""
from __future__ import annotations

import numpy as np
import torch

def _outer_products(a: torch.Tensor) -> torch.Tensor:
    """a @ a.T for a float32 matrix (rows = variables), as float32.

    On the CPU numpy does it: for ``a @ a.T`` OpenBLAS uses its symmetric rank-k routine
    (half the flops; faster than torch's general product here: bench/RESULTS.md), on the process's
    BLAS threads (one in the app: ``runtime.py``).
    """
    if a.device.type != "cpu":
        return a @ a.T
    an = a.numpy() if a.is_contiguous() else np.ascontiguousarray(a.numpy())
    return torch.from_numpy(an @ an.T)


class StreamingReducer:
    """Streaming reductions of one probe's tensors (all state on the tensors' device)."""

    def __init__(self, *, covariance: bool, twonn_points: int, generator_seed: int):
        self.covariance, self.twonn_points = covariance, twonn_points
        self.seed = generator_seed
        self.shape: tuple[int, int, int] | None = None
        self.nonzero: torch.Tensor | None = None   # (C,) int64
        self.n_values = 0
        self.n_points = 0
        self.shift: torch.Tensor | None = None     # (D,) float32
        self.sum: torch.Tensor | None = None       # (D,) float64, of shifted points
        self.cross: torch.Tensor | None = None     # (D, D) float64, of shifted points
        self.buffer: list[torch.Tensor] = []       # shifted points while n_points < D
        self.sample_keys: torch.Tensor | None = None
        self.sample: torch.Tensor | None = None
        self.generator: torch.Generator | None = None

    # -- counting ------------------------------------------------------------------------
    def count(self, x: torch.Tensor, workspace) -> None:
        n, c, h, w = x.shape
        if n * h * w < 2 ** 24:
            # A float 0/1 indicator summed per channel: much faster than count_nonzero over
            # dims on the CPU (bench/RESULTS.md), and exact (integers below 2^24 are exact in
            # float32).
            indicator = workspace(x.numel()).view(x.shape)
            torch.ne(x, 0, out=indicator)
            nz = indicator.sum(dim=(0, 2, 3)).long()
        else:
            nz = torch.count_nonzero(x, dim=(0, 2, 3))
        self.nonzero = nz if self.nonzero is None else self.nonzero + nz
        self.n_values += x.numel()

    # -- covariance ----------------------------------------------------------------------
    def add_points(self, pts: torch.Tensor) -> None:
        """Add points (n, D) float32 to the streamed covariance."""
        if self.shift is None:
            self.shift = pts.mean(dim=0)
            self.sum = torch.zeros(pts.shape[1], dtype=torch.float64, device=pts.device)
        shifted = pts - self.shift
        self.sum += shifted.sum(dim=0, dtype=torch.float64)
        self.n_points += shifted.shape[0]
        if self.cross is None:
            self.buffer.append(shifted)
            if self.n_points < shifted.shape[1]:
                return
            shifted = torch.cat(self.buffer)
            self.buffer = []
            self.cross = torch.zeros(shifted.shape[1], shifted.shape[1], dtype=torch.float64,
                                     device=shifted.device)
        self.cross += _outer_products(shifted.T).double()

    def add_pixels(self, x: torch.Tensor, workspace) -> None:
        """Each of the N*h*w positions of x (N, C, h, w) is a point in R^C."""
        n, c, h, w = x.shape
        m = n * h * w
        if self.shift is None:
            # Any fixed offset near the mean keeps the float32 products from cancelling; a
            # strided corner of the first batch is enough and costs nothing.
            self.shift = x[:1, :, ::4, ::4].mean(dim=(0, 2, 3))
            self.sum = torch.zeros(c, dtype=torch.float64, device=x.device)
        if self.cross is None and self.n_points + m < c:
            self.add_points(x.permute(0, 2, 3, 1).reshape(-1, c))
            return
        if self.cross is None:
            pts = torch.cat(self.buffer) if self.buffer else x.new_zeros(0, c)
            self.buffer = []
            self.cross = _outer_products(pts.T).double()
        # One pass writes the shifted points as rows of a (C + 1, N*h*w) matrix whose last
        # row is ones; one matrix product then gives the cross products and the sums.
        buf = workspace((c + 1) * m).view(c + 1, n, h * w)
        torch.sub(x.reshape(n, c, h * w).transpose(0, 1), self.shift.view(c, 1, 1), out=buf[:c])
        buf[c].fill_(1.0)
        prod = _outer_products(buf.view(c + 1, m)).double()
        self.cross += prod[:c, :c]
        self.sum += prod[:c, c]
        self.n_points += m

    # -- TwoNN sample --------------------------------------------------------------------
    def offer(self, keys: torch.Tensor, gather) -> None:
        """Keep the points with the smallest keys; ``gather(idx)`` returns their rows (k, D)."""
        k = min(self.twonn_points, keys.numel())
        sel_keys, idx = torch.topk(keys, k, largest=False, sorted=False)
        pts = gather(idx)
        if self.sample is not None:
            sel_keys = torch.cat([self.sample_keys, sel_keys])
            pts = torch.cat([self.sample, pts])
            if sel_keys.numel() > self.twonn_points:
                sel_keys, keep = torch.topk(sel_keys, self.twonn_points, largest=False, sorted=False)
                pts = pts[keep]
        self.sample_keys, self.sample = sel_keys, pts

    def trim_sample(self, capacity: int) -> None:
        if self.sample is not None and self.sample.shape[0] > capacity:
            self.sample_keys, keep = torch.topk(self.sample_keys, capacity, largest=False)
            self.sample = self.sample[keep]

    def keys_for(self, count: int, device: torch.device) -> torch.Tensor:
        if self.generator is None or self.generator.device != device:
            self.generator = torch.Generator(device=device).manual_seed(self.seed)
        return torch.rand(count, generator=self.generator, device=device)

    # -- final ---------------------------------------------------------------------------
    def spectrum(self, want_eigenvalues: bool):
        """(trace, frobenius_sq, eigenvalues or None) of the sample covariance."""
        if self.n_points < 2:
            return None, None, None
        n = self.n_points
        mean = self.sum / n
        if self.cross is None:       # fewer points than dimensions: n x n Gram matrix
            pts = torch.cat(self.buffer)
            centred = pts - mean.float()
            small = _outer_products(centred).double() / (n - 1)
        else:
            small = (self.cross - n * torch.outer(mean, mean)) / (n - 1)
        small = 0.5 * (small + small.T)
        trace = float(torch.diagonal(small).sum())
        frob = float((small * small).sum())
        eig = None
        if want_eigenvalues:
            eig = _eigenvalues(small, trace)
        return trace, frob, eig


def _eigenvalues(sym: torch.Tensor, trace: float) -> np.ndarray:
    """Eigenvalues (descending, >= 0) of a symmetric PSD float64 matrix.

    Solved in float32 by numpy's LAPACK on one thread, after scaling to unit trace: about
    twice as fast as float64. Relative accuracy ~1e-6 of the largest eigenvalue, plenty for a PCA
    count; the participation ratio does not use them (it comes from float64 traces).
    """
    scale = trace if trace > 0 else 1.0
    a = (sym / scale).float().cpu().numpy()
    eig = np.linalg.eigvalsh(a).astype(np.float64) * scale
    return np.clip(eig[::-1], 0.0, None)
