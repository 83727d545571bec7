"""The food-table seam: what every food-composition table gives nutri.

A table is one adapter (``nutri/tables/sr28.py``, ``fndds.py``, ``custom.py``) that loads its
shipped files into a :class:`FoodTable`, plus the build script that made those files. Everything
table-specific is settled at build time: each food's description, its search text (common or
additional names), its group as the source names it and our own ``category`` (below), its
nutrients per 100 g in the registry's columns (units in the column names, empty = unknown), and
its own portions. The rest of nutri sees only this interface, so a third table (Canadian
Nutrient File, UK CoFID) is one adapter and one build script.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from nutri.nutrients import NUTRIENT_COLUMNS

# Our own food categories: source groups and codes are mapped to these at build time.
CATEGORIES = {
    "dairy_eggs": "milk, cheese, yogurt, cream, eggs",
    "meat": "beef, pork, lamb, veal, game",
    "poultry": "poultry",
    "cured_meats": "sausages, luncheon and organ meats",
    "fish": "finfish and shellfish",
    "legumes": "legumes, soy foods, meat substitutes",
    "nuts_seeds": "nuts and seeds",
    "grains": "grains, pasta, rice, cooked cereals",
    "breakfast_cereals": "ready-to-eat cereals",
    "baked_goods": "breads, cakes, cookies, pastries, pancakes",
    "vegetables": "vegetables",
    "fruits": "fruits and juices",
    "fats_oils": "fats, oils, dressings",
    "sweets": "sugars, sweets, desserts",
    "beverages": "beverages, alcoholic or not",
    "soups_sauces": "soups, sauces, gravies",
    "mixed_dishes": "dishes, sandwiches, meals",
    "snacks": "snacks",
    "spices": "spices and herbs",
    "baby_foods": "baby foods",
    "fast_foods": "fast-food items",
    "frozen_meals": "plate meals (frozen dinners)",
    "restaurant_foods": "restaurant items",
    "native_foods": "American Indian and Alaska Native foods",
    "custom": "your own foods",
    "other": "other",
}
# Categories a diary entry only means when it says so (matching prior, advice filter).
SPECIAL_CATEGORIES = ("baby_foods", "fast_foods", "restaurant_foods", "native_foods", "frozen_meals")

# same_as: the id of the food of another table this food is (a survey food that is one SR28
# ingredient); the matcher then prefers that food, so a plain ingredient keeps its SR28 food.
FOOD_COLUMNS = [
    "food_id",
    "description",
    "search_text",
    "food_group",
    "category",
    "table",
    "same_as",
    *NUTRIENT_COLUMNS,
    "vitamin_d_basis",
]
# unit, kind and ml: the measure classified when the table was built (nutri.quantity.classify_measure)
PORTION_COLUMNS = ["food_id", "seq", "amount", "measure", "grams", "unit", "kind", "ml"]


@dataclass(frozen=True)
class Edition:
    """One table's provenance and id shape. ``id_digits``: bare numeric ids it owns (SR28: up to 5,
    zero-padded; FNDDS: exactly 8), so an id typed without its prefix still finds its food."""

    key: str  # "sr28", "fndds", "custom"
    name: str  # full edition, for reports
    short: str  # "SR28": in notes ("SR28 portion")
    id_prefix: str = ""  # "fndds:"; SR28 ids are bare for compatibility with saved aliases
    id_digits: tuple[int, int] | None = None  # (min, max) digits of a bare numeric id
    pad_to: int = 0
    any_bare_id: bool = False  # custom foods: any text is an id once the prefix is added
    rank_prior: float = 0.0  # added to its foods' match scores: ties between tables go to the higher
    recipes: bool = False  # its foods are recipes of other foods (dishes) unless same_as says otherwise
    names_are_examples: bool = False  # its search text lists examples and brands, weaker than a name

    def canonical_id(self, text: str) -> str | None:
        """The table's id for ``text`` as a user may write it, or None if not of this shape."""
        text = text.strip()
        if self.id_prefix and text.startswith(self.id_prefix):
            return text
        if self.id_digits and text.isdigit() and self.id_digits[0] <= len(text) <= self.id_digits[1]:
            return self.id_prefix + text.zfill(self.pad_to)
        if self.any_bare_id and text:
            return self.id_prefix + text
        return None


def data_file(name: str) -> Path:
    return Path(str(resources.files("nutri") / "data" / name))


