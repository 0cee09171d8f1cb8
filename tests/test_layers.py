"""The import rules of the layers (README, "How the code is laid out"), read off the source.

UI (app/) -> figures/ -> services/ -> model/ -> manifolds/; i18n/ and runtime.py are leaves
that any layer above them may use. An import from a lower layer into a higher one, or of
streamlit outside app/, fails here with the file and line, so the rule holds as the code grows.
Imports inside functions count too: they are how a lower layer would sneak a dependency in.
"""
import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
PROJECT = {"app", "figures", "services", "model", "manifolds", "i18n", "runtime"}
# What each layer may import from the project (itself always).
ALLOWED = {
    "app": PROJECT,
    # figures/ draws: numbers in, figures out. What computes them is in app/figure_sources/.
    "figures": {"manifolds", "i18n"},
    "services": {"model", "manifolds", "runtime", "i18n"},
    # i18n: a refusal is raised as a translation key and its values (i18n.messages).
    "model": {"manifolds", "runtime", "i18n"},
    "manifolds": set(),
    "i18n": set(),
    "runtime": set(),
}
UI_ONLY = {"streamlit"}
# Command lines are user interfaces: they may send their work to the cluster (services/).
ENTRY_POINTS = {"model/evidence_cli.py": {"services"}, "model/dimension_profile.py": {"services"}}


def _layer_files():
    for layer in ALLOWED:
        path = ROOT / f"{layer}.py"
        files = [path] if path.exists() else sorted((ROOT / layer).rglob("*.py"))
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


def test_imports_run_one_way():
    bad = []
    for layer, path in _layer_files():
        for line, package in _imports(path):
            entry = ENTRY_POINTS.get(path.relative_to(ROOT).as_posix(), set())
            if (package in PROJECT and package != layer and package not in ALLOWED[layer]
                    and package not in entry):
                bad.append(f"{path.relative_to(ROOT)}:{line} ({layer}) imports {package}")
            if package in UI_ONLY and layer != "app":
                bad.append(f"{path.relative_to(ROOT)}:{line} ({layer}) imports {package}")
    assert not bad, "imports against the layer order:\n" + "\n".join(bad)


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
    """The checker itself: an upward import in a model file is reported."""
    f = tmp_path / "bad.py"
    f.write_text("def f():\n    from figures.catalog import FigureSpec\n")
    assert list(_imports(f)) == [(2, "figures")]
    assert "figures" not in ALLOWED["model"]


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


_LARGE_BLOCK = """
import ctypes, sys
sys.path.insert(0, {root!r})
import runtime
runtime.configure(serving={serving}, worker={worker})
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Info
libc.malloc.restype = ctypes.c_void_p
for size in (1 << 20, 4 << 20):
    libc.free(ctypes.c_void_p(libc.malloc(size)))   # glibc's default raises its threshold here
    before = libc.mallinfo2().hblkhd
    block = libc.malloc(size)
    print(libc.mallinfo2().hblkhd - before >= size)
"""


def test_the_server_gives_large_freed_blocks_back():
    """configure(serving=True): 1 MB and 4 MB blocks get pages of their own (returned when
    freed) also after one was freed; the worker process (worker=True) only the 4 MB one;
    glibc's default (the command lines) then keeps both in the heap."""
    import subprocess
    import sys
    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's malloc only")
    import os
    seen = {}
    # Dask's nanny puts MALLOC_TRIM_THRESHOLD_ in this process's environment when it starts a
    # worker (its pre-spawn-environ): that alone fixes glibc's threshold. Plain glibc here.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    for role in ("serving", "worker", "plain"):
        code = _LARGE_BLOCK.format(root=str(ROOT), serving=role == "serving",
                                   worker=role == "worker")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60, check=True, env=env).stdout.split()
        seen[role] = out[-2:]
    assert seen == {"serving": ["True", "True"], "worker": ["False", "True"],
                    "plain": ["False", "False"]}


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


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_graph(package: str, root: Path = ROOT) -> dict[str, set[str]]:
    """{module: the modules of ``package`` it imports}, imports inside functions included.
    ``from app.x import y`` is an edge to ``app.x.y`` when that is a module, else to ``app.x``."""
    files = sorted((root / package).rglob("*.py"))
    modules = {_module_name(f, root): f for f in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[:len(here.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            else:
                continue
            edges.update(t for t in targets if t in modules and t != name)
    return graph


def _a_circle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle of ``graph`` as [a, b, ..., a], or [] (depth-first search)."""
    state: dict[str, int] = {}            # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def test_no_import_circles_inside_app():
    """The app's helpers import one way (app.language <- app.notices <- app.ui, issue 27): a
    circle broken only by an import inside a function is still a circle."""
    circle = _a_circle(_package_graph("app"))
    assert not circle, "import circle in app/: " + " -> ".join(circle)


def test_the_circle_rule_catches_a_violation(tmp_path):
    (tmp_path / "app" / "sub").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "a.py").write_text("from app.sub import b\n")
    (tmp_path / "app" / "sub" / "__init__.py").write_text("")
    (tmp_path / "app" / "sub" / "b.py").write_text("from . import c\n")
    (tmp_path / "app" / "sub" / "c.py").write_text("def f():\n    from app import a\n")
    graph = _package_graph("app", tmp_path)
    assert graph["app.a"] == {"app.sub.b"} and graph["app.sub.b"] == {"app.sub.c"}
    assert _a_circle(graph) == ["app.a", "app.sub.b", "app.sub.c", "app.a"]
    assert _a_circle({"x": {"y"}, "y": set()}) == []
