"""Supplements as labels write them (issue 12, items 1-3): doses, elemental vs compound, products."""

import json
import re

import pandas as pd
import pytest
from conftest import REALISTIC_DAY, write

from nutri import nutrients
from nutri.diary import read_diary
from nutri.nutrients import Nutrient, Role
from nutri.quantity import parse_amount_cell, parse_quantity
from nutri.supplements import atom_counts, elemental_fraction, products, read_supplement, salt_by_name, salts


def read(food, amount="", unit=""):
    quantity = parse_amount_cell(amount, unit) if (amount or unit) else parse_quantity(food)
    return read_supplement(food, amount, unit, quantity)


def analysed(tmp_path, table, matcher, rows):
    from nutri.intake import analyse

    lines = "".join(f'2026-11-16,"{food}",{amount},{unit}\n' for food, amount, unit in rows)
    return analyse(read_diary(write(tmp_path / "d.csv", "Date,Food,Amount,Unit\n" + lines)), table, matcher)


# --- Doses: every example of the Why list ---------------------------------------------


def test_calcium_carbonate_tablet_is_read_as_the_compound_with_the_alternative(tmp_path, table, matcher):
    result = analysed(tmp_path, table, matcher, [("calcium carbonate 1250 mg", "", "")])
    row = result.iloc[0]
    assert row["calcium_mg"] == pytest.approx(500, abs=1) and row["status"] == "matched" and row["supplemental"]
    assert "weight of calcium carbonate" in row["note"]
    assert "if the label meant elemental Calcium: 1,250 mg" in row["note"]
    assert (row["alternative_column"], row["alternative_amount"]) == ("calcium_mg", 1250.0)


def test_two_calcium_carbonate_tablets_do_not_read_above_ul(run, tmp_path):
    # the reviewer's case: a woman of 60, two 1250 mg tablets a day and about 800 mg from a full day of food
    foods = [
        "calcium carbonate 1250 mg,2,tablets",
        "cheddar cheese,100,g",
        "white rice cooked,300,g",
        "roasted chicken breast,200,g",
        "apple,2,medium",
    ]
    path = write(tmp_path / "d.csv", "Date,Food,Amount,Unit\n" + "".join(f"2026-11-16,{f}\n" for f in foods))
    report = json.loads(run("report", path, "--sex", "female", "--age", "60", "--format", "json").stdout)
    calcium = report["weeks"][0]["nutrients"]["calcium"]
    assert 1700 < calcium["daily_average"] < 1900 and calcium["ul"] == 2000
    assert calcium["status"] != "above UL"  # read as elemental, the tablets alone were 2,500 mg: "above UL"


def test_the_report_says_when_the_other_reading_changes_the_verdict(run, tmp_path):
    """Five days of the reviewer's case: as read (compound) calcium is adequate; read as elemental the
    tablets give 2,500 mg a day, above the UL of 2,000 mg. The report shows both and the entry concerned."""
    foods = ["calcium carbonate 1250 mg,2,tablets", *REALISTIC_DAY]
    days = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
    text = "Date,Food,Amount,Unit\n" + "".join(f"{d},{f}\n" for d in days for f in foods)
    path = write(tmp_path / "d.csv", text)
    args = ("report", path, "--sex", "female", "--age", "60")
    calcium = json.loads(run(*args, "--format", "json").stdout)["weeks"][0]["nutrients"]["calcium"]
    other = calcium["other_reading"]
    assert "above UL" not in calcium["status"] and "above UL" in other["status"]
    assert other["daily_average"] - calcium["daily_average"] == pytest.approx(2 * (1250 - 500), rel=0.01)
    assert other["entries"] == ["calcium carbonate 1250 mg"]
    for fmt in ("text", "html"):
        shown = run(*args, "--format", fmt).stdout
        assert "the verdict depends on how a dose is read (calcium carbonate 1250 mg)" in shown
    # magnesium has no ambiguous dose here: nothing is said about it
    assert (
        "other_reading" not in json.loads(run(*args, "--format", "json").stdout)["weeks"][0]["nutrients"]["magnesium"]
    )


