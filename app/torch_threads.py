"""torch's CPU threads for the pages that run the network (live, block; imported only there,
so the home and ReLU pages never load torch).

One intra-op thread: on the 2-core machines this app is served from, a 2-thread torch op
stalls whenever another process (another student's session, a test run) holds one core,
because its threads wait for each other at every barrier. Measured with
``python bench/live_page.py --threads 2`` vs ``--threads 1`` (bench/RESULTS.md): one thread
gave the same best times (analysis of a 224 x 224 image 0.05-0.10 s) without the multi-second
stalls. Concurrent sessions still use both cores, one each.
"""
import torch

from figures.live_data import TORCH_THREADS


def use_app_threads() -> None:
    if torch.get_num_threads() != TORCH_THREADS:
        torch.set_num_threads(TORCH_THREADS)
