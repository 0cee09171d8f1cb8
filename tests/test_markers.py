"""Every test module says what it needs, so a part of the suite is one flag away; `unit` means
"starts no process", read off the source of every unit module; the README's table of marks
says what pyproject.toml registers and the modules use."""
import ast
import re
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

TESTS = Path(__file__).parent
ROOT = TESTS.parent
KINDS = {"unit", "app", "browser", "integration"}   # pyproject.toml [tool.pytest.ini_options] markers
BUILTIN = {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings"}


def module_marks(path: Path) -> set[str]:
    """The marker names of the module's ``pytestmark`` (one mark or a list of them)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark"
                                                for t in node.targets):
            values = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            return {v.attr for v in values if isinstance(v, ast.Attribute)}
    return set()


def test_every_module_has_exactly_one_kind():
    modules = sorted(TESTS.glob("test_*.py"))
    wrong = {p.name: sorted(module_marks(p)) for p in modules if len(module_marks(p) & KINDS) != 1}
    assert not wrong, f"give each module `pytestmark = pytest.mark.<one of {sorted(KINDS)}>`: {wrong}"


def test_the_check_reads_lists_and_single_marks(tmp_path):
    one, two, none = tmp_path / "one.py", tmp_path / "two.py", tmp_path / "none.py"
    one.write_text("import pytest\npytestmark = pytest.mark.app\n")
    two.write_text("import pytest\npytestmark = [pytest.mark.unit, pytest.mark.slow]\n")
    none.write_text("import pytest\nmark = pytest.mark.unit\n")
    assert [module_marks(p) for p in (one, two, none)] == [{"app"}, {"unit", "slow"}, set()]


# -- unit: starts no process ----------------------------------------------------------------
# Calls that start a process, by their full name (after the module's imports are resolved):
# a module prefix, or the called name itself wherever it comes from.
PROCESS_MODULES = ("subprocess.", "multiprocessing.", "asyncio.create_subprocess_", "pty.spawn",
                   "os.system", "os.popen", "os.fork", "os.spawn", "os.posix_spawn", "os.exec",
                   # the app's Dask work: the embedded cluster starts on first use
                   "services.remote.", "services.cluster.client", "services.cluster.run",
                   "services.cluster.worker_pids")
PROCESS_NAMES = {"Popen", "LocalCluster", "Client", "ProcessPoolExecutor", "sync_playwright",
                 "start_streamlit", "running_app", "start_cluster", "running_cluster",
                 "from_file"}            # AppTest.from_file: an app run
# conftest's fixtures that start a server or a browser.
PROCESS_FIXTURES = {"app_url", "chromium"}


def _dotted(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def process_starts(path: Path) -> list[str]:
    """``line: call`` for each call in the module that starts a process (a subprocess, a Dask
    cluster or client, a server, a browser, an app run), and each test taking a fixture that
    does. Names count as imported (``from subprocess import run`` makes ``run`` a start)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    alias = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                alias[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                alias[a.asname or a.name] = f"{node.module}.{a.name}"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := _dotted(node.func)):
            head, _, rest = name.partition(".")
            full = alias.get(head, head) + (f".{rest}" if rest else "")
            if full.startswith(PROCESS_MODULES) or full.rsplit(".", 1)[-1] in PROCESS_NAMES:
                found.append(f"{node.lineno}: {full}()")
        elif isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
            for arg in node.args.args:
                if arg.arg in PROCESS_FIXTURES:
                    found.append(f"{node.lineno}: {node.name} takes the {arg.arg} fixture")
    return found


def test_unit_modules_start_no_process():
    unit = [p for p in sorted(TESTS.glob("test_*.py")) if "unit" in module_marks(p)]
    assert len(unit) > 20
    starts = {p.name: process_starts(p) for p in unit if process_starts(p)}
    assert not starts, ("a `unit` module starts a process: mark it `integration` (or move the "
                        f"test to an integration module): {starts}")


def test_app_modules_start_no_server_and_no_browser():
    """`app` runs pages with AppTest (child Pythons and the pages' embedded cluster allowed);
    a server or a browser makes a module `integration` or `browser`."""
    servers = ("start_streamlit", "running_app", "start_cluster", "running_cluster",
               "sync_playwright", "app_url", "chromium")
    app = [p for p in sorted(TESTS.glob("test_*.py")) if "app" in module_marks(p)]
    found = {p.name: [s for s in process_starts(p) if any(name in s for name in servers)]
             for p in app}
    assert app and not any(found.values()), found


def test_the_scan_sees_process_starts_however_imported(tmp_path):
    f = tmp_path / "test_x.py"
    f.write_text("import subprocess, sys\n"
                 "from subprocess import run as go\n"
                 "from distributed import LocalCluster\n"
                 "from services import remote\n"
                 "from streamlit.testing.v1 import AppTest\n"
                 "def test_a(app_url):\n"
                 "    subprocess.run([sys.executable, '-V'])\n"
                 "    go(['true'])\n"
                 "    LocalCluster(n_workers=1)\n"
                 "    remote.analyze('top5', None, None)\n"
                 "    AppTest.from_file('app/main.py')\n")
    assert process_starts(f) == [
        "6: test_a takes the app_url fixture", "7: subprocess.run()", "8: subprocess.run()",
        "9: distributed.LocalCluster()", "10: services.remote.analyze()",
        "11: streamlit.testing.v1.AppTest.from_file()"]
    # Named without being called (a pickle that would run Popen, refused): no start.
    f.write_text("import subprocess\nCALL = (subprocess.Popen, ['touch', 'x'])\n"
                 "def test_b(tmp_path):\n    assert tmp_path\n")
    assert process_starts(f) == []


# -- the README's table of marks --------------------------------------------------------------
def registered_marks() -> dict[str, str]:
    """{mark: description} as pyproject.toml registers them."""
    options = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    return dict(m.split(": ", 1) for m in options["markers"])


def readme_mark_table() -> dict[str, str]:
    """{mark expression: what the README says it runs}, from its `python -m pytest -q -m` rows."""
    rows = re.findall(r"^\| `python -m pytest -q -m (\"[^\"]+\"|\S+)` \| (.+) \|$",
                      (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    return {expr.strip('"'): text for expr, text in rows}


def used_marks() -> set[str]:
    used = set()
    for path in TESTS.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and _dotted(node.value) == "pytest.mark":
                used.add(node.attr)
    return used - BUILTIN


def test_the_readme_table_names_every_registered_mark_and_only_those():
    table = readme_mark_table()
    named = {word for expr in table for word in re.findall(r"\w+", expr)} - {"and", "or", "not"}
    assert named == set(registered_marks()), (named, set(registered_marks()))
    assert used_marks() == set(registered_marks()), "a mark registered but unused, or used but unregistered"


def test_unit_is_described_as_the_scan_checks_it():
    """The README and pyproject.toml say what test_unit_modules_start_no_process enforces."""
    assert "starts no process" in readme_mark_table()["unit"]
    assert registered_marks()["unit"].startswith("starts no process")