def test_a_dose_read_the_same_either_way_adds_no_other_reading(run, tmp_path):
    """'as magnesium oxide' is the label's elemental amount: one reading, no other verdict to show."""
    rows = "".join(
        f"2026-11-{d},{f}\n"
        for d in (16, 17, 18)
        for f in ("Magnesium (as magnesium oxide) 250 mg,1,", "oatmeal cooked,1,cup")
    )
    path = write(tmp_path / "d.csv", "Date,Food,Amount,Unit\n" + rows)
    report = json.loads(run("report", path, "--format", "json").stdout)
    assert all("other_reading" not in n for n in report["weeks"][0]["nutrients"].values())


@pytest.mark.parametrize(
    "food, amount, unit, column, expected",
    [
        ("Vitamin D3 2000 IU", "1", "", "vitamin_d_ug", 50.0),
        ("magnesium glycinate 200 mg", "1", "", "magnesium_mg", 200.0),
        ("Vitamin B12", "1.00 1000mcg tablet", "", "vitamin_b12_ug", 1000.0),  # the dose in the unit cell
        ("Vitamin B12", "1", "1000 mcg tablet", "vitamin_b12_ug", 1000.0),
        ("Vitamin D3 1000 IU", "2", "tablets", "vitamin_d_ug", 50.0),  # counts multiply
        ("2 tablets Vitamin D3 1000 IU", "", "", "vitamin_d_ug", 50.0),
        ("Vitamin D", "3.00 x 1000.0 IU", "", "vitamin_d_ug", 75.0),  # Cronometer's multiple is a total
        ("Vitafusion, B12 1000 mcg Adult Vitamins", "1.50 x 2.0 gummy vitamins", "", "vitamin_b12_ug", 1500.0),
    ],
)
def test_doses_with_an_amount_count(tmp_path, table, matcher, food, amount, unit, column, expected):
    row = analysed(tmp_path, table, matcher, [(food, amount, unit)]).iloc[0]
    assert row[column] == pytest.approx(expected) and row["status"] == "matched" and row["supplemental"]
    assert row["food_id"].startswith("supplement:") and "supplemental intake" in row["note"]


@pytest.mark.parametrize(
    "text, column, expected",
    [
        ("Vitamin B12 500 mcg", "vitamin_b12_ug", 500.0),
        ("Vitamin B12 500 µg", "vitamin_b12_ug", 500.0),
        ("Vitamin B12 500 ug", "vitamin_b12_ug", 500.0),
        ("B12 1 mg", "vitamin_b12_ug", 1000.0),
        ("magnesium 0.4 g", "magnesium_mg", 400.0),
        ("magnesium 400 milligrams", "magnesium_mg", 400.0),
        ("Vitamin D3 25 mcg", "vitamin_d_ug", 25.0),
        ("Vitamin D3 1,000 IU", "vitamin_d_ug", 25.0),
        ("vitamin D 400 i.u.", "vitamin_d_ug", 10.0),
        ("400 mg magnesium", "magnesium_mg", 400.0),
    ],
)
def test_units_through_the_pint_registry(text, column, expected):
    assert read(text).amount(column) == pytest.approx(expected)


def test_magnesium_in_grams_is_a_supplement_not_tofu(tmp_path, table, matcher):
    row = analysed(tmp_path, table, matcher, [("magnesium 0.4 g", "", "")]).iloc[0]
    assert row["food_id"] == "supplement:magnesium" and row["magnesium_mg"] == pytest.approx(400)
    assert "tofu" not in row["food"].lower()


