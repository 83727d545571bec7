"""Measure matching and grams against a labelled set of diary entries (tests and benchmarks)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nutri.foods import FoodTable
from nutri.match import Matcher
from nutri.quantity import PortionWeights, parse_quantity

GRAMS_TOLERANCE = 0.05  # grams are right within 5% (or 1 g)


@dataclass(frozen=True)
class Scores:
    entries: int
    top1: float
    top3: float
    needs_review: float
    grams_right: float
    misses: tuple[tuple[str, str, str], ...]  # (text, what we chose, why it is wrong)


def evaluate(path: Path, table: FoodTable, matcher: Matcher) -> Scores:
    rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
    portions = PortionWeights(table)
    top1 = top3 = review = grams_ok = 0
    misses = []
    for row in rows:
        acceptable = set(row["acceptable_food_ids"].split())
        quantity = parse_quantity(row["text"])
        found = matcher.match(quantity.food_text or row["text"])
        candidates = [found.food_id] + [a[0] for a in found.alternatives[:2]]
        if found.food_id in acceptable:
            top1 += 1
        else:
            misses.append((row["text"], f"{found.food_id} {found.description}", f"expected one of {sorted(acceptable)[:3]}"))
        if acceptable & set(candidates):
            top3 += 1
        if found.status == "needs_review":
            review += 1
        expected = float(row["expected_grams"])
        grams = None
        if found.food_id and quantity.amount is not None:
            per_unit, _how = portions.grams_per_unit(found.food_id, quantity, quantity.food_text)
            grams = quantity.amount * per_unit if per_unit is not None else None
        if grams is not None and abs(grams - expected) <= max(1.0, GRAMS_TOLERANCE * expected):
            grams_ok += 1
        elif found.food_id in acceptable:
            misses.append((row["text"], f"{grams} g", f"expected {expected} g"))
    n = len(rows)
    return Scores(n, top1 / n, top3 / n, review / n, grams_ok / n, tuple(misses))
