"""Every test module says what it needs, so `python -m pytest -m unit` is the quick run."""
import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

KINDS = {"unit", "app", "browser", "integration"}   # pyproject.toml [tool.pytest.ini_options] markers


def module_marks(path: Path) -> set[str]:
    """The marker names of the module's ``pytestmark`` (one mark or a list of them)."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "pytestmark"
                                                for t in node.targets):
            values = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            return {v.attr for v in values if isinstance(v, ast.Attribute)}
    return set()


def test_every_module_has_exactly_one_kind():
    modules = sorted(Path(__file__).parent.glob("test_*.py"))
    wrong = {p.name: sorted(module_marks(p)) for p in modules if len(module_marks(p) & KINDS) != 1}
    assert not wrong, f"give each module `pytestmark = pytest.mark.<one of {sorted(KINDS)}>`: {wrong}"


def test_the_check_reads_lists_and_single_marks(tmp_path):
    one, two, none = tmp_path / "one.py", tmp_path / "two.py", tmp_path / "none.py"
    one.write_text("import pytest\npytestmark = pytest.mark.app\n")
    two.write_text("import pytest\npytestmark = [pytest.mark.unit, pytest.mark.slow]\n")
    none.write_text("import pytest\nmark = pytest.mark.unit\n")
    assert [module_marks(p) for p in (one, two, none)] == [{"app"}, {"unit", "slow"}, set()]