def test_milk_of_magnesia_is_a_laxative_never_milk(tmp_path, table, matcher):
    result = analysed(tmp_path, table, matcher, [("milk of magnesia", "30", "ml"), ("Milk of Magnesia", "", "")])
    for _, row in result.iterrows():
        assert row["food_id"] == "product:milk_of_magnesia" and row["food"].startswith("Milk of magnesia")
        assert "a laxative and antacid (magnesium hydroxide), not milk" in row["note"]
        assert row["supplemental"] and pd.isna(row["grams"])
    assert result.iloc[0]["magnesium_mg"] == pytest.approx(1000, abs=2)  # 2 x 15 mL, 500 mg elemental each (NIH ODS)
    assert result.iloc[1]["magnesium_mg"] == pytest.approx(500, abs=1) and "15 ml assumed" in result.iloc[1]["note"]


def test_milk_of_magnesia_above_the_magnesium_ul(run, tmp_path):
    path = write(
        tmp_path / "d.csv", "Date,Food,Amount,Unit\n2026-11-16,milk of magnesia,2,tbsp\n2026-11-16,spinach,1,cup\n"
    )
    week = json.loads(run("report", path, "--format", "json").stdout)["weeks"][0]
    assert week["days"][0]["above_ul"] == ["magnesium"]  # the supplemental-only UL, 350 mg


@pytest.mark.parametrize(
    "text, amount, product, expected, kind",
    [
        ("Tums", "", "tums_regular", {"calcium_mg": 200.2, "vitamin_d_ug": 0}, "label"),
        ("Tums Extra Strength", "2", "tums_extra", {"calcium_mg": 600.7}, "label"),
        ("TUMS Ultra", "1", "tums_ultra", {"calcium_mg": 400.4}, "label"),
        (
            "Multivitamin",
            "1",
            "multivitamin_adult",
            {"vitamin_d_ug": 20, "vitamin_b12_ug": 2.4, "thiamin_mg": 1.2, "vitamin_b6_mg": 1.7},
            "generic",
        ),
        (
            "Prenatal vitamins",
            "1",
            "multivitamin_prenatal",
            {"vitamin_d_ug": 15, "vitamin_b12_ug": 2.8, "thiamin_mg": 1.4},
            "generic",
        ),
        ("Multivitamin 50+", "1", "multivitamin_senior", {"vitamin_d_ug": 20}, "generic"),
        ("Centrum Silver", "1", "multivitamin_senior", {"vitamin_b6_mg": 1.7}, "generic"),
        ("B-complex", "1", "b_complex", {"thiamin_mg": 50, "vitamin_b12_ug": 50}, "generic"),
        ("Vitamin B-100 complex", "1", "b_100", {"vitamin_b6_mg": 100}, "label"),
        ("Caltrate 600+D3", "1", "caltrate_600_d3", {"calcium_mg": 600, "vitamin_d_ug": 20}, "label"),
    ],
)
def test_products_from_the_data_table(tmp_path, table, matcher, text, amount, product, expected, kind):
    row = analysed(tmp_path, table, matcher, [(text, amount, "")]).iloc[0]
    assert row["food_id"] == "product:" + product and row["status"] == "matched" and row["supplemental"]
    assert ("give your product's own doses" in row["note"]) == (kind == "generic")
    for column, value in expected.items():
        assert row[column] == pytest.approx(value, abs=0.1)
    assert "label values:" in row["note"]
    if product.startswith("multivitamin"):
        assert pd.isna(row["calcium_mg"]) and pd.isna(row["magnesium_mg"])  # unknown, never zero


def test_combination_gives_both(tmp_path, table, matcher):
    row = analysed(tmp_path, table, matcher, [("Calcium 600 + D3 400 IU", "", "")]).iloc[0]
    assert row["calcium_mg"] == 600 and row["vitamin_d_ug"] == 10 and row["food_id"] == "supplement:calcium+vitamin_d"
    assert read("Calcium 500 mg with Vitamin D 400 IU", "2").amount("vitamin_d_ug") == 20
    partial = read("Calcium + vitamin D 400 IU")
    assert partial.status == "needs_review" and "Calcium named without a dose" in partial.note
    assert partial.amount("vitamin_d_ug") == 10 and pd.isna(partial.amount("calcium_mg"))  # unknown, not zero
    assert read("Vitamin D3 1000 IU").amount("calcium_mg") == 0  # a vitamin D pill holds no calcium


