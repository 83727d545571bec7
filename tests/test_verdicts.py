"""A verdict only as strong as its evidence: realistic diaries with gaps, outliers, few days and mixed people."""

import dataclasses
import json

import pytest
from conftest import REALISTIC_DAY, write

from nutri.assess import Evidence, Status, assess, probability_adequate, variation
from nutri.dri import Profile, references

DAYS = ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
HEADER = "Date,Food,Amount,Unit\n"


def _diary(tmp_path, rows_by_day: dict[str, list[str]], name="d.csv", header=HEADER):
    text = header + "".join(f"{day},{row}\n" for day, rows in rows_by_day.items() for row in rows)
    return write(tmp_path / name, text)


def _report(run, path, *args):
    result = run("report", path, "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- the IOM method itself ---------------------------------------------------------------------


def test_iom_worked_example_three_days_at_the_rda():
    """IOM 2000 ch. 3: a woman 31-50, 3 days at 320 mg magnesium: SD_D 56 mg, about 85% confidence."""
    profile = Profile("female", 40)
    var = variation("magnesium", profile)
    assert var.sd_within == 86 and "IOM" in var.source
    p = probability_adequate(320, 265, var.cv_requirement * 265, var.sd_within, 3)
    assert p == pytest.approx(0.84, abs=0.01)


def test_one_day_at_the_rda_is_not_likely_adequate():
    profile = Profile("female", 40)
    reference = references(profile)["magnesium"]
    verdict = assess(Evidence((320.0,), (0.0,), (0.0,), 12, 12), reference, variation("magnesium", profile))
    assert verdict.status is Status.CANNOT_TELL and 0.6 < verdict.probability_adequate < 0.9
    assert verdict.days_needed and "more days" in verdict.reason
    far_above = assess(Evidence((520.0,), (0.0,), (0.0,), 12, 12), reference, variation("magnesium", profile))
    assert far_above.status is Status.LIKELY_ADEQUATE


def test_one_day_diary_at_the_rda_through_the_cli(run, tmp_path):
    """A custom food makes one realistic 2,000 kcal day holding exactly the RDA of magnesium."""
    foods = write(tmp_path / "foods.csv", "food_id,description,magnesium_mg,energy_kcal\nday1,test porridge,32,200\n")
    diary = _diary(tmp_path, {DAYS[0]: ["test porridge,1000,g"]})
    week = _report(run, diary, "--foods", foods)["weeks"][0]
    magnesium = week["nutrients"]["magnesium"]
    assert magnesium["daily_average"] == 320 and magnesium["status"] == "cannot tell"
    assert 0.6 < magnesium["probability_adequate"] < 0.9 and magnesium["days_needed"] >= 1
    assert week["days"][0]["energy_kcal"] == 2000 and week["days"][0]["complete"] is True


def test_below_the_ai_says_nothing_about_inadequacy():
    """An AI-only reference gives 'adequate' at or above it and never a shortfall below. Only infants have
    AI-only rows in dri.csv and nutri refuses them (issue 12), so the row is an adult's with only its AI kept."""
    adult = Profile("female", 34)
    reference = dataclasses.replace(references(adult)["magnesium"], ear=None, rda=None, ai=75.0)
    assert reference.ear is None and reference.ai
    var = variation("magnesium", adult)
    low = assess(Evidence((10.0,), (0.0,), (0.0,), 5, 5), reference, var)
    assert low.status is Status.CANNOT_TELL and not low.status.shortfall and low.probability_adequate is None
    high = assess(Evidence((reference.ai + 5,), (0.0,), (0.0,), 5, 5), reference, var)
    assert high.status is Status.ADEQUATE_AI


# -- every row counts, as known or unknown -------------------------------------------------------

UNWEIGHABLE = [
    "lentil soup,,",
    "mixed nuts,,",
    "orange juice,,",
    "salmon fillet,,",
    "cheese sandwich,,",
    "spinach salad,,",
    "fruit yogurt,,",
    "granola,,",
]


def test_forty_percent_unweighable_gives_no_confident_shortfall(run, tmp_path):
    """12 weighable and 8 unweighable rows a day: coverage about 0.6, and no shortfall is claimed."""
    diary = _diary(tmp_path, {day: REALISTIC_DAY + UNWEIGHABLE for day in DAYS})
    report = _report(run, diary)
    week = report["weeks"][0]
    for key, nutrient in week["nutrients"].items():
        assert nutrient["status"] not in ("likely inadequate", "possibly inadequate"), key
    magnesium = week["nutrients"]["magnesium"]
    assert magnesium["coverage"] == pytest.approx(0.6, abs=0.02) and magnesium["uncounted"] == 40
    assert "40 of 100 entries could not be counted" in report["data_quality"]["uncounted"]["sentence"]
    vitamin_d = week["nutrients"]["vitamin_d"]  # ~3 µg counted; the unweighed rows could hold more
    assert vitamin_d["status"] == "insufficient data" and "not counted" in vitamin_d["reason"]
    text = run("report", diary).stdout
    assert any(
        line.startswith("Data quality: 40 of 100 entries could not be counted") for line in text.splitlines()[:8]
    )


def test_a_needs_review_outlier_is_not_counted_and_the_day_stays_plausible(run, tmp_path):
    diary = _diary(tmp_path, {DAYS[0]: REALISTIC_DAY + ["watermelon,1,melon"]})
    matched = run("match", diary, "-q", "-o", tmp_path / "m.json")
    assert matched.exit_code == 0
    rows = json.loads((tmp_path / "m.json").read_text())
    melon = rows[-1]
    assert melon["status"] == "needs_review" and "implausible" in melon["note"] and melon["uncounted"] == "needs review"
    assert melon["grams"] > 2000 and melon["magnesium_mg"] is None
    day = _report(run, diary)["weeks"][0]["days"][0]
    assert 1500 < day["energy_kcal"] < 2200 and day["complete"] is True


def test_review_rows_count_when_accepted(run, tmp_path):
    diary = _diary(tmp_path, {DAYS[0]: REALISTIC_DAY + ["watermelon,1,melon"]})
    plain = _report(run, diary)["weeks"][0]["days"][0]
    accepted = _report(run, diary, "--accept-review")["weeks"][0]["days"][0]
    assert accepted["energy_kcal"] > plain["energy_kcal"] + 1000


def test_a_quick_add_only_day_is_not_averaged_in_as_zero(run, tmp_path):
    """Day 1: a quick-add of 2,500 kcal with no food; day 2: real food. Magnesium is day 2's alone."""
    header = "Date,Food,Amount,Unit,Energy (kcal),Magnesium (mg)\n"
    text = header + f"{DAYS[0]},Quick add,1,serving,2500,\n" + "".join(f"{DAYS[1]},{row},,\n" for row in REALISTIC_DAY)
    diary = write(tmp_path / "quick.csv", text)
    week = _report(run, diary)["weeks"][0]
    quick_day, food_day = week["days"][0], week["days"][1]
    assert quick_day["energy_kcal"] == 2500 and quick_day["magnesium_mg"] is None
    magnesium = week["nutrients"]["magnesium"]
    assert magnesium["daily_average"] == pytest.approx(food_day["magnesium_mg"])
    assert magnesium["days_counted"] == 1 and magnesium["uncounted"] == 1


def test_a_600_kcal_day_is_marked_incomplete_and_left_out(run, tmp_path):
    light = ["banana,1,medium", "apple,1,medium", "milk 2%,1,cup", "greek yogurt plain,170,g"]
    diary = _diary(tmp_path, {DAYS[0]: REALISTIC_DAY, DAYS[1]: light, DAYS[2]: REALISTIC_DAY})
    week = _report(run, diary)["weeks"][0]
    days = {d["date"]: d for d in week["days"]}
    assert days[DAYS[1]]["energy_kcal"] < 700 and days[DAYS[1]]["complete"] is False
    assert "likely incomplete" in days[DAYS[1]]["incomplete_reason"]
    assert days[DAYS[0]]["complete"] and days[DAYS[2]]["complete"] and week["days_complete"] == 2
    magnesium = week["nutrients"]["magnesium"]
    assert magnesium["daily_average"] == pytest.approx(
        (days[DAYS[0]]["magnesium_mg"] + days[DAYS[2]]["magnesium_mg"]) / 2
    )


def test_a_single_day_magnesium_supplement_is_flagged_that_day(run, tmp_path):
    diary = _diary(
        tmp_path, {DAYS[0]: REALISTIC_DAY + ["Magnesium 600 mg,,"], DAYS[1]: REALISTIC_DAY, DAYS[2]: REALISTIC_DAY}
    )
    week = _report(run, diary)["weeks"][0]
    over = {d["date"]: d["above_ul"] for d in week["days"] if d["logged"]}
    assert over == {DAYS[0]: ["magnesium"], DAYS[1]: [], DAYS[2]: []}
    assert week["nutrients"]["magnesium"]["supplemental_average"] == pytest.approx(200)


# -- one person per report ---------------------------------------------------------------------------


def test_a_three_person_file_is_refused_until_one_is_picked(run, tmp_path):
    header = "Participant,Date,Food,Amount,Unit\n"
    rows = {"A": REALISTIC_DAY[:6], "B": REALISTIC_DAY, "C": REALISTIC_DAY[6:]}
    text = header + "".join(f"{p},{DAYS[0]},{row}\n" for p, items in rows.items() for row in items)
    mixed = write(tmp_path / "people.csv", text)
    refused = run("report", mixed)
    assert refused.exit_code == 2 and "'Participant'" in refused.output and "--person" in refused.output
    assert run("match", mixed).exit_code == 2
    b_only = write(tmp_path / "b.csv", HEADER + "".join(f"{DAYS[0]},{row}\n" for row in REALISTIC_DAY))
    picked = _report(run, mixed, "--person", "B")
    alone = _report(run, b_only)
    assert picked["weeks"][0]["days"] == alone["weeks"][0]["days"]
    assert picked["weeks"][0]["nutrients"] == alone["weeks"][0]["nutrients"]
    missing = run("report", mixed, "--person", "Z")
    assert missing.exit_code == 2 and "'Z' is not in column 'Participant'" in missing.output


def test_an_id_column_of_entry_numbers_names_no_people(run, tmp_path):
    text = "ID,Date,Food,Amount,Unit\n" + "".join(f"{i},{DAYS[0]},{row}\n" for i, row in enumerate(REALISTIC_DAY))
    assert run("report", write(tmp_path / "ids.csv", text)).exit_code == 0


def test_a_person_column_names_people_with_one_row_each(run, tmp_path):
    """Under a Person header, all-different values are people with one entry each, never one diary of
    their entries together (only an ID header may number the entries)."""
    path = write(
        tmp_path / "tiny.csv",
        f"Person,Date,Food,Amount,Unit\nann,{DAYS[0]},banana,1,medium\nbob,{DAYS[0]},apple,1,medium\n",
    )
    refused = run("report", path)
    assert refused.exit_code == 2 and "names 2 people (ann, bob)" in refused.output


def _shared_days_file(tmp_path, header: str, label_of, name="shared.csv"):
    """Two days on which each of three people logs the realistic day; label_of(person, day, row_no)
    gives the extra first column's value."""
    lines = [header]
    for day in DAYS[:2]:
        for person in ("Ann", "Ben", "Cat"):
            lines += [f"{label_of(person, day, i)},{day},{row}\n" for i, row in enumerate(REALISTIC_DAY)]
    return write(tmp_path / name, "".join(lines))


def test_a_column_naming_people_is_recognised_by_its_values(run, tmp_path):
    """'Who' is no person header, but its values are names repeating across the same dates, in blocks."""
    mixed = _shared_days_file(tmp_path, "Who,Date,Food,Amount,Unit\n", lambda person, day, i: person)
    refused = run("report", mixed)
    assert refused.exit_code == 2 and "'Who'" in refused.output and "recognised by its values" in refused.output
    assert "--person 'Ann'" in refused.output and "--columns person=none" in refused.output
    ben = _report(run, mixed, "--person", "Ben")
    alone = write(tmp_path / "ben.csv", HEADER + "".join(f"{d},{row}\n" for d in DAYS[:2] for row in REALISTIC_DAY))
    assert ben["weeks"][0]["nutrients"] == _report(run, alone)["weeks"][0]["nutrients"]
    # the user says the column names no one: read as one diary (three times the food per day)
    assert run("report", mixed, "--columns", "person=none").exit_code == 0


def test_a_person_header_names_its_column_and_person_none_overrules_it(run, tmp_path):
    """The refusal names the column to pick from ('Person', not None), and --columns person=none reads a
    file whose person header names no one (a shared kitchen's 'User' of who typed the row) as one diary."""
    shared = _shared_days_file(tmp_path, "Person,Date,Food,Amount,Unit\n", lambda person, day, i: person)
    refused = run("report", shared)
    assert refused.exit_code == 2 and "(or another name in 'Person')" in refused.output
    assert run("report", shared, "--columns", "person=none").exit_code == 0


@pytest.mark.parametrize(
    "header, label_of",
    [
        ("Where,Date,Food,Amount,Unit\n", lambda person, day, i: "home" if person != "Ben" else "work"),
        ("Wk,Date,Food,Amount,Unit\n", lambda person, day, i: f"W{DAYS.index(day) + 1}"),
        ("Sort,Date,Food,Amount,Unit\n", lambda person, day, i: "ABC"[i % 3]),
        ("Kcal,Date,Food,Amount,Unit\n", lambda person, day, i: {"Ann": "1.5", "Ben": "2.5", "Cat": "3.5"}[person]),
    ],
    ids=["places", "a label that follows the date", "values changing row to row", "decimals"],
)
def test_columns_that_only_look_like_people_are_not_taken_for_them(run, tmp_path, header, label_of):
    assert run("report", _shared_days_file(tmp_path, header, label_of)).exit_code == 0


def test_very_uneven_days_are_too_variable_for_a_week_but_judged_over_months():
    """B12 from food most days and a 1000 µg tablet some days: CV far above 70%. A week cannot be
    judged by the normal approximation; the average of 60 such days can (central limit theorem)."""
    profile = Profile("female", 40)
    reference, var = references(profile)["vitamin_b12"], variation("vitamin_b12", profile)

    def judged(days: int):
        counted = tuple(1000.0 if d % 3 == 0 else 4.0 for d in range(days))
        return assess(Evidence(counted, (0.0,) * days, (0.0,) * days, 5 * days, 5 * days), reference, var)

    assert judged(7).status is Status.TOO_VARIABLE
    assert judged(60).status is Status.LIKELY_ADEQUATE


def test_many_periods_judged_at_once_read_as_each_period_alone():
    """The report judges all its weeks in one call (assess_each); each verdict, number and reason is
    the one a period judged alone gets, days without evidence included."""
    import math

    from nutri.assess import assess_each

    profile = Profile("female", 34)
    periods = [
        Evidence((), (), (), 0, 0),
        Evidence((), (), (), 12, 0),
        Evidence((250.0, 310.5, 190.25), (0.0, 40.0, 0.0), (0.0, 0.0, 0.0), 30, 28),
        Evidence((400.0,) * 7, (0.0,) * 7, (350.0,) * 7, 21, 21),
        Evidence(tuple(float(x) for x in range(50, 400, 10)), (0.0,) * 35, (0.0,) * 35, 70, 70),
        Evidence((30.0, 900.0, 15.0, 600.0), (0.0, 0.0, math.inf, 0.0), (0.0, 800.0, 0.0, 500.0), 8, 8),
    ]
    for nutrient, reference in references(profile).items():
        var = variation(nutrient, profile)
        assert assess_each(periods, reference, var) == [assess(e, reference, var) for e in periods]
