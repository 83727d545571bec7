"""The README's Python snippet runs and prints what it says; every command documents itself."""

import contextlib
import io
import re

from conftest import ROOT


def test_readme_python_snippet_runs(monkeypatch):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    expected = re.search(r"^print\(.*\)\s+# (.+)$", snippet, re.M).group(1)
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(snippet, "README.md", "exec"), {})
    assert out.getvalue().strip() == expected


def test_core_never_imports_click():
    for path in (ROOT / "nutri").rglob("*.py"):
        if path.name != "cli.py":
            assert "import click" not in path.read_text(encoding="utf-8"), path
