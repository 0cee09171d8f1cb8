"""The URL settings (``app.urlstate.Param``) a page script defines, read without running it.

A page under ``app/views/`` is a Streamlit script: importing it would draw the page. The
start-up warm-up (``app/warmup.py``, the defaults it fills caches for) and the load test
(``bench/load.py --explore``, the ranges its students draw from) need the page's settings
only, so this runs the script's import statements and evaluates its top-level
``NAME = Param(...)`` assignments, nothing else. The definitions are the page's own: a range
changed there is the range used here.
"""
from __future__ import annotations

import ast
from pathlib import Path

from app.urlstate import Param

VIEWS = Path(__file__).resolve().parent / "views"


def _page_path(page: str | Path) -> Path:
    path = Path(page)
    return path if path.is_absolute() or path.exists() else VIEWS / path


def page_params(page: str | Path) -> dict[str, Param]:
    """{URL name: Param} of every top-level ``X = Param(...)`` in the page script ``page``
    (a path, or a file name under ``app/views/`` such as "block.py"), in file order."""
    path = _page_path(page)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    namespace: dict = {"__name__": f"page_params:{path.stem}"}
    exec(compile(ast.Module(body=imports, type_ignores=[]), str(path), "exec"), namespace)
    found: dict[str, Param] = {}
    for node in tree.body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "Param"):
            p = eval(compile(ast.Expression(node.value), str(path), "eval"), namespace)
            found[p.name] = p
    if not found:
        raise ValueError(f"{path} defines no Param at its top level")
    return found


def page_constant(page: str | Path, name: str):
    """The value of the top-level ``NAME = <literal>`` in the page script ``page``."""
    path = _page_path(page)
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name):
            return ast.literal_eval(node.value)
    raise ValueError(f"{path} has no top-level constant {name!r}")
