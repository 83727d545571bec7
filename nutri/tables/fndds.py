"""USDA FNDDS 2.0 adapter (survey foods, "dishes as eaten"): fndds_foods.csv and
fndds_portions.csv, built by tools/build_fndds.py (method and limits in its docstring)."""

from __future__ import annotations

from nutri.tables.base import (
    Edition,
    FoodTable,
    data_file,
    read_food_csv,
    read_portion_csv,
)

EDITION = Edition(
    "fndds",
    "USDA Food and Nutrient Database for Dietary Studies 2.0 (2003-2004), nutrients computed from "
    "SR28 ingredients without retention factors",
    "FNDDS 2.0",
    id_prefix="fndds:",
    id_digits=(8, 8),
    pad_to=8,
    rank_prior=-0.02,
    recipes=True,
    names_are_examples=True,  # "such as Coke, Coca Cola", "Wendy's Caesar Side Salad",
)  # a tie with an SR28 food goes to SR28, the measured one


def load() -> FoodTable:
    foods = read_food_csv(data_file("fndds_foods.csv"), EDITION.key, {"additional_descriptions": "search_text"})
    return FoodTable(foods, read_portion_csv(data_file("fndds_portions.csv")), (EDITION,))
