"""Fuzz the quantity parser and the diary reader for minutes (outside CI).

    python benchmarks/fuzz.py --minutes 3

Each target must either succeed with its invariants or raise a NutriError (a one-line message
for the user); anything else is a finding. Findings become regression tests in tests/.
"""

import argparse
import csv
import io
import sys
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nutri.diary import read_diary  # noqa: E402
from nutri.errors import NutriError  # noqa: E402
from nutri.foods import load_foods  # noqa: E402
from nutri.intake import analyse  # noqa: E402
from nutri.match import Matcher  # noqa: E402
from nutri.quantity import parse_amount_cell, parse_quantity  # noqa: E402

WORDS = ["1", "½", "1/2", "1 1/2", "2-3", "0,5", "cup", "cups", "Tbsp", "g", "oz", "fl oz", "kg", "IU", "mg", "mcg", "a", "half", "of",
         "spinach", "banana", "eggs", "milk", "2%", "x", "-", "..", "(", ")", ",", "large", "slice", "Vitamin D3", "magnesium", "1000"]
text = st.one_of(st.text(max_size=40), st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join))
cell = st.one_of(text, st.sampled_from(["", "n/a", "#N/A", "2026-02-30", "11/20/2026", "45000", "2026-11-16", "=1+1", "\x00", "\t"]))
table = load_foods()
matcher = Matcher(table)
findings: list[str] = []
examples = {"quantity": 0, "reader": 0}


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(value=text, unit=text)
def fuzz_quantities(value, unit):
    examples["quantity"] += 1
    try:
        parse_quantity(value)
        parse_amount_cell(value, unit)
    except Exception:
        findings.append(f"quantity {value!r} {unit!r}: {traceback.format_exc(limit=2)}")
        raise


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=7), max_size=12), header=st.booleans(), raw=st.binary(max_size=200), use_raw=st.booleans())
def fuzz_reader(rows, header, raw, use_raw):
    examples["reader"] += 1
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.csv"
        if use_raw:
            path.write_bytes(raw)
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            if header:
                writer.writerow(["Date", "Food", "Amount", "Unit"])
            writer.writerows(rows)
            path.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            diary = read_diary(path)
        except NutriError:
            return
        except Exception:
            findings.append(f"reader {path.read_bytes()[:200]!r}: {traceback.format_exc(limit=3)}")
            raise
        result = analyse(diary, table, matcher)
        assert len(result) == len(diary.entries)


def run_for(target, seconds: float) -> int:
    runs = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            target()
        except Exception:
            pass
        runs += 1
    return runs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=3)
    args = parser.parse_args()
    seconds = args.minutes * 60 / 2
    started = time.monotonic()
    # each call runs 500 examples (and stops at a failure); calls repeat until the time is up
    run_for(fuzz_quantities, seconds)
    run_for(fuzz_reader, seconds)
    print(f"command: python benchmarks/fuzz.py --minutes {args.minutes:g}; ran {time.monotonic() - started:.0f} s; examples {examples}; findings: {len(set(findings))}")
    for finding in dict.fromkeys(findings):
        print("---", finding)


if __name__ == "__main__":
    main()
