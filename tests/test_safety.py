"""Guidance by life stage and advice that is safe for the person it is given to (issue 12, parts 4 and 5)."""

import json
import re

import pytest
from conftest import write

from nutri.advice import (
    category_suggestions,
    document,
    gap_closers,
    ranked_sources,
    safety_rules,
    screen,
)
from nutri.dri import (
    Profile,
    alcohol_limit,
    caffeine_limit,
    child_portion_factor,
    guidance,
    safety_ul,
    water_ai_g,
)
from nutri.errors import UsageError

# The five life stages of the issue, with the values their sources give.
STAGES = {
    "pregnant 17": (Profile("female", 17, "pregnancy"), 135.0, 0.0, 3000),  # 2.5 mg/kg x 54 kg is below ACOG's 200
    "lactating 30": (Profile("female", 30, "lactation"), 300.0, 14.0, 3800),  # Health Canada; CDC one drink
    "child 10": (Profile("male", 10), 85.0, 0.0, 2400),  # Health Canada 10-12; no alcohol allowance; NASEM 9-13 boys
    "adult 34": (Profile("female", 34), 400.0, 14.0, 2700),  # FDA; DGA 1 drink; NASEM
    "adult 72": (Profile("male", 72), 400.0, 28.0, 3700),  # FDA; DGA 2 drinks; NASEM
}
EXCLUDED_FOR = {  # advice-safety rule -> the stages it keeps the food away from
    "liver": {"pregnant 17", "child 10"},
    "mercury": {"pregnant 17", "lactating 30", "child 10"},
}


def _pool(table, nutrient: str, category: str):
    from nutri.nutrients import NUTRIENT_BY_KEY

    column = NUTRIENT_BY_KEY[nutrient].column
    rule = next(r for r in document()["nutrients"][nutrient]["sources"] if r["category"] == category)
    return category_suggestions(table, column, rule)


def _screened(table, profile, nutrient, category):
    return screen(_pool(table, nutrient, category), profile, nutrient, table.foods["category"].to_dict())


@pytest.mark.parametrize("stage", STAGES)
def test_caffeine_alcohol_water_per_life_stage(stage):
    profile, caffeine, alcohol, water = STAGES[stage]
    assert caffeine_limit(profile).value == caffeine
    assert caffeine_limit(profile).source
    assert alcohol_limit(profile).value == alcohol
    assert water_ai_g(profile) == water


@pytest.mark.parametrize("stage", STAGES)
def test_advice_safety_per_life_stage(table, stage):
    profile = STAGES[stage][0]
    b12, b12_out = _screened(table, profile, "vitamin_b12", "Meat")
    livers = [s for s in b12 if "liver" in s.food.lower()]
    if stage in EXCLUDED_FOR["liver"]:
        assert not livers and any("liver" in w.food.lower() for w in b12_out)
    else:  # offered, with its note, never as a daily gap closer
        assert livers and all("vitamin A" in s.caution for s in livers)
    fish, _ = _screened(table, profile, "vitamin_b12", "Fish")
    mercury = [s for s in fish if re.search(r"swordfish|shark|tilefish|roughy|mackerel, king", s.food, re.IGNORECASE)]
    assert bool(mercury) == (stage not in EXCLUDED_FOR["mercury"])
    assert all("mercury" in s.caution for s in mercury)
    nuts, _ = _screened(table, profile, "magnesium", "Nuts")
    brazil = [s for s in nuts if "brazilnuts" in s.food]
    assert brazil and all(s.grams <= 10 and "selenium" in s.caution for s in brazil)
    cereals, _ = _screened(table, profile, "vitamin_b12", "Fortified cereals")
    assert not [s for s in cereals if re.search(r"frosted|marshmallow|presweetened|waffle", s.food, re.IGNORECASE)]
    closers = gap_closers(ranked_sources(b12 + fish, set()) + ranked_sources(nuts, set()), 100.0, count=50)
    flagged = re.compile(r"liver|brazil|swordfish|shark|tilefish|roughy", re.IGNORECASE)
    assert not [c for c in closers if flagged.search(c["food"])]


def test_every_age_from_one_has_water_caffeine_and_alcohol_values():
    for age in range(1, 100):
        for sex in ("female", "male"):
            profile = Profile(sex, age)
            assert water_ai_g(profile) is not None, profile
            assert caffeine_limit(profile).value > 0
            assert alcohol_limit(profile).value == (0.0 if age < 21 else 14.0 * (1 if sex == "female" else 2))
    assert caffeine_limit(Profile("female", 2)).value == 30.0  # 2.5 mg/kg x 12 kg
    assert caffeine_limit(Profile("female", 5)).value == 45.0
    assert caffeine_limit(Profile("female", 35, "pregnancy")).value == 200.0  # ACOG, below Health Canada's 300


