"""USDA SR28 adapter: foods.csv and portions.csv, built by tools/build_foods.py."""

from __future__ import annotations

from pathlib import Path

from nutri import SR28_EDITION
from nutri.tables.base import (
    Edition,
    FoodTable,
    data_file,
    read_food_csv,
    read_portion_csv,
)

EDITION = Edition("sr28", SR28_EDITION, "SR28", id_digits=(1, 5), pad_to=5)


def foods_csv_path() -> Path:
    """foods.csv ships inside the wheel as nutri/data/foods.csv; in a checkout it sits at the top."""
    packaged = data_file("foods.csv")
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "foods.csv"


def load() -> FoodTable:
    foods = read_food_csv(foods_csv_path(), EDITION.key, {"common_name": "search_text"})
    return FoodTable(foods, read_portion_csv(data_file("portions.csv")), (EDITION,))
