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
    sex_given: bool = True  # False when an age came without a sex: female values, and the report says so

    def __post_init__(self) -> None:
        if self.sex not in ("female", "male"):
            raise UsageError(f"sex {self.sex!r}: use female or male")
        if not (0 <= self.age <= 120):
            raise UsageError(f"age {self.age}: give an age in years between 0 and 120")
        if self.age < guidance()["minimum_age_years"]:
            raise UsageError(f"age {self.age:g}: {guidance()['infant_refusal']}")
        if self.life_stage not in ("general", "pregnancy", "lactation"):
            raise UsageError(f"life stage {self.life_stage!r}: use general, pregnancy or lactation")
        if self.life_stage != "general" and (self.sex != "female" or not 14 <= self.age <= 50):
            raise UsageError(
                "pregnancy and lactation DRIs exist for females aged 14-50",
                fix="check the sex and age given, or leave pregnancy and lactation out",
            )

    def describe(self) -> str:
        stage = {"pregnancy": ", pregnant", "lactation": ", lactating"}.get(self.life_stage, "")
        if not self.sex_given and not self.assumed:
            return f"age {self.age:g}{stage} ({guidance()['sex_not_given']})"
        return f"{self.sex}, age {self.age:g}{stage}"

    @property
    def years(self) -> int:
        """Completed years: DRI groups are labelled in them (50.5 is in 31-50)."""
        return math.floor(self.age)

    def in_group(self, row: dict) -> bool:
        """Whether a guidance row (sex, age_min, age_max, life_stage) covers this profile."""
        if row.get("sex", "both") not in ("both", self.sex):
            return False
        if row.get("life_stage", "any") not in ("any", self.life_stage):
            return False
        return row["age_min"] <= self.years and (row["age_max"] is None or self.years <= row["age_max"])


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
    return pd.read_csv(
        data_file("dri.csv"),
        dtype={"nutrient": str, "unit": str, "sex": str, "life_stage": str, "ul_note": str},
        keep_default_na=False,
        na_values={c: [""] for c in ("age_min_years", "age_max_years", "ear", "rda", "ai", "ul")},
    )


@lru_cache(maxsize=1)
def guidance() -> dict:
    return json.loads(data_file("guidance.json").read_text(encoding="utf-8"))


