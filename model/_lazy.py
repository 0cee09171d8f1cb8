"""Names a package imports on first use (PEP 562): ``model``, ``model.costs`` and
``model.evidence`` describe networks without importing torch (the app's server unpickles
their records), and load the modules that need it only when a name from them is asked for."""
import importlib


def lazy_names(package: str, homes: dict[str, list[str]]):
    """``(__getattr__, __all__)`` for ``package`` whose names live in the modules ``homes``
    maps to them ({module relative to the package: [names]})."""
    home_of = {name: module for module, names in homes.items() for name in names}

    def __getattr__(name):
        if name not in home_of:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{home_of[name]}", package), name)
        setattr(importlib.import_module(package), name, value)
        return value
    return __getattr__, sorted(home_of)
