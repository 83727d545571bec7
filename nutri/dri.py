"""Dietary Reference Intakes by profile (sex, age, pregnancy, lactation) and assessment."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from nutri.errors import UsageError
from nutri.foods import data_file
from nutri.nutrients import ASSESSED



@dataclass(frozen=True)
class Profile:
    sex: str = "female"
    age: float = 40
    life_stage: str = "general"  # general | pregnancy | lactation
    assumed: bool = False  # True when nothing was given and the default adult woman 31-50 is used

    def __post_init__(self) -> None:
        if self.sex not in ("female", "male"):
            raise UsageError(f"sex {self.sex!r}: use female or male")
        if not (0 <= self.age <= 120):
            raise UsageError(f"age {self.age}: give an age in years between 0 and 120")
        if self.life_stage not in ("general", "pregnancy", "lactation"):
            raise UsageError(f"life stage {self.life_stage!r}: use general, pregnancy or lactation")
        if self.life_stage != "general" and (self.sex != "female" or not 14 <= self.age <= 50):
            raise UsageError("pregnancy and lactation DRIs exist for females aged 14-50; check --sex/--age")

    def describe(self) -> str:
        stage = {"pregnancy": ", pregnant", "lactation": ", lactating"}.get(self.life_stage, "")
        return f"{self.sex}, age {self.age:g}{stage}"


@dataclass(frozen=True)
class Reference:
    nutrient: str
    column: str
    unit: str
    ear: float | None
    rda: float | None
    ai: float | None
    ul: float | None
    ul_note: str
    row: str  # which DRI row: "magnesium female 31-50 general"

    @property
    def target(self) -> float | None:
        return self.rda if self.rda is not None else self.ai

    @property
    def ul_supplemental_only(self) -> bool:
        return "ONLY to supplemental" in self.ul_note


@lru_cache(maxsize=1)
def dri_table() -> pd.DataFrame:
    return pd.read_csv(data_file("dri.csv"), dtype={"nutrient": str, "unit": str, "sex": str, "life_stage": str, "ul_note": str}, keep_default_na=False, na_values={c: [""] for c in ("age_min_years", "age_max_years", "ear", "rda", "ai", "ul")})


@lru_cache(maxsize=1)
def guidance() -> dict:
    return json.loads(data_file("guidance.json").read_text(encoding="utf-8"))


def _num(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def references(profile: Profile) -> dict[str, Reference]:
    table = dri_table()
    out = {}
    for record in ASSESSED:
        nutrient, column = record.key, record.column
        rows = table[(table["nutrient"] == nutrient) & (table["unit"] == record.dri_unit) & (table["life_stage"] == profile.life_stage)]
        rows = rows[rows["sex"].isin([profile.sex, "both"])]
        # completed years: age 50.5 is in 31-50; the 71+ group has no upper bound
        age = math.floor(profile.age) if profile.age >= 1 else profile.age
        fit = rows[(rows["age_min_years"] <= age) & (rows["age_max_years"].isna() | (age <= rows["age_max_years"]) | ((rows["age_max_years"] < 1) & (age < rows["age_max_years"])))]
        if profile.age < 1:
            fit = rows[(rows["age_min_years"] <= profile.age) & (profile.age < rows["age_max_years"].fillna(200))]
        if fit.empty:
            raise UsageError(f"no DRI row for {nutrient} and {profile.describe()}")
        row = fit.iloc[0]
        age_range = f"{row['age_min_years']:g}-{row['age_max_years']:g}" if not pd.isna(row["age_max_years"]) else f"{row['age_min_years']:g}+"
        out[nutrient] = Reference(nutrient, column, record.unit, _num(row["ear"]), _num(row["rda"]), _num(row["ai"]), _num(row["ul"]), str(row["ul_note"]), f"dri.csv: {nutrient} {row['sex']} {age_range} y {row['life_stage']}")
    return out


def water_ai_g(profile: Profile) -> float | None:
    for row in guidance()["water"]["ai_g_per_day"]:
        if row["life_stage"] == profile.life_stage and row["sex"] == profile.sex and row["age_min"] <= profile.age and (row["age_max"] is None or profile.age < row["age_max"] + 1):
            return float(row["ai"])
    return None


def alcohol_limit_g(profile: Profile) -> float:
    g = guidance()["alcohol"]
    if profile.life_stage == "pregnancy":
        return 0.0
    return g["limit_drinks_per_day"][profile.sex] * g["standard_drink_g"]
