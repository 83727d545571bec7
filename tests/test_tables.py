"""The food-table seam (nutri/tables): every table behind one interface, our own categories."""

import csv
import json

import pytest
from conftest import ROOT

from nutri.tables.base import CATEGORIES


def test_data_files_name_our_categories_not_a_tables_groups():
    # document.json rules and advice_safety.csv select foods by our categories, so a third table
    # needs no edits there; a source's group name (SR28 "Nut and Seed Products") would match nothing
    document = json.loads((ROOT / "nutri" / "data" / "document.json").read_text(encoding="utf-8"))
    for nutrient in document["nutrients"].values():
        for rule in nutrient["sources"]:
            assert "groups" not in rule and set(rule.get("categories", [])) <= set(CATEGORIES), rule["category"]
    with open(ROOT / "nutri" / "data" / "advice_safety.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert row["category"] in ("", *CATEGORIES), row["rule"]


def test_every_food_has_one_of_our_categories_and_its_edition(table):
    assert set(table.foods["category"]) <= set(CATEGORIES)
    assert table.edition("11457").short == "SR28" and table.edition("fndds:27540310").short == "FNDDS 2.0"
    assert table.category("11457") == "vegetables" and table.category("fndds:27540310") == "mixed_dishes"


def test_ids_as_users_write_them(table):
    assert table.resolve_id("1123") == "01123"  # spreadsheets drop leading zeros
    assert table.resolve_id("27540310") == "fndds:27540310"
    assert table.resolve_id("fndds:27540310") == "fndds:27540310"
    assert table.resolve_id("99999999") is None and table.resolve_id("nonsense") is None


def test_custom_foods_are_a_table_too(tmp_path):
    import pytest
    from conftest import write

    from nutri.errors import DataFileError
    from nutri.tables.custom import load

    text = "food_id,description,category,calcium_mg,portions\nbar,My bar,snacks,120,1 bar=45\n"
    custom = load(write(tmp_path / "f.csv", text))
    assert custom.resolve_id("bar") == "custom:bar" and custom.category("custom:bar") == "snacks"
    assert custom.edition("custom:bar").short == "custom" and custom.portions_of("custom:bar")[0]["grams"] == 45
    with pytest.raises(DataFileError, match="category 'crisps' is not one of"):
        load(write(tmp_path / "g.csv", "food_id,description,category\nbar,My bar,crisps\n"))
    with pytest.raises(DataFileError, match="looks like a USDA id"):
        load(write(tmp_path / "h.csv", "food_id,description\n27540310,My sandwich\n"))


def test_portions_are_classified_when_the_table_is_built(table, monkeypatch):
    """Issue 14: each portion's unit, kind and volume come with the table (tools/build_*.py, or
    custom foods when read), not from parsing its measure on every run; they equal the classifier's."""
    import math

    from nutri import quantity
    from nutri.quantity import PortionWeights, classify_measure, parse_quantity

    portions = table.portions
    assert {"unit", "kind", "ml"} <= set(portions.columns) and (portions["kind"] != "").all()
    for row in portions.sample(2000, random_state=1).itertuples():
        unit, kind, ml = classify_measure(float(row.amount), row.measure)
        assert (row.unit, row.kind) == (unit, kind), row.measure
        assert (ml is None and math.isnan(row.ml)) or ml == row.ml, row.measure

    def no_parsing(*_args):
        raise AssertionError("a shipped portion was parsed at run time")

    monkeypatch.setattr(quantity, "classify_measure", no_parsing)
    quantity_text = parse_quantity("2 cups spinach")
    per_unit, how = PortionWeights(table).grams_per_unit("11457", quantity_text, quantity_text.food_text)
    assert abs(per_unit - 30) < 1e-9 and "cup" in how


def test_a_foods_description_and_category_are_its_cells_as_text(table):
    ids = list(table.foods.index[:50]) + list(table.foods.index[-50:])
    for food_id in ids:
        assert table.description(food_id) == str(table.foods.at[food_id, "description"])
        assert table.category(food_id) == str(table.foods.at[food_id, "category"])
    with pytest.raises(KeyError):
        table.description("no such food")