def test_infants_are_refused_in_the_library_and_the_cli(run, tmp_path):
    with pytest.raises(UsageError, match="aged 1 and up"):
        Profile("female", 0.5)
    diary = write(tmp_path / "d.csv", "date,food,amount,unit\n2026-11-16,milk,1,cup\n")
    result = run("report", diary, "--age", "0.5", "--sex", "male", "-q")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "breast milk or formula" in result.stderr
    profile = write(tmp_path / "p.toml", "age = 0.25\n")
    assert run("report", diary, "--profile", profile, "-q").exit_code == 2


DAYS = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26"]
# complete days (over 900 kcal) short of calcium, B12 and B6: two weeks of four days
POOR_DAYS = [f"{d},{food}" for d in DAYS for food in ("white rice cooked,5,cup", "olive oil,2,tbsp", "milk,0.25,cup")]


def _report(run, tmp_path, *options, lines=None) -> dict:
    rows = lines or POOR_DAYS
    diary = write(tmp_path / "d.csv", "date,food,amount,unit\n" + "\n".join(rows) + "\n")
    result = run("report", diary, *options, "-f", "json", "-q")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_age_without_sex_says_which_values(run, tmp_path):
    report = _report(run, tmp_path, "--age", "34")
    assert report["profile"]["sex_given"] is False and report["profile"]["sex"] == "female"
    assert "sex not given: female values used" in report["profile"]["description"]
    assert _report(run, tmp_path, "--age", "34", "--sex", "male")["profile"]["sex_given"] is True
    assert _report(run, tmp_path, "--age", "30", "--lactating")["profile"]["sex_given"] is True
    diary = tmp_path / "d.csv"
    assert "Profile: age 34 (sex not given" in run("report", diary, "--age", "34", "-q").stdout


def test_pregnant_17_report_offers_no_liver_mercury_fish_or_sweet_cereal(run, tmp_path):
    report = _report(run, tmp_path, "--age", "17", "--pregnant")
    week = report["weeks"][0]
    b12 = week["nutrients"]["vitamin_b12"]
    assert b12["shortfall"] and b12["gap_closers"]
    offered = [f["food"] for s in b12["sources"] for f in s["foods"]] + [c["food"] for c in b12["gap_closers"]]
    unsafe = re.compile(r"liver|swordfish|shark|tilefish|frosted|marshmallow", re.IGNORECASE)
    assert offered and not [f for f in offered if unsafe.search(f)]
    assert {w["rule"] for w in b12["withheld"]} >= {"liver-pregnancy", "mercury-fish-sensitive", "sweetened-cereals"}
    life = week["lifestyle"]
    assert life["caffeine"]["limit"] == 135.0 and life["alcohol"]["limit_g"] == 0.0 and life["water"]["ai"] == 3000


def test_half_a_slice_of_liver_is_above_a_pregnant_17_year_olds_vitamin_a_ul():
    liver = next(r for r in safety_rules() if r.rule == "liver-pregnancy")
    ul = safety_ul(liver.concern, Profile("female", 17, "pregnancy"))
    assert ul == 2800
    half_slice_g = 81 / 2  # SR28 13327 beef liver, pan-fried: 1 slice = 81 g
    beef_liver_retinol_per_100g = 7728  # SR28 13327, nutrient 319
    assert half_slice_g * beef_liver_retinol_per_100g / 100 > ul
    assert liver.concern_per_100g * half_slice_g / 100 < ul  # the table's lowest liver is a lower bound, said as such
    assert safety_ul("preformed vitamin A", Profile("male", 5)) == 900


def test_brazil_nuts_are_never_a_magnesium_gap_closer_at_one_ounce(table):
    rule = next(r for r in safety_rules() if r.rule == "brazil-nuts")
    assert rule.concern_per_100g * 28.35 / 100 > safety_ul("selenium", Profile("female", 34))  # 1 oz > 400 µg
    for profile in (Profile("female", 34), Profile("male", 10)):
        nuts, _ = _screened(table, profile, "magnesium", "Nuts")
        closers = gap_closers(nuts, 300.0, count=len(nuts))
        assert closers and not [c for c in closers if "brazil" in c["food"]]
    nuts, withheld = _screened(table, Profile("female", 5), "magnesium", "Nuts")  # 10 g = 192 µg > UL 150 µg
    assert not [s for s in nuts if "brazil" in s.food] and [w for w in withheld if w.rule == "brazil-nuts"]


