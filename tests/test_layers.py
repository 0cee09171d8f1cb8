"""The import rules of the layers (README, "How the code is laid out"), read off the source.

Each layer may import the layers ALLOWED names (any of them, not only the next one down);
i18n/ and runtime.py are leaves; figures/ only draws (i18n for its texts). The README's
drawing has the same arrows. An import from a lower layer into a higher one, or of
streamlit outside app/, fails here with the file and line, so the rule holds as the code grows.
Imports inside functions count too: they are how a lower layer would sneak a dependency in.
"""
import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"app", "figures", "services", "model", "manifolds", "i18n", "runtime"}
# What each layer may import from the project (itself always).
ALLOWED = {
    "app": PROJECT,
    # figures/ draws: numbers in, figures out. What computes them is in services/ (the ReLU
    # page's: services/relu.py), called by app/figure_sources/.
    "figures": {"i18n"},
    "services": {"model", "manifolds", "runtime", "i18n"},
    # i18n: a refusal is raised as a translation key and its values (i18n.messages).
    "model": {"manifolds", "runtime", "i18n"},
    "manifolds": set(),
    "i18n": set(),
    "runtime": set(),
}
UI_ONLY = {"streamlit"}
# Command lines are user interfaces: they may send their work to the cluster (services/).
ENTRY_POINTS = {"model/evidence/__main__.py": {"services"}, "model/dimension_profile.py": {"services"}}


def _layer_files(root: Path = ROOT):
    for layer in ALLOWED:
        path = root / f"{layer}.py"
        files = [path] if path.exists() else sorted((root / layer).rglob("*.py"))
        for f in files:
            yield layer, f


def _imports(path: Path):
    """(line, top-level package) of every absolute import in the file."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def test_every_layer_has_files():
    layers = {layer for layer, _ in _layer_files()}
    assert layers == set(ALLOWED)


def upward_imports(root: Path = ROOT) -> list[str]:
    """``file:line (layer) imports package`` for every import against the layer order in the
    tree at ``root`` (the repository, or a test's own tree)."""
    bad = []
    for layer, path in _layer_files(root):
        name = path.relative_to(root).as_posix()
        for line, package in _imports(path):
            entry = ENTRY_POINTS.get(name, set())
            if (package in PROJECT and package != layer and package not in ALLOWED[layer]
                    and package not in entry):
                bad.append(f"{name}:{line} ({layer}) imports {package}")
            if package in UI_ONLY and layer != "app":
                bad.append(f"{name}:{line} ({layer}) imports {package}")
    return bad


def test_imports_run_one_way():
    bad = upward_imports()
    assert not bad, "imports against the layer order:\n" + "\n".join(bad)


def readme_arrows(text: str) -> dict[str, set[str]]:
    """{layer: the layers it points to} in the README's drawing under "How the code is laid
    out" (its first mermaid block there: ``a --> b`` lines)."""
    section = text[text.index("## How the code is laid out"):]
    block = section[section.index("```mermaid"):].split("```")[1]
    arrows: dict[str, set[str]] = {}
    for a, b in re.findall(r"^\s*(\w+)\s*-\.?->\s*(\w+)\s*$", block, re.M):
        arrows.setdefault(a, set()).add(b)
    return arrows


def test_the_readme_draws_what_is_enforced():
    drawn = readme_arrows((ROOT / "README.md").read_text(encoding="utf-8"))
    enforced = {layer: set(allowed) - {layer} for layer, allowed in ALLOWED.items() if allowed - {layer}}
    assert drawn == enforced


def test_the_drawing_is_read_arrow_by_arrow():
    text = ("## How the code is laid out\n```mermaid\nflowchart TB\n  app[\"app/<br/>x\"]\n"
            "  app --> figures\n  app -.-> i18n\n  figures --> i18n\n```\n"
            "```mermaid\n  model --> app\n```\n")
    assert readme_arrows(text) == {"app": {"figures", "i18n"}, "figures": {"i18n"}}


def test_thread_counts_are_set_in_one_place():
    """runtime.configure() owns the process's thread counts (runtime.py says why)."""
    calls = []
    for layer, path in _layer_files():
        if path.name == "runtime.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"set_num_threads", "set_num_interop_threads",
                                           "threadpool_limits", "limit"}
                    and not (node.func.attr == "limit" and "thread" not in ast.unparse(node))):
                calls.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert not calls, "thread counts set outside runtime.py:\n" + "\n".join(calls)


def test_the_rule_catches_a_violation(tmp_path):
    """The checker itself, run over a tree of its own: one file per layer, importing only
    what it may, and then a model file importing figures/ inside a function, a figures file
    importing streamlit, and a relative import (which stays inside its package)."""
    for layer in ALLOWED:
        ok = "".join(f"import {p}\n" for p in sorted(ALLOWED[layer] - {layer})) or "import os\n"
        if layer == "runtime":
            (tmp_path / "runtime.py").write_text(ok)
        else:
            (tmp_path / layer).mkdir()
            (tmp_path / layer / "ok.py").write_text(ok)
    assert upward_imports(tmp_path) == []
    (tmp_path / "model" / "bad.py").write_text(
        "from . import ok\n\ndef f():\n    from figures.catalog import FigureSpec\n")
    (tmp_path / "figures" / "ui.py").write_text("import streamlit as st\n")
    assert upward_imports(tmp_path) == ["figures/ui.py:1 (figures) imports streamlit",
                                        "model/bad.py:4 (model) imports figures"]


