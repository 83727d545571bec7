"""How often a diary computed from the food table gives a false shortfall, against the app's own totals.

A Cronometer servings export carries the app's own nutrient values per entry; `nutri report` in
export mode agrees with Cronometer's daily summary. Computing the same diary from the food table
(`--nutrients-from table`) loses whatever nutri cannot match or weigh. A *false shortfall* is a week
whose table-mode verdict is a shortfall while the export-mode verdict for the same week is not.

    python benchmarks/verdicts_real.py ../shared/real/cronometer-servings-2023-2024.csv
    python benchmarks/verdicts_real.py SERVINGS.csv --root /path/to/an/older/checkout   # "before"

Runs `python -m nutri` from ``--root`` (default: this checkout), so any version can be measured.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
from pathlib import Path

SHORTFALL_WORDS = ("inadequate", "below EAR", "EAR to RDA")  # today's and 0.1's status words
OPEN_WORDS = ("insufficient data", "cannot tell", "too variable")


def report(root: Path, diary: Path, mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-m", "nutri", "report", str(diary), "--nutrients-from", mode, "--format", "json", "-q"]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def shortfall(status: str) -> bool:
    return any(word in status for word in SHORTFALL_WORDS) and "adequate (" not in status


def compare(table_mode: dict, export_mode: dict) -> dict[str, collections.Counter]:
    truth = {week["week"]: week for week in export_mode["weeks"]}
    counts: dict[str, collections.Counter] = {}
    for week in table_mode["weeks"]:
        if not week["days_logged"]:
            continue
        for key, verdict in week["nutrients"].items():
            tally = counts.setdefault(key, collections.Counter())
            reference = truth[week["week"]]["nutrients"][key]["status"]
            tally["weeks"] += 1
            if shortfall(verdict["status"]) and not shortfall(reference):
                tally["false shortfall"] += 1
            if any(word in verdict["status"] for word in OPEN_WORDS) and not shortfall(reference):
                tally["open instead"] += 1
            if shortfall(verdict["status"]) and shortfall(reference):
                tally["true shortfall"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("diary", type=Path)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()
    diary = args.diary.resolve()
    counts = compare(report(args.root, diary, "table"), report(args.root, diary, "export"))
    print(
        f"{'nutrient':<12} {'weeks':>5} {'false shortfall':>15} {'open (not a false shortfall)':>28} {'true shortfall':>14}"
    )
    for key, tally in counts.items():
        print(
            f"{key:<12} {tally['weeks']:>5} {tally['false shortfall']:>15} {tally['open instead']:>28} {tally['true shortfall']:>14}"
        )


if __name__ == "__main__":
    main()
