import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SHARED


def test_foods_csv_has_every_sr28_food(table):
    sr28 = table.only("sr28")
    assert len(sr28) == 8789 and len(table.only("fndds")) == 6940
    assert sr28["food_id"].str.fullmatch(r"\d{5}").all()
    assert table.foods.index[0] == "01001"  # leading zeros kept
    assert table.foods.index.is_unique  # ids never collide across tables


@pytest.mark.parametrize(
    "food_id, column, value",
    [
        ("11457", "magnesium_mg", 79),
        ("11457", "calcium_mg", 99),
        ("12061", "magnesium_mg", 270),
        ("15086", "vitamin_d_ug", 16.7),
        ("13326", "vitamin_b12_ug", 70.58),
    ],
)
def test_known_values(table, food_id, column, value):
    assert table.foods.at[food_id, column] == value


def test_unknown_stays_unknown():
    with open(ROOT / "foods.csv", newline="", encoding="utf-8") as handle:
        rows = {r["food_id"]: r for r in csv.DictReader(handle)}
    assert rows["15076"]["vitamin_d_ug"] == ""  # Atlantic wild salmon, raw: SR28 has no value
    assert rows["15076"]["vitamin_d_basis"] == ""
    converted = [r for r in rows.values() if r["vitamin_d_basis"] == "converted_from_iu"]
    assert converted and all(r["vitamin_d_ug"] != "" for r in converted)


def test_portions_table(table):
    assert (table.portions["food_id"].str.fullmatch(r"\d{5}")).sum() == 15438
    spinach = table.portions_of("11457")
    assert spinach[0]["measure"] == "cup" and spinach[0]["grams"] == 30


# The SR28 ASCII files: $NUTRI_SR28_DIR, else ../shared/usda-sr28 beside the checkout, else the
# team machines' copy (a clean clone for CI may live elsewhere).
SR28_DIRS = [Path(p) for p in (os.environ.get("NUTRI_SR28_DIR", ""), str(SHARED / "usda-sr28")) if p]
SR28 = next((d for d in SR28_DIRS if (d / "FOOD_DES.txt").is_file()), None)


@pytest.mark.skipif(SR28 is None, reason="no SR28 folder: set NUTRI_SR28_DIR (see README, Data)")
def test_rebuild_is_byte_for_byte(tmp_path):
    foods, portions = tmp_path / "foods.csv", tmp_path / "portions.csv"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_foods.py"),
            str(SR28),
            "--foods",
            str(foods),
            "--portions",
            str(portions),
        ],
        check=True,
        capture_output=True,
    )
    assert foods.read_bytes() == (ROOT / "foods.csv").read_bytes()
    assert portions.read_bytes() == (ROOT / "nutri" / "data" / "portions.csv").read_bytes()


def test_dri_rows_and_guidance():
    from nutri.dri import Profile, references, water_ai_g

    assert references(Profile("female", 25))["magnesium"].rda == 310
    refs = references(Profile("female", 34))
    assert (refs["magnesium"].ear, refs["magnesium"].rda, refs["magnesium"].ul) == (265, 320, 350)
    assert refs["magnesium"].ul_supplemental_only and not refs["calcium"].ul_supplemental_only
    assert refs["vitamin_d"].rda == 15 and refs["vitamin_d"].unit == "µg"
    assert refs["vitamin_b12"].ul is None
    assert references(Profile("male", 75))["vitamin_d"].rda == 20
    assert references(Profile("female", 30, "pregnancy"))["magnesium"].rda == 350
    assert water_ai_g(Profile("male", 40)) == 3700


def test_document_categories_select_sensible_foods(table):
    from nutri.advice import category_foods, document

    doc = document()["nutrients"]
    nuts = category_foods(table, next(s for s in doc["magnesium"]["sources"] if s["category"] == "Nuts"))
    descriptions = " | ".join(nuts["description"])
    assert "Nuts, almonds" in descriptions and "Nuts, cashew nuts, raw" in descriptions
    assert "coconut water" not in descriptions.lower() and "oil" not in descriptions.lower()
    greens = category_foods(table, doc["magnesium"]["sources"][0])
    assert "11457" in greens.index and not greens["food_group"].eq("Baby Foods").any()
    sardines = category_foods(table, next(s for s in doc["calcium"]["sources"] if s["category"] == "Sardines"))
    assert "15088" in sardines.index
    fish = category_foods(table, next(s for s in doc["vitamin_d"]["sources"] if s["category"] == "Oily fish"))
    assert "15086" in fish.index
    assert any(s.get("non_food") for s in doc["vitamin_d"]["sources"])  # sunlight
    for nutrient in ("magnesium", "calcium", "vitamin_d", "vitamin_b12", "thiamin", "vitamin_b6"):
        for rule in doc[nutrient]["sources"]:
            if not rule.get("non_food"):
                assert len(category_foods(table, rule)) > 0, (nutrient, rule["category"])
    assert "consult" in document()["consult"]


def test_advice_prefers_the_diary_then_everyday_foods(table):
    from nutri.advice import Suggestion, everyday_food_ids, ranked_sources

    foods = [
        Suggestion("11457", "Spinach, raw", "1 cup (30 g)", 30, 23.7, False),
        Suggestion("11458", "Spinach, cooked, boiled, drained, without salt", "1 cup (180 g)", 180, 157, False),
        Suggestion("99901", "Amaranth leaves, cooked", "1 cup (132 g)", 132, 73, False),
        Suggestion("99902", "Spinach, canned", "1 cup (214 g)", 214, 163, False),
    ]
    everyday = everyday_food_ids(table)
    assert "11458" in everyday and "11457" in everyday
    picked = ranked_sources(foods, {"11457"}, everyday)
    assert [s.food_id for s in picked] == ["11457", "11458", "99901"]  # canned spinach: same food as cooked spinach
    assert picked[0].in_diary and not picked[1].in_diary
