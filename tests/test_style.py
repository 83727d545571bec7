"""House rules that keep the code readable: short functions in the package (complexity is ruff's C901)."""

import ast

from conftest import ROOT

MAX_FUNCTION_LINES = 60
# Functions allowed to be longer, each with the reason (README, "Development").
LONG_FUNCTION_EXCEPTIONS: dict[str, str] = {
    # most grew past 60 lines when `ruff format` put each key of their dict literals on its own line
    "nutri/cli.py:report_command": "option checks, then the pipeline calls; the options are the length",
    "nutri/diary.py:_entry_columns": "one column per role of the entries frame; split further it would pass a dozen arrays",
    "nutri/match.py:build_word_index": "one pass over the descriptions fills every word structure at once (speed)",
    "nutri/match.py:_match": "the matcher's decision: aliases, ranking, then each review reason in turn",
    "nutri/match.py:_ranked_foods": "the ranking's priors, one adjustment each, on whole arrays",
    "nutri/quantity.py:_parse_plain": "one branch per amount form people write",
    "nutri/report/build.py:build_report": "the report dict's keys (the JSON contract), which the typed report model is read from",
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


def test_the_command_line_runs_the_stages_only_through_the_pipeline():
    """cli.py parses options and maps errors; reading, matching, reporting and rendering are
    nutri.pipeline's calls (issue 14), so the README's Python use and the CLI cannot drift apart."""
    source = (ROOT / "nutri" / "cli.py").read_text(encoding="utf-8")
    for stage_call in ("build_report(", "analyse(", "Matcher(", "_tables_and_matcher", "load_foods(", "daily_totals("):
        assert stage_call not in source, stage_call
    for call in ("read_diaries(", "match_entries(", "weekly_report(", "render("):
        assert call in source, call
