"""`nutri foods top NUTRIENT`: foods richest in a nutrient per typical portion and per 100 kcal."""

import csv
import io
import json

import pytest

from nutri.food_finder import amount_text, food_kind, resolve_nutrient, typical_portion
from nutri.nutrients import NUTRIENT_BY_KEY


def top(run, *args):
    result = run("foods", "top", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def nuts_magnesium():
    from click.testing import CliRunner

    from nutri.cli import cli

    result = CliRunner().invoke(
        cli, ["foods", "top", "magnesium", "--category", "nuts", "--sex", "female", "--age", "34", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_per_portion_ranking_matches_the_table(nuts_magnesium):
    # foods.csv 12087 "Nuts, cashew nuts, raw": 292 mg magnesium per 100 g; its only portion 1 oz = 28.35 g
    first = nuts_magnesium["rankings"]["portion"][0]
    assert (first["food_id"], first["portion"], first["grams"]) == ("12087", "1 oz (28 g)", 28.4)
    assert first["amount"] == pytest.approx(292 * 28.35 / 100)
    assert first["per_100kcal"] == pytest.approx(292 / 553 * 100)  # 553 kcal per 100 g
    amounts = [f["amount"] for f in nuts_magnesium["rankings"]["portion"]]
    assert amounts == sorted(amounts, reverse=True) and len(amounts) == 10


def test_per_100_kcal_ranks_differently(nuts_magnesium):
    per_kcal = nuts_magnesium["rankings"]["100kcal"]
    per_portion = nuts_magnesium["rankings"]["portion"]
    assert [f["food_id"] for f in per_kcal] != [f["food_id"] for f in per_portion]
    # 12078 Brazil nuts: 376 mg magnesium and 659 kcal per 100 g, densest of the document's nuts
    assert per_kcal[0]["food_id"] == "12078"
    assert per_kcal[0]["per_100kcal"] == pytest.approx(376 / 659 * 100)
    values = [f["per_100kcal"] for f in per_kcal]
    assert values == sorted(values, reverse=True)


def test_brazil_nuts_are_never_offered_freely(nuts_magnesium):
    brazil = [f for per in nuts_magnesium["rankings"].values() for f in per if f["food_id"] == "12078"]
    assert brazil
    for food in brazil:
        # capped by advice_safety.csv (selenium): 10 g, not its 1 oz (28 g) portion
        assert food["portion"] == "at most 1-2 nuts (10 g)" and food["grams"] == 10
        assert food["amount"] == pytest.approx(37.6)
        assert "selenium" in food["note"] and food["rules"] == ["brazil-nuts"]


def test_category_filter_keeps_the_documents_nuts(run, nuts_magnesium):
    foods = [f for per in nuts_magnesium["rankings"].values() for f in per]
    assert all(f["food"].startswith("Nuts, ") and f["table"] == "SR28" for f in foods)
    assert nuts_magnesium["filters"] == {"category": "nuts"}
    everything = top(run, "magnesium", "--per", "portion", "-n", "5")
    assert not all(f["food"].startswith("Nuts, ") for f in everything["rankings"]["portion"])
    assert list(everything["rankings"]) == ["portion"]


def test_liver_is_not_offered_in_pregnancy(run):
    general = top(run, "vitamin-b12", "--sex", "female", "--age", "30", "-n", "10", "--per", "portion")
    livers = [f for f in general["rankings"]["portion"] if "liver" in f["food"].lower()]
    assert livers and all("once a week" in f["note"] for f in livers)
    pregnant = top(run, "vitamin-b12", "--sex", "female", "--age", "30", "--pregnant", "-n", "50")
    foods = [f for per in pregnant["rankings"].values() for f in per]
    assert foods and not [f for f in foods if "liver" in f["food"].lower()]
    assert "liver-pregnancy" in {w["rule"] for w in pregnant["left_out"]}
    assert pregnant["profile"] == "female, age 30, pregnant"


def test_text_output_marks_notes_and_lists_what_was_left_out(run):
    result = run("foods", "top", "vitamin_b12", "--pregnant", "--age", "30", "-n", "3")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Foods richest in Vitamin B12"
    assert "Vitamin B12 per typical portion:" in lines and "Vitamin B12 per 100 kcal:" in lines
    assert any(line.startswith("Left out for this profile:") and "liver-pregnancy" in line for line in lines)
    assert " x " not in result.stdout  # portions are the food's own, never "0.5 x 0.5 cup"


def test_bad_nutrient_is_a_usage_error_listing_valid_names(run):
    result = run("foods", "top", "zinc")
    assert result.exit_code == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message and message.startswith("Error: unknown nutrient 'zinc'")
    assert "magnesium" in message and "vitamin-d" in message


@pytest.mark.parametrize("args", [["magnesium", "--category", "candy"], ["magnesium", "--group", "no such group"]])
def test_bad_filters_are_usage_errors(run, args):
    result = run("foods", "top", *args)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


@pytest.mark.parametrize("name", ["vitamin_d", "vitamin-d", "vitamin D", "Vitamin D", "VITAMIN-D", "vitamin_d_ug"])
def test_nutrient_names(name):
    assert resolve_nutrient(name) is NUTRIENT_BY_KEY["vitamin_d"]


def test_csv_parses(run):
    result = run("foods", "top", "calcium", "--group", "dairy_eggs", "-n", "4", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["ranking"] for r in rows] == ["portion"] * 4 + ["100kcal"] * 4
    for row in rows:
        assert float(row["amount"]) > 0 and row["unit"] == "mg" and float(row["grams"]) > 0
        assert row["portion"].endswith(" g)") or row["portion"].endswith(" g")
    amounts = [float(r["amount"]) for r in rows[:4]]
    assert amounts == sorted(amounts, reverse=True)


def test_group_filter(run):
    data = top(run, "vitamin D", "--group", "fish", "-n", "5")
    assert data["rankings"]["portion"] and data["rankings"]["100kcal"]
    from nutri.foods import load_foods

    table = load_foods()
    assert {table.category(f["food_id"]) for per in data["rankings"].values() for f in per} == {"fish"}


def test_typical_portion_is_the_foods_own_household_measure(table):
    # 11457 spinach: 1 cup = 30 g (closest own measure to a vegetable serving; not the 284 g package)
    assert typical_portion(table, "11457", "Spinach, raw", "vegetables") == ("1 cup (30 g)", 30.0)
    # 12078 Brazil nuts: the 1 oz portion, with its kernel count, and the grams
    assert typical_portion(table, "12078", "Nuts, brazilnuts, dried, unblanched", "nuts_seeds")[0] == (
        "1 oz (6 kernels) (28 g)"
    )
    assert [amount_text(a) for a in (1, 0.5, 1.5, 0.75, 0.2)] == ["1", "1/2", "1 1/2", "3/4", "0.2"]


@pytest.mark.parametrize(
    "food_id, at_most, at_least",
    [
        ("09214", 70, 20),  # frozen orange juice concentrate, undiluted: not its 1-cup or 6-fl-oz can
        ("14430", 70, 20),  # cranberry juice cocktail, frozen concentrate
        ("14181", 60, 20),  # chocolate syrup: 2 tbsp, not a cup of syrup
        ("14182", 300, 200),  # chocolate syrup prepared with milk: a cup of the drink
        ("09206", 300, 200),  # orange juice (not a concentrate): a cup
        ("18274", 130, 90),  # a blueberry muffin: the muffin reference amount (110 g), not bread's 50 g
    ],
)
def test_typical_portion_follows_the_kind_of_food(table, food_id, at_most, at_least):
    grams = typical_portion(table, food_id, table.description(food_id), table.category(food_id))[1]
    assert at_least <= grams <= at_most


def test_help_has_an_example(run):
    result = run("foods", "top", "--help")
    assert result.exit_code == 0 and "Example:" in result.stdout and "--category" in result.stdout


def test_one_preparation_per_food_unless_all_forms(run, nuts_magnesium):
    def kinds(foods):
        return [f["food"].split(",")[1].strip() for f in foods]

    default = kinds(nuts_magnesium["rankings"]["portion"])
    assert default.count("almonds") == 1 and default.count("cashew nuts") == 1  # each at its best preparation
    every = top(run, "magnesium", "--category", "nuts", "--per", "portion", "--all-forms", "--age", "34")
    assert kinds(every["rankings"]["portion"]).count("almonds") >= 2
    assert food_kind("Nuts, almonds, dry roasted, without salt added") == food_kind("Nuts, almonds") == "nuts, almonds"
    assert food_kind("Spinach, cooked, boiled, drained, without salt") == "spinach"


def test_ingredients_not_eaten_as_such_are_left_out(run):
    data = top(run, "calcium", "--per", "portion", "-n", "20")
    names = " ".join(f["food"].lower() for f in data["rankings"]["portion"])
    assert "baking powder" not in names and "milk, dry" not in names and "concentrate" not in names


def test_readme_example_is_the_real_output(run):
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "nutri foods top magnesium --category nuts -n 3 --sex female --age 34"
    shown = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    result = run(*command.split()[1:])
    assert result.exit_code == 0 and result.stdout == shown


def test_a_group_without_the_nutrient_is_empty_not_unknown(run):
    data = top(run, "vitamin-b12", "--group", "Nut and Seed")
    assert data["rankings"] == {"portion": [], "100kcal": []} and data["considered"] == 0


def test_energy_is_ranked_per_portion_only(run):
    assert list(top(run, "energy", "-n", "2")["rankings"]) == ["portion"]
    result = run("foods", "top", "energy", "--per", "100kcal")
    assert result.exit_code == 2 and "per portion" in result.stderr
