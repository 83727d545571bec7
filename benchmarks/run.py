"""Speed by stage on a generated cohort diary: wall time and peak memory per stage.

    python benchmarks/run.py --rows 100000 [--xlsx]

The generator writes people x days of realistic entries: each person has usual foods, with
variants in case, typos and extra words (about 6% distinct strings).
"""

import argparse
import csv
import datetime as dt
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BASE = [
    "spinach",
    "2% milk",
    "banana",
    "coffee",
    "greek yogurt",
    "almonds",
    "salmon fillet",
    "brown rice",
    "black beans",
    "chicken breast",
    "whole wheat bread",
    "eggs",
    "broccoli",
    "apple",
    "cheddar",
    "oatmeal",
    "orange juice",
    "tofu",
    "pumpkin seeds",
    "avocado",
    "sweet potato",
    "lentils",
    "green tea",
    "red wine",
    "beer",
    "carrots",
    "blueberries",
    "peanut butter",
    "pasta",
    "tuna",
]
EXTRAS = [
    "grilled",
    "baked",
    "raw",
    "steamed",
    "leftover",
    "big bowl of",
    "small",
    "my usual",
    "cold",
    "warm",
    "mashed",
    "toasted",
    "with salt",
    "plain",
    "sliced",
]
UNITS = [("1", "cup"), ("100", "g"), ("2", "tbsp"), ("1", "medium"), ("150", "g"), ("1", "slice"), ("8", "fl oz")]


def variant(rng: random.Random, text: str) -> str:
    roll = rng.random()
    if roll < 0.3:
        return text.upper() if rng.random() < 0.5 else text.title()
    if roll < 0.45 and len(text) > 4:
        i = rng.randrange(1, len(text) - 1)
        return text[:i] + text[i + 1 :]  # dropped letter
    if roll < 0.6:
        return (
            rng.choice(["organic ", "fresh ", "homemade ", ""]) + text + rng.choice(["", " (store bought)", " - lunch"])
        )
    return text


def generate(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    people = max(rows // (90 * 11), 1)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["Person", "Date", "Meal", "Food", "Amount", "Unit"])
        written = 0
        start = dt.date(2026, 1, 5)
        while written < rows:
            for person in range(people):
                # about 60 distinct strings per person: usual foods in the person's own spelling
                usual = [variant(rng, variant(rng, f)) for f in rng.sample(BASE, 20)] + [
                    variant(rng, f) for f in rng.sample(BASE, 20)
                ]
                usual += [rng.choice(EXTRAS) + " " + variant(rng, rng.choice(BASE)) for _ in range(20)]
                for day in range(90):
                    for _ in range(11):
                        amount, unit = rng.choice(UNITS)
                        writer.writerow(
                            [
                                person,
                                (start + dt.timedelta(days=day)).isoformat(),
                                "Meal",
                                rng.choice(usual),
                                amount,
                                unit,
                            ]
                        )
                        written += 1
                        if written >= rows:
                            return


def generate_single(path: Path, rows: int, days: int = 728, seed: int = 1) -> None:
    """One person's diary of ``rows`` entries spread evenly over ``days`` days (104 ISO weeks by default):
    the cohort generator's foods and spellings, without the person column (a report is for one person)."""
    cohort = path.with_name(path.stem + ".cohort.csv")
    generate(cohort, rows, seed)
    start = dt.date(2025, 1, 6)
    with open(cohort, newline="", encoding="utf-8") as source, open(path, "w", newline="", encoding="utf-8") as handle:
        reader, writer = csv.reader(source), csv.writer(handle, lineterminator="\n")
        next(reader)
        writer.writerow(["Date", "Meal", "Food", "Amount", "Unit"])
        for i, (_, _, meal, food, amount, unit) in enumerate(reader):
            writer.writerow([(start + dt.timedelta(days=i * days // rows)).isoformat(), meal, food, amount, unit])
    cohort.unlink()


def to_xlsx(csv_path: Path) -> Path:
    """The same diary as a workbook (openpyxl, write-only), for the XLSX timing."""
    from openpyxl import Workbook

    xlsx_path = csv_path.with_suffix(".xlsx")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Diary")
    with open(csv_path, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    workbook.save(xlsx_path)
    return xlsx_path


def stage(name, func, results):
    """Wall time of one stage, and the process's peak resident memory once it is done."""
    t0 = time.perf_counter()
    value = func()
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    results.append((name, wall, peak))
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--xlsx", action="store_true", help="also write the diary as .xlsx and time reading that")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"cohort-{args.rows}.csv"
    generate(path, args.rows)
    if args.xlsx:
        path = to_xlsx(path)
    from nutri.diary import read_diary
    from nutri.dri import Profile
    from nutri.foods import load_foods
    from nutri.intake import analyse, daily_totals
    from nutri.match import Matcher
    from nutri.report.build import build_report
    from nutri.report.json_report import render

    results = []
    diary = stage("read", lambda: read_diary(path), results)
    table = stage("load foods", load_foods, results)
    matcher = stage("build matcher index", lambda: Matcher(table), results)
    analysed = stage("quantities + match + grams + nutrients", lambda: analyse(diary, table, matcher), results)
    stage("aggregate (daily totals)", lambda: daily_totals(analysed), results)
    stage("report build + render (json)", lambda: render(build_report(analysed, Profile(), table, path)), results)
    distinct = diary.entries["input"].nunique()
    print(f"command: python benchmarks/run.py --rows {args.rows}{' --xlsx' if args.xlsx else ''}  ({path.name})")
    print(f"rows {len(diary.entries)}, distinct food strings {distinct}")
    for name, wall, peak in results:
        print(f"  {name:<42} {wall:7.2f} s   peak RSS so far {peak:7.1f} MB")
    print(f"  {'total':<42} {sum(w for _, w, _ in results):7.2f} s")


if __name__ == "__main__":
    main()
