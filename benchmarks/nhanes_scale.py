"""`nutri cohort` and `nutri report` on a synthetic NHANES cycle as published: two SAS transport files.

    python benchmarks/nhanes_scale.py [--rows 125000] [--against OTHER_CHECKOUT]

DR1IFF and DR2IFF files (pyreadstat, of the test extra, writes them) of ``--rows`` rows each, with the
leading 65 columns of DR1IFF_J (tests/conftest.py), people numbered as 2017-2018's (about 13 foods a
person a day), food codes drawn from FNDDS 2.0's (and 200 codes no table has), and nutrient values with
two decimals (every row a distinct entry, as in the survey's files, where each row's nutrients are its own
grams'). Generated once into benchmarks/out/ (git-ignored); each command runs as a child process from
this checkout (or ``--against``'s), its wall time and peak memory (``os.wait4``) printed with it:

    nutri cohort DR1IFF_scale.XPT DR2IFF_scale.XPT --first-day 2018-01-01 -o OUT
    nutri report DR1IFF_scale.XPT DR2IFF_scale.XPT --person 93703 --first-day 2018-01-01 -f json -o R
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import NHANES_IFF_HEADER  # noqa: E402


def generate(out: Path, rows: int) -> list[Path]:
    """The two files, written once per size."""
    import pyreadstat

    paths = [out / f"DR{day}IFF_scale-{rows}.XPT" for day in (1, 2)]
    if all(p.exists() for p in paths):
        return paths
    rng = np.random.default_rng(0)
    names = NHANES_IFF_HEADER.split(",")
    foods = pd.read_csv(ROOT / "nutri" / "data" / "fndds_foods.csv", usecols=["food_id"])["food_id"]
    codes = np.concatenate([foods.str.removeprefix("fndds:").astype(float).to_numpy(), np.full(200, 99999999.0)])
    frame = pd.DataFrame({c: (rng.random(rows) * 100).round(2) for c in names})
    frame["SEQN"] = np.sort(rng.integers(93703, 93703 + rows // 13, rows)).astype(float)
    frame["DR1IFDCD"] = rng.choice(codes, rows)
    for column in ("WTDRD1", "WTDR2D", "DR1ILINE", "DR1DRSTZ", "DR1DAY", "DR1_030Z", "DR1FS", "DR1_040Z"):
        frame[column] = rng.integers(1, 9, rows).astype(float)
    for day, path in zip((1, 2), paths, strict=True):
        named = frame.rename(columns={c: c.replace("DR1", f"DR{day}") for c in frame.columns})
        pyreadstat.write_xport(named, str(path), table_name=f"DR{day}IFF", file_format_version=5)
    return paths


def timed(argv: list[str], root: Path) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "nutri", *argv], cwd=root, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"nutri {' '.join(argv)} failed ({status})")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=125_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--against", type=Path, help="another checkout, run on the same files after this one")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    files = [str(p) for p in generate(args.out, args.rows)]
    dated = ["--first-day", "2018-01-01"]
    commands = {
        "cohort": ["cohort", *files, *dated, "-o", str(args.out / "nhanes-result")],
        "report": ["report", *files, "--person", "93703", *dated, "-f", "json", "-o", str(args.out / "nhanes.json")],
    }
    for root in [ROOT, *([args.against.resolve()] if args.against else [])]:
        for name, argv in commands.items():
            seconds, peak = timed(argv, root)
            print(f"{root.name:12s} {name:7s} {2 * args.rows:,} rows  {seconds:6.1f} s  peak {peak:6.0f} MB")
    print("commands: nutri " + "\n          nutri ".join(" ".join(argv) for argv in commands.values()))


if __name__ == "__main__":
    main()