@pytest.mark.parametrize(
    "text, amount, unit",
    [
        ("Kyolic, Aged Garlic Extract, Formula 100", "1.00 capsule", ""),  # a botanical: its minerals unknown
        ("Nature's Way Hair Skin Nails gummies", "2", ""),
        ("Turmeric Curcumin", "2.00 capsule", ""),
        ("Ashwagandha root extract", "1", "capsule"),
        ("Acme Sleep Formula", "1", "capsule"),
    ],
)
def test_unknown_supplements_go_to_review_never_to_a_food(tmp_path, table, matcher, text, amount, unit):
    row = analysed(tmp_path, table, matcher, [(text, amount, unit)]).iloc[0]
    assert row["status"] == "needs_review" and row["food_id"] == "" and not row["supplemental"]
    assert "supplement" in row["note"]


def test_foods_naming_nutrients_stay_foods(tmp_path, table, matcher):
    rows = [
        ("calcium fortified orange juice", "250", "ml"),
        ("Wasa, Crispbread, Multi Grain", "1", ""),
        ("Milk, with added vitamin A and vitamin D", "1", "cup"),
    ]
    result = analysed(tmp_path, table, matcher, rows)
    assert not result["supplemental"].any() and not result["food_id"].str.startswith("supplement:").any()
    assert result.at[0, "food_id"] == "09210" and result.at[2, "food_id"].startswith("01")


def test_untracked_mineral_says_so_and_holds_none_of_the_tracked_nutrients():
    # a zinc pill holds no magnesium, as a vitamin D pill holds no calcium: 0, not unknown
    zinc = read("Zinc", "30.00 mg")
    assert zinc.status == "matched" and zinc.doses == () and "does not track zinc" in zinc.note
    assert zinc.counted and zinc.amount("magnesium_mg") == 0.0 and zinc.amount("vitamin_d_ug") == 0.0
    # a supplement nutri cannot read still holds unknown amounts
    garlic = read("Kyolic, Aged Garlic Extract", "2 capsule")
    assert not garlic.counted and pd.isna(garlic.amount("vitamin_d_ug"))


def test_an_untracked_mineral_counts_as_zero_in_the_report(run, tmp_path):
    diary = tmp_path / "d.csv"
    diary.write_text(
        "Date,Food,Amount,Unit\n2026-11-16,Zinc picolinate,1,tablet\n2026-11-16,Vitamin D3 1000 IU,1,capsule\n"
    )
    assert run("match", diary, "-o", tmp_path / "m.json", "-q").exit_code == 0
    zinc = json.loads((tmp_path / "m.json").read_text())[0]
    assert zinc["status"] == "matched" and zinc["supplemental"] is True and zinc["uncounted"] == ""
    assert zinc["magnesium_mg"] == 0 and zinc["calcium_mg"] == 0


# --- Elemental vs compound: the salts table and the rules ----------------------------------


def test_salt_fractions_from_formulas_agree_with_stated_sources():
    assert atom_counts("Ca3(C6H5O7)2·4H2O") == {"Ca": 3, "C": 12, "H": 18, "O": 18}
    assert elemental_fraction("MgO", "Mg") == pytest.approx(0.603, abs=0.001)
    stated = [s for s in salts() if s.stated_percent is not None]
    assert {s.name for s in stated} >= {"calcium carbonate", "calcium citrate", "zinc sulfate"}
    for salt in stated:
        assert abs(100 * salt.fraction - salt.stated_percent) <= 1.0, salt.name
        assert "NIH ODS" in salt.source
    for salt in salts():
        assert 0 < salt.fraction < 1 and salt.nutrient in salt.name
    wanted = (
        "carbonate citrate oxide glycinate hydroxide gluconate lactate malate chloride aspartate threonate "
        "taurate orotate phosphate"
    )
    magnesium = {s.name.split()[-1] for s in salts() if s.nutrient == "magnesium"}
    assert set(wanted.split()) <= magnesium


