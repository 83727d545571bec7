"""The nutrient registry: everything nutri knows about a nutrient, in one record.

Columns of foods.csv and of diary entries, export headers, supplement names, DRI rows, the source
document's sections, day tables and renderers all iterate over ``NUTRIENTS`` instead of keeping
lists of their own, so adding a nutrient is one record here plus its data rows (see the README's
developer section for the count).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Role(str, Enum):
    """What the report does with a nutrient."""

    ASSESSED = "assessed"  # judged against EAR/RDA/AI/UL rows of dri.csv
    LIFESTYLE = "lifestyle"  # compared with guidance.json (caffeine, alcohol, water), never a DRI verdict
    CONTEXT = "context"  # shown beside the others (energy) or kept in foods.csv only


@dataclass(frozen=True)
class Nutrient:
    key: str  # "magnesium": DRI rows, document sections and JSON keys use it
    column: str  # "magnesium_mg": value per 100 g in food tables, per entry and per day in diaries
    label: str  # "Magnesium"
    unit: str  # display unit: "mg", "µg", "g", "kcal"
    role: Role
    sr28_number: str  # nutrient number in SR28 NUTR_DEF / NUT_DATA
    export_pattern: str  # regex on an export header's name, lower case, punctuation as spaces
    supplement_pattern: str | None = None  # regex naming a supplement of this nutrient in diary text
    dri_unit: str | None = None  # unit of its rows in dri.csv ("mg", "mcg")
    per_entry: bool = True  # a column of `nutri match` output and of the day tables
    iu_per_unit: float | None = None  # international units per display unit, where IU are defined
    decimals: int = 0  # decimals shown in day tables (values of 100 and more are shown whole)
    short: str = ""  # column heading in day tables ("Mg"); the label when empty
    # the variable of NCI's ASA24 analysis files (Items, INS) holding it, in this record's column unit
    # (ASA24 researcher data dictionaries: minerals and B vitamins in mg, vitamin D and B12 in mcg,
    # alcohol and moisture in g, energy in kcal)
    asa24_variable: str | None = None
    # the same in NHANES's individual foods files (What We Eat in America, DR1IFF/DR2IFF): the header is
    # DR1I or DR2I before it (DR1IMAGN), in the same units; ASA24's names differ for two (VITD/VD, ALC/ALCO)
    nhanes_variable: str | None = None

    @property
    def assessed(self) -> bool:
        return self.role is Role.ASSESSED

    @property
    def export_regex(self) -> re.Pattern[str]:
        return _compiled(self.export_pattern, 0)

    @property
    def supplement_regex(self) -> re.Pattern[str] | None:
        return _compiled(self.supplement_pattern, re.IGNORECASE) if self.supplement_pattern else None

    @property
    def column_unit(self) -> str:
        """The unit written in the column name ("ug" in vitamin_d_ug)."""
        return self.column.rsplit("_", 1)[1]


_PATTERNS: dict[tuple[str, int], re.Pattern[str]] = {}


def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    key = (pattern, flags)
    if key not in _PATTERNS:
        _PATTERNS[key] = re.compile(pattern, flags)
    return _PATTERNS[key]


# 1 µg cholecalciferol = 40 IU (NASEM DRI tables); IU are defined per vitamin, so only here.
IU_PER_UG_VITAMIN_D = 40.0

# Order: the assessed nutrients in report order, then lifestyle factors, then the rest. The order of
# `per_entry` nutrients is the order of `nutri match` columns (a contract).
NUTRIENTS: tuple[Nutrient, ...] = (
    Nutrient(
        "magnesium",
        "magnesium_mg",
        "Magnesium",
        "mg",
        Role.ASSESSED,
        "304",
        r"^magnesium$",
        r"\bmagnesium\b",
        "mg",
        short="Mg",
        decimals=1,
        asa24_variable="MAGN",
        nhanes_variable="MAGN",
    ),
    Nutrient(
        "calcium",
        "calcium_mg",
        "Calcium",
        "mg",
        Role.ASSESSED,
        "301",
        r"^calcium$",
        r"\bcalcium\b",
        "mg",
        short="Ca",
        decimals=1,
        asa24_variable="CALC",
        nhanes_variable="CALC",
    ),
    Nutrient(
        "vitamin_d",
        "vitamin_d_ug",
        "Vitamin D",
        "µg",
        Role.ASSESSED,
        "328",
        r"^vitamin d\b",
        r"\bvit(amin)?\.?\s*d\s*[23]?\b|\bd[23]\b|\bcholecalciferol\b|\bergocalciferol\b",
        "mcg",
        iu_per_unit=IU_PER_UG_VITAMIN_D,
        decimals=1,
        short="Vit D",
        asa24_variable="VITD",
        nhanes_variable="VD",
    ),
    Nutrient(
        "vitamin_b12",
        "vitamin_b12_ug",
        "Vitamin B12",
        "µg",
        Role.ASSESSED,
        "418",
        r"\bb12\b|cobalamin",
        r"\b(vit(amin)?\.?\s*)?b\s*-?12\b|cobalamin",
        "mcg",
        decimals=1,
        short="B12",
        asa24_variable="VB12",
        nhanes_variable="VB12",
    ),
    Nutrient(
        "thiamin",
        "thiamin_mg",
        "Thiamin (B1)",
        "mg",
        Role.ASSESSED,
        "404",
        r"\bb1\b|thiamin",
        r"\b(vit(amin)?\.?\s*)?b\s*-?1\b|thiamin",
        "mg",
        decimals=2,
        short="B1",
        asa24_variable="VB1",
        nhanes_variable="VB1",
    ),
    Nutrient(
        "vitamin_b6",
        "vitamin_b6_mg",
        "Vitamin B6",
        "mg",
        Role.ASSESSED,
        "415",
        r"\bb6\b|pyridoxine",
        r"\b(vit(amin)?\.?\s*)?b\s*-?6\b|pyridox",
        "mg",
        decimals=2,
        short="B6",
        asa24_variable="VB6",
        nhanes_variable="VB6",
    ),
    Nutrient(
        "caffeine",
        "caffeine_mg",
        "Caffeine",
        "mg",
        Role.LIFESTYLE,
        "262",
        r"^caffeine$",
        short="Caffeine",
        asa24_variable="CAFF",
        nhanes_variable="CAFF",
    ),
    Nutrient(
        "alcohol",
        "alcohol_g",
        "Alcohol",
        "g",
        Role.LIFESTYLE,
        "221",
        r"^alcohol$",
        decimals=1,
        short="Alcohol",
        asa24_variable="ALC",
        nhanes_variable="ALCO",
    ),
    Nutrient(
        "water",
        "water_g",
        "Water",
        "g",
        Role.LIFESTYLE,
        "255",
        r"^water$",
        short="Water",
        asa24_variable="MOIS",
        nhanes_variable="MOIS",
    ),
    Nutrient(
        "energy",
        "energy_kcal",
        "Energy",
        "kcal",
        Role.CONTEXT,
        "208",
        r"^(energy|calories)$",
        short="kcal",
        asa24_variable="KCAL",
        nhanes_variable="KCAL",
    ),
    Nutrient(
        "potassium",
        "potassium_mg",
        "Potassium",
        "mg",
        Role.CONTEXT,
        "306",
        r"^potassium$",
        per_entry=False,
        asa24_variable="POTA",
        nhanes_variable="POTA",
    ),
    Nutrient(
        "sodium",
        "sodium_mg",
        "Sodium",
        "mg",
        Role.CONTEXT,
        "307",
        r"^sodium$",
        per_entry=False,
        asa24_variable="SODI",
        nhanes_variable="SODI",
    ),
)

NUTRIENT_BY_KEY: dict[str, Nutrient] = {n.key: n for n in NUTRIENTS}
NUTRIENT_BY_COLUMN: dict[str, Nutrient] = {n.column: n for n in NUTRIENTS}
# every nutrient column of a food table, in foods.csv order: the columns of release 0.1 first (energy and
# water first, as SR28 lists them), then any nutrient registered since, in registry order
_FIRST_COLUMNS = (
    "energy",
    "water",
    "calcium",
    "magnesium",
    "vitamin_d",
    "vitamin_b12",
    "thiamin",
    "vitamin_b6",
    "caffeine",
    "alcohol",
    "potassium",
    "sodium",
)
TABLE_ORDER = _FIRST_COLUMNS + tuple(n.key for n in NUTRIENTS if n.key not in _FIRST_COLUMNS)
NUTRIENT_COLUMNS: list[str] = [NUTRIENT_BY_KEY[k].column for k in TABLE_ORDER]
ENTRY_NUTRIENTS: tuple[Nutrient, ...] = tuple(n for n in NUTRIENTS if n.per_entry)
ENTRY_NUTRIENT_COLUMNS: list[str] = [n.column for n in ENTRY_NUTRIENTS]
ASSESSED: tuple[Nutrient, ...] = tuple(n for n in NUTRIENTS if n.assessed)
SUPPLEMENTABLE: tuple[Nutrient, ...] = tuple(n for n in NUTRIENTS if n.supplement_pattern)
ENERGY = NUTRIENT_BY_KEY["energy"]


def nutrient(key_or_column: str) -> Nutrient:
    """The record for a key ("magnesium") or a column ("magnesium_mg"); KeyError names both forms."""
    found = NUTRIENT_BY_KEY.get(key_or_column) or NUTRIENT_BY_COLUMN.get(key_or_column)
    if found is None:
        known = ", ".join(n.key for n in NUTRIENTS)
        raise KeyError(f"unknown nutrient {key_or_column!r}; registered: {known}")
    return found


def from_export_header(name: str) -> Nutrient | None:
    """The nutrient an export header names ("B12 (Cobalamin)" -> vitamin_b12), by registry order."""
    for candidate in NUTRIENTS:
        if candidate.export_regex.search(name):
            return candidate
    return None


def named_supplements(text: str) -> list[Nutrient]:
    """The nutrients a diary text names as supplements, in registry order."""
    return [n for n in SUPPLEMENTABLE if n.supplement_regex.search(text)]
