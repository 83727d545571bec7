"""The nutrient registry is the one place a nutrient is described: everything else must agree with it."""

import pytest

from nutri.advice import document
from nutri.dri import Profile, dri_table, references
from nutri.foods import load_foods
from nutri.nutrients import ASSESSED, NUTRIENTS, from_export_header, named_supplements, nutrient

PROFILES = [Profile(sex, age) for sex in ("female", "male") for age in (1, 2, 5, 10, 15, 20, 40, 60, 80)] + [
    Profile("female", age, stage) for stage in ("pregnancy", "lactation") for age in (16, 25, 45)
]


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.describe())
def test_every_assessed_nutrient_has_a_dri_row_for_every_life_stage(profile):
    found = references(profile)
    assert set(found) == {n.key for n in ASSESSED}
    for record in ASSESSED:
        reference = found[record.key]
        assert reference.column == record.column and reference.unit == record.unit
        assert reference.target is not None, reference.row


def test_dri_rows_use_registered_units():
    table = dri_table()
    for record in ASSESSED:
        units = set(table.loc[table["nutrient"] == record.key, "unit"])
        assert record.dri_unit in units, record.key
        # IU rows repeat the µg rows for reading only (vitamin D); the registry knows the factor
        assert units <= {record.dri_unit, "IU"} and ("IU" not in units or record.iu_per_unit), record.key


def test_document_covers_every_assessed_nutrient_it_names():
    sections = document()["nutrients"]
    for key in sections:
        assert nutrient(key).assessed, f"document section {key!r} is not a registered assessed nutrient"
    # the document names these; a nutrient it does not name (zinc) gets no sources, never invented ones
    assert {"magnesium", "calcium", "vitamin_d", "vitamin_b12", "thiamin", "vitamin_b6"} <= set(sections)


def test_every_nutrient_is_a_food_table_column():
    foods = load_foods().foods
    for record in NUTRIENTS:
        assert record.column in foods.columns


@pytest.mark.parametrize("record", NUTRIENTS, ids=lambda n: n.key)
def test_export_header_of_each_nutrient_is_recognised(record):
    name = record.label.lower().replace("(", " ").replace(")", " ")
    assert from_export_header(" ".join(name.split())) == record


def test_supplement_names_come_from_the_registry():
    assert [n.key for n in named_supplements("Magnesium glycinate")] == ["magnesium"]
    assert [n.key for n in named_supplements("vitamin D3")] == ["vitamin_d"]
    assert named_supplements("banana") == []


def test_unknown_nutrient_names_the_registered_ones():
    with pytest.raises(KeyError, match="magnesium"):
        nutrient("zinc")


def test_a_nutrient_the_document_does_not_name_has_an_empty_section():
    from nutri.advice import document

    section = document()["nutrients"]["zinc"]
    assert section["sources"] == [] and section["symptoms"] == [] and "zinc" not in document()["nutrients"]
