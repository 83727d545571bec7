"""Speed by stage on a generated cohort diary: wall time and peak memory per stage; and large cohorts.

    python benchmarks/run.py --rows 100000 [--xlsx]
    python benchmarks/run.py --scale --rows 10000000 [--csv]     # cohort-scale-10000000.parquet + profiles

The first generator writes people x days of realistic entries: each person has usual foods, with
variants in case, typos and extra words (about 6% distinct strings).

The scale generator (``generate_scale``, numpy + DuckDB, about a minute for 50M rows) writes people x 4
ISO weeks x 6 entries a day. Each row draws one (food text, amount, unit) key from a universe of
146,000 keys (36,500 texts in the first generator's spellings, 4 amounts and units each, a few supplement
doses) with Zipf-like weights (rank + 1500)^-2, fitted so that the distinct keys grow as they do in
real study data: about 57k at 1M rows, 124k at 10M, 145k at 50M.
"""

import argparse
import csv
import datetime as dt
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

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


# The scale generator's amounts and units (a text takes 4 of them) and supplement doses.
SCALE_UNITS = UNITS + [
    ("0.5", "cup"),
    ("2", "cup"),
    ("200", "g"),
    ("50", "g"),
    ("1", "large"),
    ("3", "oz"),
    ("1", "tbsp"),
    ("2", "slice"),
    ("1", "serving"),
]
SUPPLEMENTS = [
    ("Vitamin D3 1000 IU", "1", "softgel"),
    ("magnesium glycinate 200 mg", "1", "capsule"),
    ("Vitamin B12 500 mcg", "1", "tablet"),
    ("calcium carbonate 600 mg", "1", "tablet"),
    ("multivitamin", "1", "tablet"),
]
SCALE_KEYS, SCALE_TEXTS, ZIPF_S, ZIPF_Q = 146_000, 36_500, 2.0, 1500.0
ENTRIES_PER_DAY, SCALE_DAYS = 6, 28
MEALS = ["Breakfast", "Lunch", "Dinner", "Snacks"]


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


def scale_keys(seed: int = 1) -> tuple[list[str], list[str], list[str]]:
    """(food, amount, unit) of each key of the universe, most popular first (deterministic)."""
    rng = random.Random(seed)
    texts: dict[str, None] = {}
    while len(texts) < SCALE_TEXTS - len(SUPPLEMENTS):
        base = rng.choice(BASE)
        text = variant(rng, variant(rng, base))
        if rng.random() < 0.35:
            text = rng.choice(EXTRAS) + " " + text
        texts[text] = None
    order = list(texts)
    rng.shuffle(order)
    food, amount, unit = [], [], []
    for i, (text, dose, form) in enumerate(SUPPLEMENTS):  # a supplement among the first few hundred keys
        order.insert(50 * (i + 1), (text, dose, form))
    for item in order:
        pairs = [item[1:]] * 4 if isinstance(item, tuple) else rng.sample(SCALE_UNITS, 4)
        for dose, form in pairs:
            food.append(item[0] if isinstance(item, tuple) else item)
            amount.append(dose)
            unit.append(form)
    return food[:SCALE_KEYS], amount[:SCALE_KEYS], unit[:SCALE_KEYS]


def generate_scale(out: Path, rows: int, seed: int = 1, csv_format: bool = False) -> tuple[Path, Path]:
    """A cohort of ``rows`` rows (Participant, Date, Meal, Food, Amount, Unit) as Parquet (or CSV) and its
    profiles file (person, sex, age, pregnant, lactating; every 20th person has none: assumed profile)."""
    import duckdb
    import pandas as pd

    out.mkdir(parents=True, exist_ok=True)
    path = out / f"cohort-scale-{rows}.{'csv' if csv_format else 'parquet'}"
    profiles = out / f"profiles-scale-{rows}.csv"
    food, amount, unit = scale_keys(seed)
    weights = (np.arange(len(food)) + ZIPF_Q) ** -ZIPF_S
    cdf = np.cumsum(weights / weights.sum())
    rng = np.random.default_rng(seed)
    key = np.minimum(np.searchsorted(cdf, rng.random(rows)), len(food) - 1).astype(np.int32)
    index = np.arange(rows, dtype=np.int64)
    per_person = SCALE_DAYS * ENTRIES_PER_DAY
    foods, food_codes = np.unique(np.array(food, dtype=object), return_inverse=True)
    units = [f"{a}\x00{u}" for a, u in zip(amount, unit, strict=True)]
    unit_names, unit_codes = np.unique(np.array(units, dtype=object), return_inverse=True)
    frame = pd.DataFrame(
        {
            "person": (index // per_person).astype(np.int32),
            "day": ((index % per_person) // ENTRIES_PER_DAY).astype(np.int16),
            "meal": pd.Categorical.from_codes((index % ENTRIES_PER_DAY * len(MEALS) // ENTRIES_PER_DAY), MEALS),
            "food": pd.Categorical.from_codes(food_codes[key], list(foods)),
            "au": pd.Categorical.from_codes(unit_codes[key], list(unit_names)),
        }
    )
    del key, index
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.register("generated", frame)
    target = "(FORMAT csv, HEADER true)" if csv_format else "(FORMAT parquet, COMPRESSION zstd)"
    con.execute(
        "COPY (SELECT 'P' || lpad(person::VARCHAR, 6, '0') AS Participant, "
        "strftime(DATE '2026-01-05' + day::INTEGER, '%Y-%m-%d') AS Date, meal::VARCHAR AS Meal, "
        "food::VARCHAR AS Food, split_part(au::VARCHAR, chr(0), 1) AS Amount, "
        f"split_part(au::VARCHAR, chr(0), 2) AS Unit FROM generated) TO '{path}' {target}"
    )
    con.close()
    people = -(-rows // per_person)
    who = np.random.default_rng(seed + 1)
    table = pd.DataFrame(
        {
            "person": [f"P{i:06d}" for i in range(people)],
            "sex": np.where(who.random(people) < 0.5, "female", "male"),
            "age": who.integers(19, 80, people),
            "pregnant": "",
            "lactating": "",
        }
    )
    table[np.arange(people) % 20 != 19].to_csv(profiles, index=False, lineterminator="\n")
    return path, profiles


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
    parser.add_argument("--scale", action="store_true", help="only write a large cohort (Parquet) and its profiles")
    parser.add_argument("--csv", action="store_true", help="with --scale: CSV instead of Parquet")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.scale:
        t0 = time.perf_counter()
        path, profiles = generate_scale(args.out, args.rows, csv_format=args.csv)
        print(f"{path} and {profiles} in {time.perf_counter() - t0:.1f} s")
        return
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