def _num(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def references(profile: Profile) -> dict[str, Reference]:
    """Each assessed nutrient's DRI row for the profile. The lookup is the same for every period of a
    report and costs about as much as a small report; it is done once per profile (a fresh dict each
    call, so a caller that edits its copy changes no one else's; References are frozen)."""
    return dict(_references(profile))


@lru_cache(maxsize=1)
def _dri_records() -> tuple[dict, ...]:
    """dri.csv's rows as dicts: a profile's rows are picked from these few hundred in Python (the same
    filters on the frame, some fifty pandas operations on a small table, took 10 ms of every report)."""
    return tuple(dri_table().to_dict("records"))


def is_missing(value) -> bool:
    """An empty numeric cell of a table read as records (NaN)."""
    return isinstance(value, float) and math.isnan(value)


@lru_cache(maxsize=64)
def _references(profile: Profile) -> dict[str, Reference]:
    # completed years: age 50.5 is in 31-50; the 71+ group has no upper bound; under 1, the age itself
    age = math.floor(profile.age) if profile.age >= 1 else profile.age
    out = {}
    for record in ASSESSED:
        nutrient, column = record.key, record.column
        rows = [
            r
            for r in _dri_records()
            if r["nutrient"] == nutrient
            and r["unit"] == record.dri_unit
            and r["life_stage"] == profile.life_stage
            and r["sex"] in (profile.sex, "both")
        ]
        if profile.age < 1:
            fit = [
                r
                for r in rows
                if r["age_min_years"] <= age < (200 if is_missing(r["age_max_years"]) else r["age_max_years"])
            ]
        else:
            fit = [
                r
                for r in rows
                if r["age_min_years"] <= age and (is_missing(r["age_max_years"]) or age <= r["age_max_years"])
            ]
        if not fit:
            raise UsageError(f"no DRI row for {nutrient} and {profile.describe()}")
        row = fit[0]
        age_range = (
            f"{row['age_min_years']:g}-{row['age_max_years']:g}"
            if not is_missing(row["age_max_years"])
            else f"{row['age_min_years']:g}+"
        )
        out[nutrient] = Reference(
            nutrient,
            column,
            record.unit,
            _num(row["ear"]),
            _num(row["rda"]),
            _num(row["ai"]),
            _num(row["ul"]),
            str(row["ul_note"]),
            f"dri.csv: {nutrient} {row['sex']} {age_range} y {row['life_stage']}",
        )
    return out


def water_ai_g(profile: Profile) -> float | None:
    """NASEM 2005 Adequate Intake of total water for the profile's life stage (every group from age 1)."""
    for row in guidance()["water"]["ai_g_per_day"]:
        if profile.in_group(row):
            return float(row["ai"])
    return None


@dataclass(frozen=True)
class Limit:
    """A guidance limit (not a DRI): its value per day, whom it is for, and its source."""

    value: float
    unit: str
    basis: str
    source: str


def reference_weight_kg(profile: Profile) -> float | None:
    for row in guidance()["reference_weights"]["kg"]:
        if profile.in_group(row):
            return float(row["kg"])
    return None


def caffeine_limit(profile: Profile) -> Limit:
    """The lowest caffeine limit among the rows for the profile's age and life stage: a pregnant
    17-year-old gets the adolescent 2.5 mg/kg, not the pregnancy 200 mg."""
    found = []
    for row in guidance()["caffeine"]["limits"]:
        # rows for an age band (children, adolescents) hold in every life stage; the adult row only in general
        by_age = row["life_stage"] == "general" and row["age_max"] is not None
        stage_fits = row["life_stage"] == profile.life_stage or by_age
        if not stage_fits or not profile.in_group({**row, "life_stage": "any"}):
            continue
        if "mg_per_kg" in row:
            kg = reference_weight_kg(profile)
            basis = f"{row['basis']} ({row['mg_per_kg']:g} mg/kg x {kg:g} kg)"
            source = f"{row['source']}; {guidance()['reference_weights']['source']}"
            found.append(Limit(round(row["mg_per_kg"] * kg, 1), "mg", basis, source))
        else:
            found.append(Limit(float(row["mg"]), "mg", row["basis"], row["source"]))
    return min(found, key=lambda limit: limit.value)


def alcohol_limit(profile: Profile) -> Limit:
    """No allowance under the legal drinking age or in pregnancy; one drink in lactation; else the DGA."""
    g = guidance()["alcohol"]
    if profile.age < g["legal_drinking_age"]:
        return Limit(0.0, "g", g["under_age"], g["source"])
    if profile.life_stage == "pregnancy":
        return Limit(0.0, "g", g["pregnancy"], g["source"])
    if profile.life_stage == "lactation":
        lactation = g["lactation"]
        return Limit(lactation["drinks_per_day"] * g["standard_drink_g"], "g", lactation["note"], lactation["source"])
    drinks = g["limit_drinks_per_day"][profile.sex]
    basis = f"{drinks} standard drink(s) of {g['standard_drink_g']} g a day at most, adults of legal drinking age"
    return Limit(drinks * g["standard_drink_g"], "g", basis, g["source"])


def alcohol_limit_g(profile: Profile) -> float:
    return alcohol_limit(profile).value


def child_portion_factor(profile: Profile) -> float:
    """Share of an adult portion a young child is served (CACFP meal patterns); 1 from age 6."""
    for band in guidance()["child_portions"]["bands"]:
        if profile.in_group(band):
            return float(band["factor"])
    return 1.0


def safety_ul(concern: str, profile: Profile) -> float | None:
    """The UL of a contaminant or nutrient of the advice-safety table (preformed vitamin A, selenium)."""
    table = guidance()["safety_uls"].get(concern)
    if table is None:
        return None
    for row in table["rows"]:
        if profile.in_group(row):
            return float(row["ul"])
    return None