def test_background_priority_lowers_only_the_calling_thread():
    import os
    import threading

    import pytest

    import runtime
    if not hasattr(os, "getpriority"):
        pytest.skip("no per-thread priority here")
    with pytest.raises(ValueError):
        runtime.background_priority(20)
    here = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = []

    def worker():
        ok = runtime.background_priority(5)
        seen.append((ok, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert seen == [(True, min(19, here + 5))]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == here


def _module_graph(root: Path, package: str) -> dict[str, set[str]]:
    """{module: the modules of ``package`` it imports}, for every file under root/package:
    absolute and relative imports, inside functions too (as ``_imports``). ``from P import n``
    counts as importing P.n when that is a module, else P; a package is its __init__."""
    files = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        is_init = parts[-1] == "__init__"
        files[".".join(parts[:-1] if is_init else parts)] = (path, is_init)
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, (path, is_init) in files.items():
        here = name.split(".") if is_init else name.split(".")[:-1]   # the module's package
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = ".".join(here[:len(here) - node.level + 1])
                    source = f"{base}.{node.module}" if node.module else base
                else:
                    source = node.module or ""
                targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in files
                           else source for alias in node.names]
            else:
                continue
            graph[name] |= {t for t in targets if t in files and t != name}
    return graph


def _import_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of imports in ``graph`` ([a, b, ..., a]), or None: depth-first search."""
    state: dict[str, str] = {}          # "open" while on the path, "done" after
    path: list[str] = []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


@pytest.mark.parametrize("package", ["app", "model"])
def test_no_import_circles_inside(package):
    """The modules of app/ and of model/ import one another one way only (app.language <-
    app.notices <- app.ui; model's records in leaf modules): a circle broken only by an
    import inside a function is still a circle."""
    circle = _import_circle(_module_graph(ROOT, package))
    assert circle is None, f"import circle inside {package}/: " + " -> ".join(circle)


def test_the_circle_check_catches_a_circle(tmp_path):
    """The checker itself: a circle through an import inside a function and a relative
    import from a sub-package is found; the same modules importing one way are not."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("import os\nfrom .sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from ..c import g\n")
    (pkg / "c.py").write_text("from pkg import a\n")
    graph = _module_graph(tmp_path, "pkg")
    assert graph["pkg.a"] == {"pkg.sub.b"} and graph["pkg.sub.b"] == {"pkg.c"}
    assert _import_circle(graph) == ["pkg.a", "pkg.sub.b", "pkg.c", "pkg.a"]
    (pkg / "c.py").write_text("import json\n")
    assert _import_circle(_module_graph(tmp_path, "pkg")) is None


# Issue 27's rules: no exec/eval of project code, figures that only draw, no circles in app/.

CODE = ("app", "figures", "services", "model", "manifolds", "i18n", "runtime.py", "devtools",
        "bench")


def _code_files(root: Path = ROOT):
    for name in CODE:
        path = root / name
        yield from [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def _exec_calls(path: Path):
    """(line, code) of every call of the builtins exec or eval in the file (a method called
    ``eval``, such as a torch module's, is not one)."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            f = node.func
            if ((isinstance(f, ast.Name) and f.id in {"exec", "eval"})
                    or (isinstance(f, ast.Attribute) and f.attr in {"exec", "eval"}
                        and isinstance(f.value, ast.Name) and f.value.id == "builtins")):
                yield node.lineno, ast.unparse(node)[:80]


def test_no_exec_or_eval_of_project_code():
    """A page's settings are importable (app/settings/): nothing runs code read from a file."""
    found = [f"{path.relative_to(ROOT)}:{line}: {code}" for path in _code_files()
             for line, code in _exec_calls(path)]
    assert not found, "exec/eval calls:\n" + "\n".join(found)


def test_the_exec_rule_catches_a_violation(tmp_path):
    f = tmp_path / "bad.py"
    f.write_text("import builtins\nnet.eval()\ndef f(src):\n    exec(compile(src, 'x', 'exec'))\n"
                 "    return eval('1') + builtins.eval('2')\n")
    assert [line for line, _ in _exec_calls(f)] == [4, 5, 5]


def _figures_importing_services(root: Path = ROOT):
    return [f"{path.relative_to(root)}:{line}" for path in sorted((root / "figures").rglob("*.py"))
            for line, package in _imports(path) if package == "services"]


def test_figures_import_no_services():
    """figures/ takes numbers and returns figures; the figure sources that call services/
    (the cluster, the job queues) are in app/figure_sources/."""
    bad = _figures_importing_services()
    assert not bad, "figures/ importing services/:\n" + "\n".join(bad)


def test_the_figures_rule_catches_a_violation(tmp_path):
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "x_specs.py").write_text(
        "import numpy\n\ndef figure_specs():\n    from services.remote import compute\n")
    assert _figures_importing_services(tmp_path) == ["figures/x_specs.py:4"]
