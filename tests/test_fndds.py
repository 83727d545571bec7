"""The survey-food table (USDA FNDDS 2.0) built by tools/build_fndds.py."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SHARED

DATA = ROOT / "nutri" / "data"


def rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_survey_food_with_an_unambiguous_id():
    foods = rows("fndds_foods.csv")
    assert len(foods) == 6940
    assert all(f["food_id"].startswith("fndds:") and len(f["food_id"]) == 14 for f in foods)


def test_turkey_sandwich_from_its_recipe():
    food = next(f for f in rows("fndds_foods.csv") if f["food_id"] == "fndds:27540310")
    assert food["description"] == "Turkey sandwich, with spread" and food["category"] == "mixed_dishes"
    assert "roast turkey sandwich" in food["additional_descriptions"]
    # 85.05 g roast turkey + 6.875 g mayonnaise + 52 g white bread + 0.3 g salt, per 100 g
    assert 55 <= float(food["calcium_mg"]) <= 65 and 330 <= float(food["sodium_mg"]) <= 360
    assert food["vitamin_d_ug"] != "" and food["vitamin_d_basis"] == "sr28_ingredients"
    portions = [p for p in rows("fndds_portions.csv") if p["food_id"] == "fndds:27540310"]
    assert [(p["amount"], p["measure"], p["grams"]) for p in portions] == [
        ("1", "sandwich", "143"),
        ("1", "Quantity not specified", "143"),
    ]


def test_retired_ingredient_leaves_nutrients_unknown_never_zero():
    # Cheeseburger: its beef patty is SR 99991, retired before SR28 with no reliable successor
    food = next(f for f in rows("fndds_foods.csv") if f["food_id"] == "fndds:27510210")
    assert all(food[c] == "" for c in ("energy_kcal", "calcium_mg", "magnesium_mg", "vitamin_d_ug"))
    # a moisture loss concentrates: boiled-down foods hold more per 100 g than their recipe
    assert any(f["water_g"] not in ("", "0") for f in rows("fndds_foods.csv"))


def test_portion_text_split_into_amount_and_measure():
    portions = rows("fndds_portions.csv")
    measures = {p["measure"] for p in portions}
    assert {"sandwich", "cup", "slice", "Quantity not specified"} <= measures
    assert any(p["measure"].startswith("mug (8 fl oz)") for p in portions)
    assert not any(m.startswith("Guideline amount") for m in measures)  # amounts added to other foods
    assert all(float(p["grams"]) > 0 and float(p["amount"]) > 0 for p in portions)


FNDDS_DIRS = [
    Path(p) for p in (os.environ.get("NUTRI_FNDDS_DIR", ""), str(SHARED / "fndds2"), "/work/shared/fndds2") if p
]
FNDDS = next((d for d in FNDDS_DIRS if (d / "MainFoodDesc.txt").is_file()), None)
SR28_DIRS = [
    Path(p) for p in (os.environ.get("NUTRI_SR28_DIR", ""), str(SHARED / "usda-sr28"), "/work/shared/usda-sr28") if p
]
SR28 = next((d for d in SR28_DIRS if (d / "FOOD_DES.txt").is_file()), None)


@pytest.mark.skipif(
    FNDDS is None or SR28 is None,
    reason="no FNDDS 2.0 or SR28 folder: set NUTRI_FNDDS_DIR and NUTRI_SR28_DIR (see README, Data)",
)
def test_rebuild_is_byte_for_byte(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_fndds.py"), str(FNDDS), str(SR28), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert "retired SR numbers without a reliable SR28 successor" in done.stdout
    for name in ("fndds_foods.csv", "fndds_portions.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_a_survey_food_made_up_with_water_is_not_water():
    # "Coffee, presweetened with sugar" is 90% water, but its energy and caffeine come from the rest
    foods = {f["food_id"]: f for f in rows("fndds_foods.csv")}
    assert foods["fndds:92130020"]["same_as"] == ""
    assert foods["fndds:11000000"]["same_as"] == "01107"  # human milk is one SR28 food


def test_a_juice_is_not_the_whole_food_its_recipe_is_made_of(matcher):
    # "Watermelon juice" is recipe-linked to raw watermelon alone, but a cup of it is a cup of liquid
    foods = {f["food_id"]: f for f in rows("fndds_foods.csv")}
    assert foods["fndds:64133100"]["same_as"] == ""
    assert foods["fndds:75132100"]["same_as"] == ""  # celery juice, not boiled celery
    assert foods["fndds:64120010"]["same_as"] == "09229"  # papaya juice is papaya nectar, a drink too
    assert matcher.match("Watermelon Juice").food_id == "fndds:64133100"
