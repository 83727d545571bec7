"""Dishes as eaten: the survey foods of FNDDS 2.0 and SR28 searched with one ranking (issue 11).

A dish named as a dish picks the survey food, weighed with the survey food's own portions; a plain
ingredient keeps its SR28 food."""

import math

import pytest
from conftest import write

from nutri.diary import read_diary


def analysed(tmp_path, table, matcher, rows):
    from nutri.intake import analyse

    lines = "".join(f'2026-11-16,"{food}",{amount},{unit}\n' for food, amount, unit in rows)
    return analyse(read_diary(write(tmp_path / "d.csv", "Date,Food,Amount,Unit\n" + lines)), table, matcher)


# The Why list: each dish became an ingredient (a whole roast turkey, a can of tuna, 300 g
# of Caesar dressing, a dry pasta mix, three taco shells, a late-harvest wine, corn tortillas).
@pytest.mark.parametrize(
    "food, amount, unit, food_id, grams",
    [
        ("turkey sandwich", "1", "", "fndds:27540310", 143),  # 1 sandwich = 143 g
        ("tuna sandwich", "1", "", "fndds:27550720", 157),
        ("chicken caesar salad", "300", "g", "fndds:72116140", 300),
        ("cheeseburger", "2", "", "fndds:27510210", 214),  # 1 cheeseburger = 107 g
        ("tacos", "3", "", "fndds:58101300", 234),  # 1 taco or tostada = 78 g
        ("latte", "12", "fl oz", "fndds:92101900", 306),  # 1 fl oz = 25.5 g
        ("fries", "1", "cup", "fndds:71401000", 57),
    ],
)
def test_dish_named_as_a_dish_is_the_survey_food(tmp_path, table, matcher, food, amount, unit, food_id, grams):
    row = analysed(tmp_path, table, matcher, [(food, amount, unit)]).iloc[0]
    assert (row["food_id"], row["status"]) == (food_id, "matched"), row["note"]
    assert row["grams"] == pytest.approx(grams, rel=0.01)
    if unit != "g":
        assert "FNDDS 2.0 portion" in row["note"]  # the weight's provenance names the table


@pytest.mark.parametrize(
    "food, food_id",
    [
        ("spinach", "11457"),
        ("banana", "09040"),
        ("milk 2%", "01079"),
        ("olive oil", "04053"),
        ("baked cod", "15016"),
        ("coffee", "14209"),
        ("orange juice", "09209"),
    ],
)
def test_plain_ingredient_keeps_its_sr28_food(matcher, food, food_id):
    assert matcher.match(food).food_id == food_id


def test_survey_food_that_is_one_sr28_food_gives_that_food(matcher, table):
    # FNDDS "Peach, frozen, unsweetened" is raw peaches (plus vitamin C): its name finds SR28's food
    assert table.foods.at["fndds:63135620", "same_as"] == "09236"
    peach = matcher.match("Peach, Frozen, Unsweetened")
    assert peach.food_id == "09236" and "FNDDS 2.0 'Peach, frozen, unsweetened' is this food" in peach.note


def test_unknown_nutrients_of_a_dish_stay_unknown(tmp_path, table, matcher):
    # the cheeseburger's beef patty is an SR number retired before SR28: weighed, but no nutrients
    row = analysed(tmp_path, table, matcher, [("cheeseburger", "1", "")]).iloc[0]
    assert row["grams"] == 107 and math.isnan(row["calcium_mg"]) and math.isnan(row["magnesium_mg"])


def test_plate_meals_only_when_asked(matcher, table):
    assert table.category(matcher.match("fried chicken").food_id) != "frozen_meals"
    meal = matcher.match("fried chicken with potatoes and vegetable, frozen meal")
    assert table.category(meal.food_id) == "frozen_meals"


def test_additional_names_alone_do_not_make_a_match(matcher):
    big_mac = matcher.match("big mac")  # only "McDonald's Big Mac sauce" of Thousand Island dressing
    assert big_mac.status == "needs_review"


def test_a_food_only_made_with_the_named_food_is_flagged(matcher):
    # neither table has oat milk; "Oat bran cereal, cooked, made with milk" only adds milk
    oat_milk = matcher.match("oat milk")
    assert oat_milk.status == "needs_review" and "is not milk" in oat_milk.note
    assert matcher.match("rice milk").status == "matched"


def test_the_noun_a_comma_text_names_must_be_the_food(matcher):
    # "Taco Chips, Salted" are chips: a taco salad only adds corn chips "with" its beef and cheese
    chips = matcher.match("Taco Chips, Salted")
    assert chips.status == "needs_review" and "is not chip" in chips.note
    assert matcher.match("Tortilla Chips, Salted").status == "matched"


@pytest.mark.parametrize(
    "food, food_id",
    [
        # the dish's name alone is its usual form; a text naming a filling says which one it is, and
        # the fillings it does not name count against a dish ("with beef, beans, cheese, and sour cream")
        ("tacos", "fndds:58101300"),
        ("beef tacos", "fndds:58101300"),
        ("chicken tacos", "fndds:58101510"),
        ("taco bell bean burrito", "21264"),
    ],
)
def test_a_filling_the_text_names_says_which_dish(matcher, food, food_id):
    assert matcher.match(food).food_id == food_id


def test_a_concentrated_form_the_food_lacks_is_reviewed(matcher):
    # condensed soup holds twice the nutrients per gram of soup as eaten: another form is no match
    soup = matcher.match("Noodle or pasta soup, condensed")
    assert soup.status == "needs_review" and "condensed" in soup.note
    assert matcher.match("tomato soup, condensed").status == "matched"


@pytest.mark.parametrize(
    "food, amount, grams",
    [
        ("cheese pizza", "2", 2 * 86),  # FNDDS: 1 piece (1/8 of 12" dia) = 86 g
        ("pepperoni pizza", "1", 88),
        ("pizza", "1", 107),  # the alias's chain pizza has a slice portion
    ],
)
def test_a_slice_of_a_round_dish_is_its_wedge_piece(tmp_path, table, matcher, food, amount, grams):
    row = analysed(tmp_path, table, matcher, [(food, amount, "slice")]).iloc[0]
    assert row["status"] == "matched" and row["grams"] == pytest.approx(grams), row["note"]
