"""Short everyday food names for the report's summary ("pumpkin seeds", not "Seeds, pumpkin and
squash seed kernels, dried"): data/short_names.csv first, else the food's first curated alias
(data/aliases.csv, the words diaries use for it). A food with neither has no short name, and the
summary leaves it to the detail, where the table's description is shown."""

from __future__ import annotations

import csv
from functools import lru_cache

from nutri.tables.base import data_file


def _rows(name: str):
    with open(data_file(name), newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(line for line in handle if not line.startswith("#"))


@lru_cache(maxsize=1)
def short_names() -> dict[str, str]:
    """food id -> short name."""
    names: dict[str, str] = {}
    for row in _rows("aliases.csv"):
        names.setdefault(row["food_id"].strip(), row["alias"].strip())
    names.update({row["food_id"].strip(): row["name"].strip() for row in _rows("short_names.csv")})
    return names


def short_name(food_id: str) -> str | None:
    return short_names().get(food_id)
