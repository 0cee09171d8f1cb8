"""Where a bottleneck block's probe points are seen, and hooks that read them in one thread.

The one place that maps a probe name to the module whose input or output carries it; the
dimension profile (``model.probes``), the data-set evidence (``model.evidence.probes``) and
the live page's channels (``services.live``) all tap blocks through here.

- ``input``: the block's input (a pre-hook on the block);
- ``expansion``: the 1x1 expansion after ReLU6 (absent when t = 1, the first block);
- ``depthwise``: the 3x3 depthwise convolution after ReLU6;
- ``projection``: the linear 1x1 projection after its BatchNorm, before the residual add;
- ``output``: the block's output (after the residual add when there is one).

The app shares one model between sessions, each running in its own thread: a hook sees every
thread's forward, so these hooks keep only the forwards of the thread that set them.
No torch import here: the hooks only pass tensors on.
"""
from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import torch
    from torch import nn

    from .mobilenetv2 import InvertedResidual

TAP_POINTS = ("input", "expansion", "depthwise", "projection", "output")


def tap_points(block: "InvertedResidual") -> dict[str, tuple["nn.Module", bool]]:
    """probe -> (module, is_pre_hook): where each of the block's probe points is seen, in
    ``TAP_POINTS`` order ("expansion" only when the block has one, t != 1)."""
    out = {"input": (block, True)}
    if block.expand_ratio != 1:
        out["expansion"] = (block.conv[0], False)
    out["depthwise"] = (block.conv[1] if block.expand_ratio != 1 else block.conv[0], False)
    out["projection"] = (block.conv[-1], False)
    out["output"] = (block, False)
    return out


def only_in_thread(hook: Callable, thread: int | None = None) -> Callable:
    """``hook``, run only for forwards in ``thread`` (default: the calling thread)."""
    thread = threading.get_ident() if thread is None else thread

    def only_this_thread(*args):
        if threading.get_ident() == thread:
            return hook(*args)
    return only_this_thread


def tap(module: "nn.Module", take: Callable, *, pre: bool = False, thread: int | None = None):
    """Hook ``module`` so that ``take(tensor)`` sees its input (``pre``) or its output on each
    forward in ``thread`` (default: the calling thread). Returns the hook's handle."""
    # The hooks return None: they read the tensor and never replace it.
    if pre:
        def read_input(m, args):
            take(args[0])
        return module.register_forward_pre_hook(only_in_thread(read_input, thread))

    def read_output(m, args, out):
        take(out)
    return module.register_forward_hook(only_in_thread(read_output, thread))


def tap_block(block: "InvertedResidual", take: Callable, probes=TAP_POINTS, *,
              thread: int | None = None) -> list:
    """``take(probe, tensor)`` at each of ``probes`` the block has, on each forward in
    ``thread`` (default: the calling thread). Returns the handles (``remove()`` each)."""
    return [tap(module, lambda x, probe=probe: take(probe, x), pre=pre, thread=thread)
            for probe, (module, pre) in tap_points(block).items() if probe in probes]


def block_tensors(model: "nn.Module", x: "torch.Tensor", block: "InvertedResidual",
                  probes=TAP_POINTS) -> dict[str, "torch.Tensor"]:
    """One forward of ``x`` through ``model`` (inference mode): {probe: tensor} of ``block``
    (one of the model's bottleneck blocks) at each of ``probes`` it has."""
    import torch
    seen: dict = {}
    handles = tap_block(block, lambda probe, t: seen.setdefault(probe, t), probes)
    try:
        with torch.inference_mode():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return seen


@contextlib.contextmanager
def in_eval_mode(model: "nn.Module"):
    """``model`` in eval mode while the block runs, each module then put back as it was.

    ``model.eval()`` and ``model.train(mode)`` set the flag of every module anew, through
    ``nn.Module.__setattr__``, at every analysis; here one walk finds the modules to switch,
    none in a network the app keeps (bench/RESULTS.md, "A page's result sent as one
    pickle"). Safe for a model shared between threads that all ask for eval."""
    training = [m for m in model.modules() if m.training]
    for m in training:
        m.training = False
    try:
        yield model
    finally:
        for m in training:
            m.training = True