def test_whole_nuts_and_seeds_are_not_offered_to_children_under_4(table):
    for nutrient, category in (("magnesium", "Nuts"), ("magnesium", "Seeds")):
        toddler, withheld = _screened(table, Profile("male", 3), nutrient, category)
        assert not toddler and {w.rule for w in withheld} >= {"whole-nuts-toddlers"}
        assert _screened(table, Profile("male", 4), nutrient, category)[0]


def test_a_category_emptied_for_the_profile_says_so(run, tmp_path):
    # too little logged to judge: the report still lists sources, and the nuts are all left out at 3
    _report(run, tmp_path, "--age", "3", "--sex", "male", lines=["2026-11-16,white rice cooked,1,cup"])
    text = run("report", tmp_path / "d.csv", "--age", "3", "--sex", "male", "-q").stdout
    assert "- Nuts: none for this profile (see below)" in text
    assert "Left out for this profile (Nuts, almonds; " in text


def test_spinach_is_offered_for_calcium_with_a_note_not_first(table):
    greens, _ = _screened(table, Profile("female", 34), "calcium", "Leafy greens")
    listed = ranked_sources(greens, {"11457"})  # spinach, raw, in the diary
    assert listed[0].food_id != "11457" and "Spinach" not in listed[0].food
    spinach = [s for s in listed if s.food.startswith("Spinach")]
    assert spinach and spinach[-1] is listed[-1] and "absorbed" in spinach[0].caution
    magnesium, _ = _screened(table, Profile("female", 34), "magnesium", "Dark leafy greens")
    assert not [s for s in magnesium if s.caution and s.food.startswith("Spinach")]  # the note is about calcium


def test_children_get_child_portions(table):
    adult, _ = _screened(table, Profile("female", 34), "calcium", "Dairy products")
    child, _ = _screened(table, Profile("female", 2), "calcium", "Dairy products")
    assert child_portion_factor(Profile("female", 2)) == 0.5 and child_portion_factor(Profile("male", 4)) == 0.75
    by_id = {s.food_id: s for s in adult}
    for s in child:
        assert s.grams == pytest.approx(by_id[s.food_id].grams * 0.5) and s.portion.startswith("child portion")
    closer = gap_closers(child, 300.0, count=1)[0]
    assert "child portion" in closer["portion"]


def test_above_ul_shows_the_ul_its_scope_and_what_to_do(run, tmp_path):
    lines = POOR_DAYS + [f"{d},magnesium glycinate 500 mg,," for d in DAYS]
    report = _report(run, tmp_path, "--age", "40", "--sex", "female", lines=lines)
    over = report["weeks"][0]["nutrients"]["magnesium"]["above_ul"]
    assert over["ul"] == 350 and over["intake"] == 500
    assert "supplements" in over["scope"] and "healthcare provider" in over["advice"]
    text = run("report", tmp_path / "d.csv", "--age", "40", "--sex", "female", "-q").stdout
    assert "500 mg/day against a UL of 350 mg/day" in text and "supplements and medicines only" in text


def test_symptoms_are_shown_once_per_report_beside_the_consult_line(run, tmp_path):
    report = _report(run, tmp_path, "--age", "40", "--sex", "female")
    assert len(report["weeks"]) == 2 and report["whole_period"]
    assert all(p["nutrients"]["calcium"]["shortfall"] for p in report["weeks"] + [report["whole_period"]])
    calcium = document()["nutrients"]["calcium"]["symptoms"][0].lower()
    for fmt in ("text", "md", "html"):
        out = run("report", tmp_path / "d.csv", "--age", "40", "--sex", "female", "-f", fmt, "-q").stdout
        assert out.count(calcium) == 1, fmt
        section = out[out.index(calcium) :]
        assert "consult a healthcare provider" in section[:2000]


def test_advice_safety_table_is_well_formed():
    rules = safety_rules()
    assert {r.action for r in rules} <= {"exclude", "cap", "note"}
    from nutri.tables.base import CATEGORIES

    for r in rules:
        assert r.source and r.why and r.concern
        assert not r.category or r.category in CATEGORIES, r.rule
        assert all(w in ("everyone", "pregnancy", "lactation") or re.fullmatch(r"age<\d+", w) for w in r.who)
        if r.concern_per_100g is not None:
            assert r.concern in guidance()["safety_uls"]