@pytest.mark.parametrize(
    "text, expected, alternative, words",
    [
        ("Magnesium (as magnesium oxide) 250 mg", 250.0, None, "label convention"),
        ("Magnesium 250 mg (as magnesium oxide)", 250.0, None, "label convention"),
        ("elemental magnesium citrate 200 mg", 200.0, None, "label convention"),
        ("magnesium oxide 400 mg", 241.2, 400.0, "common tablet size"),  # Mag-Ox 400
        ("calcium carbonate 1500 mg", 600.6, 1500.0, "common tablet size"),
        ("magnesium citrate 200 mg", 200.0, 32.3, "Supplement Facts declare the element"),
        ("calcium citrate 315 mg", 315.0, 66.4, "Supplement Facts declare the element"),
        ("magnesium 400 mg", 400.0, None, "elemental"),
    ],
)
def test_elemental_rules(text, expected, alternative, words):
    result = read(text)
    column = "magnesium_mg" if "magnesium" in text else "calcium_mg"
    assert result.amount(column) == pytest.approx(expected, abs=0.1) and words in result.note
    if alternative is None:
        assert result.alternative is None
    else:
        assert result.alternative[0] == column and result.alternative[1] == pytest.approx(alternative, abs=0.1)


def test_a_registered_nutrient_parses_from_data_alone(monkeypatch):
    # zinc is in the salts table but not the registry: registering it is all "zinc picolinate" needs
    zinc = Nutrient("zinc", "zinc_mg", "Zinc", "mg", Role.ASSESSED, "309", r"^zinc$", r"\bzinc\b", "mg")
    monkeypatch.setattr(nutrients, "SUPPLEMENTABLE", (*nutrients.SUPPLEMENTABLE, zinc))
    monkeypatch.setitem(nutrients.NUTRIENT_BY_KEY, "zinc", zinc)
    read_supplement.cache_clear()
    try:
        result = read("zinc picolinate 30 mg")
        assert result.amount("zinc_mg") == 30 and result.alternative[1] == pytest.approx(30 * 0.2112, abs=0.05)
        # NIH ODS: 220 mg of zinc sulfate is 50 mg of zinc
        assert read("zinc sulfate 220 mg").amount("zinc_mg") == pytest.approx(50, abs=0.5)
    finally:
        read_supplement.cache_clear()


def test_product_table_is_consistent():
    registered = set(nutrients.NUTRIENT_BY_KEY)
    for product in products():
        assert product.source and product.doses and product.serving.split()[0] == "1" or product.serving_ml
        for dose in product.doses:
            # a product of substances nutri does not track names them (creatine), holding none tracked
            assert dose.nutrient in registered or (product.none_tracked and dose.amount is None)
            if dose.salt:
                assert salt_by_name(dose.salt).nutrient == dose.nutrient
    kinds = {p.kind for p in products()}
    assert {"antacid", "laxative", "multivitamin", "b-complex", "calcium + vitamin D"} <= kinds


def test_readme_describes_the_tables():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme[readme.index("## Supplements") : readme.index("## How a verdict is reached")].split())
    for product in products():
        assert f"| {product.label}" in section, product.label
    counts = {key: sum(s.nutrient == key for s in salts()) for key in ("calcium", "magnesium", "zinc")}
    assert f"{counts['calcium']} calcium, {counts['magnesium']} magnesium and {counts['zinc']} zinc salts" in section


@pytest.mark.parametrize(
    "text, amount",
    [
        ("Love Beets w/ Vinegar", "0.00 170g container"),
        ("Better Sour, Sour Gummy Candy, Guava", "1.00 serving"),
        ("stuffed mushroom caps", "4"),
        ("Tab cola", "1 can"),
        ("Ginger root", "1.10 g"),
    ],
)
def test_food_rows_are_not_supplements(text, amount):
    assert read(text, amount) is None  # real diary rows: a weight in the unit cell, candy, caps, a soda