@dataclass(frozen=True)
class FoodTable:
    """One or more tables' foods (``FOOD_COLUMNS``, indexed by food_id) and portions
    (``PORTION_COLUMNS``: the food's own measures with their grams), with their editions."""

    foods: pd.DataFrame
    portions: pd.DataFrame
    editions: tuple[Edition, ...] = ()

    def has(self, food_id: str) -> bool:
        return food_id in self.foods.index

    def description(self, food_id: str) -> str:
        return self._texts_of("description")[food_id]

    def category(self, food_id: str) -> str:
        return self._texts_of("category")[food_id]

    def _texts_of(self, column: str) -> dict[str, str]:
        """food_id -> the column's cell as text: a dict lookup where ``foods.at`` cost 10 us (a cohort's
        first run asks tens of thousands of times)."""
        texts = self.__dict__.get(f"_{column}_by_id")
        if texts is None:
            texts = dict(zip(self.foods.index, map(str, self.foods[column].to_numpy()), strict=True))
            self.__dict__[f"_{column}_by_id"] = texts  # a frozen dataclass: kept as cached_property does
        return texts

    def same_foods(self, food_id: str) -> tuple[str, ...]:
        """The foods of the other tables that are this food (``same_as``, either way: SR28's "Broccoli, raw"
        and FNDDS's survey food that is it), in the tables' order; () if none."""
        return self._same_foods.get(food_id, ())

    @cached_property
    def _same_foods(self) -> dict[str, tuple[str, ...]]:
        same: dict[str, list[str]] = {}
        for food_id, other in zip(self.foods.index, self.foods["same_as"].to_numpy(), strict=True):
            if other and other != food_id and other in self.foods.index:
                same.setdefault(other, []).append(food_id)
                same.setdefault(food_id, []).append(other)
        return {food_id: tuple(dict.fromkeys(ids)) for food_id, ids in same.items()}

    @cached_property
    def _edition_by_key(self) -> dict[str, Edition]:
        return {e.key: e for e in self.editions}

    def edition(self, food_id: str) -> Edition:
        """The table a food comes from (provenance of every number derived from it)."""
        return self._edition_by_key[str(self.foods.at[food_id, "table"])]

    def resolve_id(self, text: str) -> str | None:
        """A food id as a user wrote it ("11457", "1123", "27540310", "fndds:27540310",
        "granola-bar") -> the id of a food in this table, or None."""
        text = str(text).strip()
        if self.has(text):
            return text
        for edition in self.editions:
            found = edition.canonical_id(text)
            if found and self.has(found):
                return found
        return None

    @cached_property
    def portions_by_food(self) -> dict[str, list[dict]]:
        """Each food's portion records in the table's own order (all foods)."""
        return {food_id: self.portions_of(food_id) for food_id in self._portion_rows}

    @cached_property
    def _portion_rows(self) -> dict[str, np.ndarray]:
        """Each food's row positions, ascending (a stable sort of the factorized ids; twice as fast as groupby)."""
        codes, ids = pd.factorize(self.portions["food_id"].to_numpy(dtype=object))
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(ids) + 1))
        return {food_id: order[bounds[j] : bounds[j + 1]] for j, food_id in enumerate(ids)}

    @cached_property
    def _portion_cells(self) -> dict[str, list]:
        return {c: self.portions[c].tolist() for c in self.portions.columns}

    @cached_property
    def _portion_records(self) -> dict[str, list[dict]]:
        return {}

    def portions_of(self, food_id: str) -> list[dict]:
        """The food's portion records in the table's own order, as DataFrame.to_dict("records") gives
        them. Built per food when first asked for: all 43,000 at once took a quarter of a small diary's run."""
        records = self._portion_records.get(food_id)
        if records is None:
            cells = self._portion_cells
            rows = self._portion_rows.get(food_id, ())
            records = [{column: values[i] for column, values in cells.items()} for i in rows]
            self._portion_records[food_id] = records
        return records

    def combined(self, other: FoodTable) -> FoodTable:
        """This table and ``other`` as one (ids never collide: each table has its own id shape)."""
        foods = pd.concat([self.foods, other.foods])
        portions = pd.concat([self.portions, other.portions], ignore_index=True)
        editions = self.editions + tuple(e for e in other.editions if e.key not in {x.key for x in self.editions})
        return FoodTable(foods, portions, editions)

    def with_custom(self, custom: FoodTable) -> FoodTable:
        return self.combined(custom)

    def rank_priors(self) -> np.ndarray:
        """Each food's table prior (Edition.rank_prior), in row order."""
        priors = {e.key: e.rank_prior for e in self.editions}
        return self.foods["table"].map(priors).fillna(0.0).to_numpy(dtype=float)

    def single_foods(self) -> np.ndarray:
        """Per row: a single food (an ingredient table's food, or a recipe that is one ingredient),
        as opposed to a dish made of several foods."""
        recipe_tables = [e.key for e in self.editions if e.recipes]
        return ~self.foods["table"].isin(recipe_tables).to_numpy() | (self.foods["same_as"].to_numpy() != "")

    def example_names(self) -> np.ndarray:
        """Per row: whether the food's search text holds examples rather than names (Edition)."""
        keys = [e.key for e in self.editions if e.names_are_examples]
        return self.foods["table"].isin(keys).to_numpy()

    def only(self, key: str) -> pd.DataFrame:
        """The foods of one table ("sr28")."""
        return self.foods[self.foods["table"] == key]


def read_food_csv(path: Path, table: str, renames: dict[str, str] | None = None) -> pd.DataFrame:
    """A built food table CSV -> FOOD_COLUMNS (nutrients as float, empty = NaN, never 0)."""
    text_columns = ["food_id", "description", "food_group", "category", "same_as", "vitamin_d_basis", *(renames or {})]
    foods = pd.read_csv(
        path,
        dtype={**{c: str for c in text_columns}, **{c: "float64" for c in NUTRIENT_COLUMNS}},
        keep_default_na=False,
        na_values={c: [""] for c in NUTRIENT_COLUMNS},
    )
    foods = foods.rename(columns=renames or {})
    foods["table"] = table
    if "same_as" not in foods:
        foods["same_as"] = ""
    return foods[FOOD_COLUMNS].set_index("food_id", drop=False)


def read_portion_csv(path: Path) -> pd.DataFrame:
    portions = pd.read_csv(
        path, dtype={"food_id": str, "measure": str, "unit": str, "kind": str}, keep_default_na=False
    )[PORTION_COLUMNS]
    portions["ml"] = pd.to_numeric(portions["ml"], errors="coerce")  # empty: no known volume
    return portions
