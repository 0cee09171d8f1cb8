"""The paper's argument measured on a set of images, with uncertainty (``python -m model.evidence``).

- ``measure``: ``evidence(model, images)`` and ``evidence_many``, and the steps the Dask tasks
  run apart (``sample_images``, ``block_statistics``, ``assemble``);
- ``probes``: the forward hooks of one pass (``EvidenceProbes``, ``probe_shapes``);
- ``sample``: what a pass collects (``Sample``, ``merge_samples``; no torch: the app's server
  unpickles it);
- ``records``: what the measurement returns (``Evidence``, ``BlockEvidence``, ``ProfileRecord``;
  a leaf: no project import);
- ``stats`` and ``bootstrap``: the recoveries, Lemma 2's rank, and the intervals over images;
- ``image_sets``: generated sets, files, folders and .zip archives to measure on;
- ``__main__``: the command line.

The public names below are imported on first use (PEP 562), as in ``model``: importing this
package (as unpickling a ``Sample`` or a record does) imports no torch.
"""
from model._lazy import lazy_names

_HOMES = {
    "measure": ["ESTIMATORS", "as_input", "assemble", "block_statistics", "evidence",
                "evidence_many", "sample_images"],
    "records": ["BlockEvidence", "Evidence", "EvidenceMeta", "MIN_TWONN_POINTS", "ProfileRecord"],
    "sample": ["PROBES", "Sample", "merge_samples"],
    "image_sets": ["ImageSet"],
}
__getattr__, __all__ = lazy_names(__name__, _HOMES)
