"""Matching accuracy on the everyday labelled set and on labelled real diary text (the set the matcher
was tuned on, and a held-out one), and agreement with a real Cronometer export.

    python benchmarks/accuracy.py [--misses] [--real ../shared/real/cronometer-servings-2023-2024.csv]
"""

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nutri.diary import read_diary  # noqa: E402
from nutri.evaluate import evaluate, evaluate_real  # noqa: E402
from nutri.foods import load_foods  # noqa: E402
from nutri.intake import analyse  # noqa: E402
from nutri.match import Matcher  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--real", type=Path)
    parser.add_argument("--misses", action="store_true", help="list every miss on the real-text set")
    args = parser.parse_args()
    table = load_foods()
    matcher = Matcher(table)
    s = evaluate(ROOT / "tests" / "data" / "labelled_entries.csv", table, matcher)
    print(
        f"labelled set: {s.entries} entries; top-1 {s.top1:.1%}; top-3 {s.top3:.1%}; needs_review {s.needs_review:.1%}; grams right {s.grams_right:.1%}"
    )
    for miss in s.misses:
        print("  miss:", *miss)
    # the labelled set the matcher was tuned on, then the samples labelled after it was: they say how well the
    # first's figures carry over to text nobody here had seen (RESULTS.md, "Held-out real text")
    sets = (
        ("real_labelled.csv", "real text"),
        ("real_heldout.csv", "held out"),
        ("real_heldout_b.csv", "held out B"),
        ("real_heldout_c.csv", "held out C"),
        ("real_heldout_d.csv", "held out D"),
        ("real_heldout_e.csv", "held out E"),
        ("real_heldout_f.csv", "held out F"),
    )
    for name, label in sets:
        r = evaluate_real(ROOT / "tests" / "data" / name, table, matcher)
        print(
            f"{label}: {r.rows} rows; food right {r.food_right:.1%}; confidently wrong {r.confidently_wrong:.1%}; "
            f"needlessly flagged {r.needlessly_flagged:.1%}; grams within 30% {r.grams_right:.1%} of {r.with_amount} rows stating an amount"
        )
        if args.misses:
            for miss in r.misses:
                print(f"  {label} miss:", *miss, sep=" | ")
    if args.real:
        diary = read_diary(args.real)
        ours = analyse(diary, table, matcher, nutrients_from="table")
        counts = ours["status"].value_counts().to_dict()
        with_grams = int(ours["grams"].notna().sum())
        print(f"real export {args.real.name}: {len(ours)} rows; with grams {with_grams}; statuses {counts}")
        reasons = (
            ours.loc[ours["grams"].isna(), "note"]
            .str.split("; ")
            .str[-1]
            .str.replace(r"\d+(\.\d+)?", "N", regex=True)
            .value_counts()
            .head(8)
        )
        print("  rows without grams, by last reason:")
        for reason, n in reasons.items():
            print(f"    {n:5d}  {reason[:110]}")
        for column in ("magnesium_mg", "calcium_mg"):
            exported = diary.entries["export_" + column].to_numpy(dtype=float)
            mine = ours[column].to_numpy(dtype=float)
            has = ~np.isnan(exported) & (exported > 0)
            close = has & ~np.isnan(mine) & (np.abs(mine - exported) <= 0.25 * exported)
            print(
                f"  {column}: {close.sum()} of {has.sum()} rows with an export value within ±25% ({close.sum() / max(has.sum(), 1):.1%})"
            )
        exported = diary.entries["export_magnesium_mg"].to_numpy(dtype=float)
        diff = np.abs(ours["magnesium_mg"].to_numpy(dtype=float) - exported)
        frame = ours.assign(export_mg=exported, diff=diff)
        worst = frame[~np.isnan(diff)].drop_duplicates("input").sort_values("diff", ascending=False).head(10)
        print("  top 10 magnesium disagreements (input -> our food, grams, ours vs export):")
        for r in worst.itertuples():
            print(
                f"    {r.input[:40]!r} -> {r.food_id} {r.food[:45]!r} ({r.status}), {r.grams:.0f} g: {r.magnesium_mg:.0f} vs {r.export_mg:.0f} mg"
            )


if __name__ == "__main__":
    main()
