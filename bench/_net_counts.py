"""Counting networks for bench/load.py, in the app's server and in its worker process.

``install()`` wraps ``model.weights.load_weights`` (the app imports it at call time, so the
wrapper is what the pages call) and ``MobileNetV2.__init__`` when the process first imports
those modules (an import hook: torch is imported when the app imports it). ``counts()`` says
{"loads": {source: weight loads}, "alive": {source: MobileNetV2 objects still in memory whose
weights came from that source}} (a weak set: a network the app dropped is not counted).
"""
import importlib.abc
import sys
import time
import weakref
from collections import Counter

loads: Counter = Counter()
networks: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # model -> source


def _source_name(source) -> str:
    return source if isinstance(source, str) and not source.endswith((".pt", ".pth")) else "file"


def _patch_weights(module) -> None:
    original = module.load_weights

    def counting_load_weights(model, source, *args, **kwargs):
        loads[_source_name(source)] += 1
        networks[model] = _source_name(source)
        return original(model, source, *args, **kwargs)

    module.load_weights = counting_load_weights


def _patch_mobilenetv2(module) -> None:
    original = module.MobileNetV2.__init__

    def counting_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        networks[self] = "no weights loaded"      # until load_weights names its source

    module.MobileNetV2.__init__ = counting_init


PATCHES = {"model.weights": _patch_weights, "model.mobilenetv2": _patch_mobilenetv2}


class _PatchOnImport(importlib.abc.MetaPathFinder):
    """Finds nothing itself: for the modules in PATCHES, wraps the real loader so that the
    module is patched right after it has run."""

    def find_spec(self, name, path, target=None):
        if name not in PATCHES:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                run = spec.loader.exec_module

                def exec_module(module, run=run, patch=PATCHES[name]):
                    run(module)
                    patch(module)

                spec.loader.exec_module = exec_module
                return spec
        return None




def install() -> None:
    sys.meta_path.insert(0, _PatchOnImport())


def counts() -> dict:
    for _ in range(5):     # the app's threads may add a network while this counts
        try:
            alive = Counter(list(networks.values()))
            break
        except RuntimeError:
            time.sleep(0.01)
    else:
        alive = {}
    return dict(loads=dict(loads), alive=dict(alive))