def test_alternative_totals_per_day(tmp_path, table, matcher):
    from nutri.supplements import alternative_totals

    rows = [
        ("calcium carbonate 1250 mg", "2", "tablets"),
        ("magnesium citrate 200 mg", "", ""),
        ("Vitamin D3 1000 IU", "", ""),
        ("spinach", "1", "cup"),
    ]
    totals = alternative_totals(analysed(tmp_path, table, matcher, rows)).set_index("column")
    assert list(totals["date"]) == ["2026-11-16", "2026-11-16"]
    assert totals.at["calcium_mg", "as_read"] == pytest.approx(1001.1, abs=0.1)
    assert totals.at["calcium_mg", "change"] == pytest.approx(2500 - 1001.1, abs=0.1)
    assert totals.at["magnesium_mg", "alternative"] == pytest.approx(32.3, abs=0.1)
    assert alternative_totals(analysed(tmp_path, table, matcher, rows[2:])).empty


@pytest.mark.parametrize(
    "text, amount, energy_known",
    [
        ("Creatine Monohydrate", "5 g", True),
        ("CoQ10", "1 softgel", False),  # the softgel's oil: energy unknown, never 0
        ("Astaxathin (from Haematococcus pluvialis microalgae)", "1 softgel", False),  # the diary's spelling
        ("Boron (as boron glycinate)", "1 capsule", True),
        ("N-acetyl-L-cysteine", "600 mg", True),
        ("Melatonin 3 mg", "1", True),
        # vitamins and minerals nutri does not track, fish oil and probiotics (the year-long export's rows)
        ("Metagenics OmegaGenics EPA-DHA 720", "2 softgel", False),
        ("Carlson Elite Omega-3", "1 softgel", False),
        ("Doctor's Best, Fully Active Folate", "1 capsule", True),
        ("Vitamin K2 MK7 (as menaquinone-7)", "0.1 milligram", True),
        ("Vitamin K1 (as Phytonadione)", "1.5 milligram", True),
        ("Iron (as Heme Iron Polypeptide as Proferrin)", "1 capsule", True),
        ("Seed Probiotic", "1 capsule", True),
        ("Vitamin C 1000 mg", "1 tablet", True),
        ("Biotin 5000 mcg", "1", True),
        ("Vitamin E 400 IU", "1 softgel", False),
    ],
)
def test_a_supplement_of_substances_nutri_does_not_track_counts_as_zero(text, amount, energy_known):
    found = read(text, amount)
    assert found.status == "matched" and found.counted and found.doses == (), found
    assert found.amount("magnesium_mg") == 0.0 and found.amount("vitamin_b12_ug") == 0.0
    assert (found.amount("energy_kcal") == 0.0) if energy_known else pd.isna(found.amount("energy_kcal"))
    assert re.search(r"PubChem|IOM|NIH ODS", found.note)  # the reading names its source


def test_a_text_naming_a_tracked_nutrient_or_a_food_is_not_read_as_holding_none():
    # calcium fructoborate holds calcium; a tomato drink is a food
    assert read("Boron (as calcium fructoborate)", "1 capsule").status == "needs_review"
    found = read("Lycopene tomato juice", "1 cup")
    assert found is None or not found.counted
    # cod liver oil holds vitamin D; omega-3 eggs and a probiotic soda are foods; Ester-C is calcium
    # ascorbate; a D3 with K2 holds vitamin D, given or not
    for text, amount in [
        ("Cod liver oil", "1 tsp"),
        ("Omega-3 eggs", "2 large"),
        ("Culture Pop, Probiotic Soda, Ginger Lemon & Turmeric", "1 can"),
        ("Ester-C 500 mg", "1 tablet"),
        ("Vitamin D3 + K2", "1 softgel"),
        ("Iron fortified cereal", "1 cup"),
        ("Iodized salt", "1 tsp"),
        ("Vita Coco", "1 carton"),  # a brand, not "vit A"
    ]:
        found = read(text, amount)
        assert found is None or not found.none_tracked, (text, found)
