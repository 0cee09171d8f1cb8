"""The paper's argument measured on a set of images, with uncertainty (``python -m model.evidence``).

- ``measure``: ``evidence(model, images)`` and ``evidence_many``, and the steps the Dask tasks
  run apart (``sample_images``, ``assemble``);
- ``passes`` and ``pass_two``: a block's statistics in two passes over the set's parts, in
  fixed memory (``PassOne``, ``fit``; ``spread``, ``PassTwo``); ``block``: their records;
- ``probes``: the forward hooks of one pass (``EvidenceProbes``, ``probe_shapes``);
- ``sample``: what a pass over a part collects (``Sample``; no torch: the app's server
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
    "measure": ["ESTIMATORS", "as_input", "assemble", "evidence",
                "evidence_many", "sample_images"],
    "records": ["BlockEvidence", "Evidence", "EvidenceMeta", "MIN_TWONN_POINTS", "ProfileRecord"],
    "sample": ["PROBES", "Sample"],
    "image_sets": ["ImageSet"],
}
__getattr__, __all__ = lazy_names(__name__, _HOMES)
