"""The records ``model.evidence`` returns: frozen dataclasses, JSON-ready via ``to_dict``."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

# TwoNN's fewest points: below it the measurement marks the estimate as undersampled (here,
# without torch, so the page can say so before it asks for a measurement).
MIN_TWONN_POINTS = 100


@dataclass(frozen=True)
class BlockEvidence:
    """Figure 7 and the information kept through one block's expansion (see module doc)."""
    block: int                      # 1-based, as in the paper's Table 2 rows
    t: int
    d_in: int                       # bottleneck width = Lemma 2's threshold
    hidden: int                     # expansion width t * d_in
    stride: int
    height: int                     # the expansion's map size
    width: int
    n_images: int
    n_pixels: int                   # pixels behind the Figure 7 counts (all of them)
    positive_min: int
    positive_mean: float
    positive_max: int
    positive_p05: int               # 5th / 95th percentile over pixels
    positive_p95: int
    positive_min_fraction: float    # the same / hidden
    positive_mean_fraction: float
    positive_max_fraction: float
    threshold: int                  # d_in
    threshold_fraction: float       # d_in / hidden
    below_threshold_fraction: float  # pixels with fewer than d_in positive channels
    invertible_fraction: float      # Lemma 2 with ReLU6's linear range, on rank_points pixels
    rank_points: int
    n_points: int                   # pooled pixels behind the recoveries
    folds: int
    recovered_after_expansion: float | None
    recovered_after_ci_low: float | None
    recovered_after_ci_high: float | None
    recovered_without_expansion: float | None
    recovered_without_ci_low: float | None
    recovered_without_ci_high: float | None
    input_negative_fraction: float  # entries of X below 0
    input_changed_fraction: float   # entries of X that ReLU6 changes (X < 0 or X > 6)


@dataclass(frozen=True)
class ProfileRecord:
    """One estimator at one probe point of one block, with its interval and null."""
    block: int                      # 1-based
    probe: str                      # input | expansion | depthwise | projection
    estimator: str                  # pca | pr | twonn
    points: str                     # pixels (R^C per pixel) | images (one flattened point each)
    relative_depth: float           # position of the probe point in the network, 0..1
    t: int
    channels: int
    height: int
    width: int
    ambient: int                    # C for pixels, C*h*w for images
    n_points: int
    n_images: int
    value: float | None
    ci_low: float | None
    ci_high: float | None
    null_value: float | None        # the estimator on isotropic Gaussian points, same n and d
    undersampled: bool


@dataclass(frozen=True)
class EvidenceMeta:
    weights: str
    n_images: int
    resolution: int
    seed: int
    pixels_per_image: int
    twonn_points: int
    n_view_images: int              # images in the images-as-points view
    ridge_alpha: float
    folds: int
    n_boot: int
    confidence: float
    pca_variance: float
    rank_points: int
    undersampled_rule: str
    seconds: float
    methods: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Evidence:
    meta: EvidenceMeta
    blocks: tuple[BlockEvidence, ...]
    profile: tuple[ProfileRecord, ...]

    def to_dict(self) -> dict:
        """{"meta", "blocks", "profile"} of plain values (NaN never appears: None instead)."""
        meta = asdict(self.meta)
        meta["methods"] = list(meta["methods"])
        return {"meta": meta, "blocks": [asdict(b) for b in self.blocks],
                "profile": [asdict(r) for r in self.profile]}

    def summary(self) -> dict:
        """Headline numbers, undersampled estimates left out: {"blocks": n,
        "recovery_higher_after_expansion": blocks where after > without, "median_recovered_after",
        "median_recovered_without", "median_positive_fraction", "median_invertible_fraction",
        "profile": {"probe/estimator/points": {"used", "excluded", "median_value",
        "median_null"}}}."""
        pairs = [(b.recovered_after_expansion, b.recovered_without_expansion) for b in self.blocks
                 if b.recovered_after_expansion is not None
                 and b.recovered_without_expansion is not None]
        out = {"blocks": len(self.blocks),
               "recovery_higher_after_expansion": sum(a > w for a, w in pairs),
               "median_recovered_after": _median([a for a, _ in pairs]),
               "median_recovered_without": _median([w for _, w in pairs]),
               "median_positive_fraction": _median([b.positive_mean_fraction for b in self.blocks]),
               "median_invertible_fraction": _median([b.invertible_fraction for b in self.blocks]),
               "profile": {}}
        for r in self.profile:
            entry = out["profile"].setdefault(f"{r.probe}/{r.estimator}/{r.points}",
                                              {"used": [], "nulls": [], "excluded": 0})
            if r.undersampled or r.value is None:
                entry["excluded"] += 1
            else:
                entry["used"].append(r.value)
                entry["nulls"].append(r.null_value)
        for key, e in out["profile"].items():
            out["profile"][key] = {"used": len(e["used"]), "excluded": e["excluded"],
                                   "median_value": _median(e["used"]),
                                   "median_null": _median([v for v in e["nulls"] if v is not None])}
        return out


def _median(values) -> float | None:
    return float(np.median(values)) if len(values) else None
