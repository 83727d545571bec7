"""The food-composition table (foods.csv, built from USDA SR28) and its portion weights.

Values are per 100 g edible portion. An empty cell in foods.csv means SR28 has no value:
it is loaded as NaN (unknown) and never turned into 0.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from nutri.errors import DataFileError
from nutri.nutrients import NUTRIENT_BY_KEY, NUTRIENT_COLUMNS, TABLE_ORDER, Nutrient


# The nutrient columns of every food table, in foods.csv order (the registry holds what they mean).
NUTRIENTS: tuple[Nutrient, ...] = tuple(NUTRIENT_BY_KEY[key] for key in TABLE_ORDER)

# Groups a diary entry only means when it says so (matching prior and advice filter).
SPECIAL_GROUPS = ("Baby Foods", "Fast Foods", "Restaurant Foods", "American Indian/Alaska Native Foods")

FOOD_ID_RE = re.compile(r"^\d{5}$")
CUSTOM_PREFIX = "custom:"


def data_file(name: str) -> Path:
    return Path(str(resources.files("nutri") / "data" / name))


def foods_csv_path() -> Path:
    """foods.csv ships inside the wheel as nutri/data/foods.csv; in a checkout it sits at the top."""
    packaged = data_file("foods.csv")
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[1] / "foods.csv"


@dataclass(frozen=True)
class FoodTable:
    """foods: one row per food, indexed by food_id (text). portions: food_id, seq, amount, measure, grams."""

    foods: pd.DataFrame
    portions: pd.DataFrame

    def has(self, food_id: str) -> bool:
        return food_id in self.foods.index

    def description(self, food_id: str) -> str:
        return str(self.foods.at[food_id, "description"])

    @cached_property
    def portions_by_food(self) -> dict[str, list[dict]]:
        """Each food's portion records (food_id, seq, amount, measure, grams) in SR28 order, built once."""
        by_food: dict[str, list[dict]] = {}
        for record in self.portions.to_dict("records"):
            by_food.setdefault(record["food_id"], []).append(record)
        return by_food

    def portions_of(self, food_id: str) -> list[dict]:
        return self.portions_by_food.get(food_id, [])

    def with_custom(self, custom: "FoodTable") -> "FoodTable":
        return FoodTable(pd.concat([self.foods, custom.foods]), pd.concat([self.portions, custom.portions], ignore_index=True))


def _read_foods(path: Path) -> pd.DataFrame:
    text_columns = {c: str for c in ("food_id", "description", "food_group", "common_name", "vitamin_d_basis")}
    foods = pd.read_csv(path, dtype={**text_columns, **{c: "float64" for c in NUTRIENT_COLUMNS}}, keep_default_na=False, na_values={c: [""] for c in NUTRIENT_COLUMNS})
    return foods.set_index("food_id", drop=False)


@lru_cache(maxsize=1)
def load_foods() -> FoodTable:
    foods = _read_foods(foods_csv_path())
    portions = pd.read_csv(data_file("portions.csv"), dtype={"food_id": str, "measure": str}, keep_default_na=False)
    return FoodTable(foods, portions)


def load_custom_foods(path: Path) -> FoodTable:
    """Custom foods file: food_id, description, any nutrient columns per 100 g, and ``portions``.

    ``portions`` lists the food's own household measures as ``MEASURE=GRAMS`` separated by ``;``
    (``1 bar=45; 1 cup=240``). A food_id must not look like an SR28 id: it is stored as
    ``custom:<id>`` so it can never shadow a USDA food.
    """
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read custom foods ({exc.strerror}); check the path") from None
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not UTF-8 text; save the custom foods file as UTF-8 CSV") from None
    if not rows or "food_id" not in rows[0] or "description" not in rows[0]:
        raise DataFileError(f"{path}: a custom foods file needs the columns food_id and description (plus nutrients such as magnesium_mg per 100 g)")
    unknown = [c for c in rows[0] if c not in ("food_id", "description", "food_group", "portions", *NUTRIENT_COLUMNS)]
    if unknown:
        raise DataFileError(f"{path}: unknown column {unknown[0]!r}; nutrient columns are {', '.join(NUTRIENT_COLUMNS)}")
    records, portions = [], []
    for line_no, row in enumerate(rows, start=2):
        raw_id = (row.get("food_id") or "").strip()
        if not raw_id or FOOD_ID_RE.match(raw_id):
            raise DataFileError(f"{path}, line {line_no}: food_id {raw_id!r} is empty or looks like an SR28 id; give custom foods a name such as 'granola-bar'")
        food_id = raw_id if raw_id.startswith(CUSTOM_PREFIX) else CUSTOM_PREFIX + raw_id
        record = {"food_id": food_id, "description": (row.get("description") or raw_id).strip(), "food_group": (row.get("food_group") or "Custom foods").strip(), "common_name": "", "vitamin_d_basis": ""}
        for column in NUTRIENT_COLUMNS:
            cell = (row.get(column) or "").strip()
            try:
                record[column] = float(cell) if cell else float("nan")
            except ValueError:
                raise DataFileError(f"{path}, line {line_no}: {column} is {cell!r}, not a number; leave it empty if unknown") from None
            if record[column] < 0:
                raise DataFileError(f"{path}, line {line_no}: {column} is negative")
        records.append(record)
        for seq, part in enumerate(filter(None, (p.strip() for p in (row.get("portions") or "").split(";"))), start=1):
            measure, _, grams = part.rpartition("=")
            match = re.match(r"^\s*(\d+(?:\.\d+)?)?\s*(.+?)\s*$", measure)
            try:
                grams_value = float(grams)
            except ValueError:
                grams_value = -1
            if not measure or not match or grams_value <= 0:
                raise DataFileError(f"{path}, line {line_no}: portion {part!r} is not MEASURE=GRAMS (e.g. '1 bar=45')")
            portions.append({"food_id": food_id, "seq": seq, "amount": float(match.group(1) or 1), "measure": match.group(2), "grams": grams_value})
    foods = pd.DataFrame.from_records(records).set_index("food_id", drop=False)
    return FoodTable(foods, pd.DataFrame(portions, columns=["food_id", "seq", "amount", "measure", "grams"]))
