"""House rules that keep the code readable: short functions in the package (complexity is ruff's C901)."""

import ast

from conftest import ROOT

MAX_FUNCTION_LINES = 60
# Functions allowed to be longer, each with the reason (README, "Development").
LONG_FUNCTION_EXCEPTIONS: dict[str, str] = {
    "nutri/report/text.py:_period_lines": "one period's text layout; being replaced by the typed report model's renderer",
}


def _long_functions():
    for path in sorted((ROOT / "nutri").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    yield f"{path.relative_to(ROOT)}:{node.name}", lines


def test_no_function_in_the_package_is_over_60_lines():
    found = {name: lines for name, lines in _long_functions() if name not in LONG_FUNCTION_EXCEPTIONS}
    assert not found, f"split these along their seams (or list them with a reason): {found}"
