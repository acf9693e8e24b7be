"""Small named pieces: no module over 400 lines and no function over 60, data tables aside.

A module or function that grows past the limit is split by what its parts do; only the
data tables below, which are long because they list things, may be longer.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Where no project code lives: the virtualenv, run-time data, collected static files.
NOT_PROJECT = {".venv", "var", "staticfiles", "node_modules", "out", "__pycache__"}
# Data tables, each with what it lists.
DATA_MODULES = {
    "lab/scenarios.py": "the lab's scenario catalogue: every scenario with its expected verdicts",
}


def project_modules() -> list[Path]:
    modules = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if any(part in NOT_PROJECT or part.startswith(".") for part in parts[:-1]):
            continue
        modules.append(path)
    return modules


def oversized(paths: list[Path], root: Path = ROOT) -> tuple[list[str], list[str]]:
    """(modules over MAX_MODULE_LINES, functions over MAX_FUNCTION_LINES), as readable lines."""
    long_modules, long_functions = [], []
    for path in paths:
        name = path.relative_to(root).as_posix()
        if name in DATA_MODULES:
            continue
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            long_modules.append(f"{name}: {lines} lines")
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    return long_modules, long_functions


def test_the_project_is_found_and_the_data_tables_exist():
    names = {path.relative_to(ROOT).as_posix() for path in project_modules()}
    assert "measurement/scan/door.py" in names
    assert not any(name.startswith(".venv/") for name in names)
    assert set(DATA_MODULES) <= names


def test_no_module_is_over_400_lines_outside_the_data_tables():
    long_modules, _functions = oversized(project_modules())
    assert long_modules == [], "split these by responsibility:\n" + "\n".join(long_modules)


def test_no_function_is_over_60_lines_outside_the_data_tables():
    _modules, long_functions = oversized(project_modules())
    assert long_functions == [], "split these into named steps:\n" + "\n".join(long_functions)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x = 1\n" * 401, (1, 0)),
        ("def f():\n" + "    x = 1\n" * 60, (0, 1)),
        ("async def f():\n" + "    x = 1\n" * 59, (0, 0)),
    ],
)
def test_the_check_counts_module_and_function_lines(tmp_path, source, expected):
    path = tmp_path / "sample.py"
    path.write_text(source)
    long_modules, long_functions = oversized([path], root=tmp_path)
    assert (len(long_modules), len(long_functions)) == expected
