import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
# the match-index cache of the test run lives in a folder of its own, never in the user's cache
os.environ.setdefault("NUTRI_CACHE_DIR", tempfile.mkdtemp(prefix="nutri-test-cache-"))
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def table():
    from nutri.foods import load_foods

    return load_foods()


@pytest.fixture(scope="session")
def matcher(table):
    from nutri.match import Matcher

    return Matcher(table)


@pytest.fixture
def run():
    from nutri.cli import cli

    def invoke(*args, input=None):
        return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def write(path: Path, text: str, encoding="utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


IN_CI = bool(os.environ.get("NUTRI_CI"))


# A plain day of eating (about 1,900 kcal), as "Food,Amount,Unit" cells: tests add it to a date so
# that the day reads as complete (a few entries alone are far below any plausible day's energy).
REALISTIC_DAY = [
    "oatmeal cooked,1,cup",
    "banana,1,medium",
    "milk 2%,1,cup",
    "chicken breast roasted,150,g",
    "brown rice cooked,1,cup",
    "broccoli cooked,1,cup",
    "olive oil,1,tbsp",
    "whole wheat bread,2,slice",
    "peanut butter,2,tbsp",
    "apple,1,medium",
    "greek yogurt plain,170,g",
    "cheddar cheese,30,g",
]
