"""The DRI and variation rows of a profile are picked from the tables' rows in Python; they are the rows
the same filters on the tables as frames pick (the frame filters are kept here as the reference)."""

import math

import pytest

from nutri.assess import _variation_tables, variation
from nutri.dri import Profile, Reference, dri_table, references
from nutri.errors import UsageError
from nutri.nutrients import ASSESSED


def _frame_row(profile: Profile, record):
    table = dri_table()
    rows = table[
        (table["nutrient"] == record.key)
        & (table["unit"] == record.dri_unit)
        & (table["life_stage"] == profile.life_stage)
    ]
    rows = rows[rows["sex"].isin([profile.sex, "both"])]
    age = math.floor(profile.age) if profile.age >= 1 else profile.age
    fit = rows[
        (rows["age_min_years"] <= age)
        & (
            rows["age_max_years"].isna()
            | (age <= rows["age_max_years"])
            | ((rows["age_max_years"] < 1) & (age < rows["age_max_years"]))
        )
    ]
    if profile.age < 1:
        fit = rows[(rows["age_min_years"] <= profile.age) & (profile.age < rows["age_max_years"].fillna(200))]
    return None if fit.empty else fit.iloc[0]


def _frame_sd(nutrient: str, profile: Profile):
    published, _ = _variation_tables()
    rows = published[(published["nutrient"] == nutrient) & published["sex"].isin([profile.sex, "both"])]
    rows = rows[(rows["life_stage"] == profile.life_stage) & (rows["age_min_years"] <= profile.age)]
    rows = rows[rows["age_max_years"].isna() | (math.floor(profile.age) <= rows["age_max_years"])]
    return None if rows.empty else (float(rows.iloc[0]["sd_within"]), str(rows.iloc[0]["source"]))


def _profiles():
    ages = sorted(set(range(121)) | {0.4, 0.49, 0.5, 0.99, 3.5, 8.5, 13.99, 18.5, 30.99, 50.5, 70.9})
    for sex in ("female", "male"):
        for stage in ("general", "pregnancy", "lactation"):
            for age in ages:
                try:
                    yield Profile(sex, age, stage)
                except UsageError:
                    continue  # a profile nutri refuses (an infant, pregnancy outside 14-50)


@pytest.mark.parametrize("stage", ["general", "pregnancy", "lactation"])
def test_each_profiles_dri_and_variation_rows_are_the_frame_filters_rows(stage):
    for profile in (p for p in _profiles() if p.life_stage == stage):
        try:
            refs = references(profile)
        except UsageError:
            refs = None
        for record in ASSESSED:
            row = _frame_row(profile, record)
            if row is None:
                assert refs is None, profile
                continue
            ages = f"{row['age_min_years']:g}" + (
                "+" if math.isnan(row["age_max_years"]) else f"-{row['age_max_years']:g}"
            )
            values = (None if math.isnan(row[c]) else float(row[c]) for c in ("ear", "rda", "ai", "ul"))
            expected = Reference(
                record.key,
                record.column,
                record.unit,
                *values,
                str(row["ul_note"]),
                f"dri.csv: {record.key} {row['sex']} {ages} y {row['life_stage']}",
            )
            assert refs[record.key] == expected, profile
            found = variation(record.key, profile)
            expected = _frame_sd(record.key, profile)
            assert (found.sd_within, found.source) == expected or (expected is None and found.sd_within is None)
