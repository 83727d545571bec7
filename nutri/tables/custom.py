"""Custom foods adapter: the user's own CSV (``--foods``), read at run time.

Columns: food_id, description, any nutrient columns per 100 g, optional food_group and category
(one of ours, default ``custom``), and ``portions`` listing the food's own measures as
``MEASURE=GRAMS`` separated by ``;`` (``1 bar=45; 1 cup=240``). A food_id must not look like an
id of a shipped table: it is stored as ``custom:<id>`` so it can never shadow a USDA food.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from nutri.errors import DataFileError
from nutri.nutrients import NUTRIENT_COLUMNS
from nutri.quantity import classify_measure
from nutri.tables import fndds, sr28
from nutri.tables.base import (
    CATEGORIES,
    FOOD_COLUMNS,
    PORTION_COLUMNS,
    Edition,
    FoodTable,
)

EDITION = Edition("custom", "your custom foods file", "custom", id_prefix="custom:", any_bare_id=True)
CUSTOM_PREFIX = EDITION.id_prefix
OPTIONAL = ("food_group", "category", "portions")


def _shipped_shape(food_id: str) -> bool:
    """Whether an id is exactly the shape of a shipped table's id (a 5-digit SR28 number, an
    8-digit or prefixed FNDDS code), so a custom food could be mistaken for it."""
    return any(
        (e.id_prefix and food_id.startswith(e.id_prefix)) or (food_id.isdigit() and len(food_id) == e.pad_to)
        for e in (sr28.EDITION, fndds.EDITION)
    )


def _record(path: Path, line_no: int, row: dict) -> dict:
    raw_id = (row.get("food_id") or "").strip()
    if not raw_id or _shipped_shape(raw_id):
        raise DataFileError(
            f"{path}, line {line_no}: food_id {raw_id!r} is empty or looks like a USDA id; "
            "give custom foods a name such as 'granola-bar'"
        )
    category = (row.get("category") or "custom").strip()
    if category not in CATEGORIES:
        raise DataFileError(f"{path}, line {line_no}: category {category!r} is not one of {', '.join(CATEGORIES)}")
    food_id = raw_id if raw_id.startswith(CUSTOM_PREFIX) else CUSTOM_PREFIX + raw_id
    record = {
        "food_id": food_id,
        "description": (row.get("description") or raw_id).strip(),
        "search_text": "",
        "food_group": (row.get("food_group") or "Custom foods").strip(),
        "category": category,
        "table": EDITION.key,
        "same_as": "",
        "vitamin_d_basis": "",
    }
    for column in NUTRIENT_COLUMNS:
        cell = (row.get(column) or "").strip()
        try:
            record[column] = float(cell) if cell else float("nan")
        except ValueError:
            raise DataFileError(
                f"{path}, line {line_no}: {column} is {cell!r}, not a number; leave it empty if unknown"
            ) from None
        if record[column] < 0 or record[column] in (float("inf"), float("-inf")):
            raise DataFileError(f"{path}, line {line_no}: {column} is {cell!r}, not a finite amount per 100 g")
    return record


def _portions(path: Path, line_no: int, food_id: str, text: str) -> list[dict]:
    portions = []
    for seq, part in enumerate(filter(None, (p.strip() for p in text.split(";"))), start=1):
        measure, _, grams = part.rpartition("=")
        match = re.match(r"^\s*(\d+(?:\.\d+)?)?\s*(.+?)\s*$", measure)
        try:
            grams_value = float(grams)
        except ValueError:
            grams_value = -1
        if not measure or not match or grams_value <= 0:
            raise DataFileError(f"{path}, line {line_no}: portion {part!r} is not MEASURE=GRAMS (e.g. '1 bar=45')")
        amount = float(match.group(1) or 1)
        unit, kind, ml = classify_measure(amount, match.group(2))
        portions.append(
            {
                "food_id": food_id,
                "seq": seq,
                "amount": amount,
                "measure": match.group(2),
                "grams": grams_value,
                "unit": unit,
                "kind": kind,
                "ml": ml,
            }
        )
    return portions


def load(path: Path) -> FoodTable:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read custom foods ({exc.strerror}); check the path") from None
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not UTF-8 text; save the custom foods file as UTF-8 CSV") from None
    except csv.Error as exc:  # a field over the size limit, a NUL byte
        raise DataFileError(f"{path}: not readable as CSV ({exc}); save the custom foods file as a plain CSV") from None
    if not rows or "food_id" not in rows[0] or "description" not in rows[0]:
        raise DataFileError(
            f"{path}: a custom foods file needs the columns food_id and description "
            "(plus nutrients such as magnesium_mg per 100 g)"
        )
    unknown = [c for c in rows[0] if c not in ("food_id", "description", *OPTIONAL, *NUTRIENT_COLUMNS)]
    if unknown:
        raise DataFileError(
            f"{path}: unknown column {unknown[0]!r}; nutrient columns are {', '.join(NUTRIENT_COLUMNS)}"
        )
    records, portions = [], []
    seen: dict[str, int] = {}
    for line_no, row in enumerate(rows, start=2):
        record = _record(path, line_no, row)
        if record["food_id"] in seen:
            raise DataFileError(
                f"{path}, line {line_no}: food_id {row['food_id'].strip()!r} is already defined on line "
                f"{seen[record['food_id']]}; give each food its own id"
            )
        seen[record["food_id"]] = line_no
        records.append(record)
        portions.extend(_portions(path, line_no, record["food_id"], row.get("portions") or ""))
    foods = pd.DataFrame.from_records(records, columns=FOOD_COLUMNS).set_index("food_id", drop=False)
    return FoodTable(foods, pd.DataFrame(portions, columns=PORTION_COLUMNS), (EDITION,))
