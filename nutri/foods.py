"""The food tables nutri ships, as one FoodTable (see nutri/tables/): USDA SR28 (foods.csv) and
USDA FNDDS 2.0 survey foods, plus the user's custom foods file.

Values are per 100 g edible portion. An empty cell means the table has no value: it is loaded
as NaN (unknown) and never turned into 0.
"""

from __future__ import annotations

from pathlib import Path

from nutri.nutrients import NUTRIENT_BY_KEY, NUTRIENT_COLUMNS, TABLE_ORDER, Nutrient
from nutri.tables import load_tables
from nutri.tables.base import SPECIAL_CATEGORIES, FoodTable, data_file
from nutri.tables.custom import CUSTOM_PREFIX
from nutri.tables.custom import load as load_custom
from nutri.tables.sr28 import foods_csv_path

# The nutrient columns of every food table, in foods.csv order (the registry holds what they mean).
NUTRIENTS: tuple[Nutrient, ...] = tuple(NUTRIENT_BY_KEY[key] for key in TABLE_ORDER)

__all__ = [
    "CUSTOM_PREFIX",
    "NUTRIENTS",
    "NUTRIENT_COLUMNS",
    "SPECIAL_CATEGORIES",
    "FoodTable",
    "data_file",
    "foods_csv_path",
    "load_custom_foods",
    "load_foods",
]


def load_foods() -> FoodTable:
    """All shipped tables (SR28 and FNDDS 2.0) as one, loaded once per process."""
    return load_tables()


def load_custom_foods(path: Path) -> FoodTable:
    """The user's custom foods file (see nutri/tables/custom.py for its columns)."""
    return load_custom(Path(path))
