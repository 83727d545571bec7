"""The typed report model: built once, read by every renderer, serialised as the JSON contract."""

import json

import pytest
from conftest import DATA

from nutri.assess import Status
from nutri.report.model import Day, NutrientAssessment, Report

GOLDEN = DATA / "golden"


def _golden() -> dict:
    return json.loads((GOLDEN / "report.json").read_text(encoding="utf-8"))


def _key_paths(value, prefix="") -> set[str]:
    """Every key of a JSON document as a path ('weeks[].nutrients.*.status'); dicts keyed by data
    (nutrients, unknown values, reasons) collapse to '*' so the paths name the contract's keys."""
    paths = set()
    if isinstance(value, dict):
        data_keyed = prefix.endswith(("nutrients", "unknown_values", "by_reason"))
        for key, item in value.items():
            path = f"{prefix}.{'*' if data_keyed else key}"
            paths |= {path} | _key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            paths |= _key_paths(item, prefix + "[]")
    return paths


def test_the_model_reads_and_writes_the_json_contract_unchanged():
    report = _golden()
    model = Report.from_dict(report)
    assert model.to_dict() == report
    assert json.dumps(model.to_dict()) == json.dumps(report)  # key order too


def test_the_model_is_typed():
    model = Report.from_dict(_golden())
    week = model.weeks[0]
    assert isinstance(week.days[0], Day) and week.days[0].date.isoformat() == week.days[0].to_dict()["date"]
    magnesium = week.nutrients["magnesium"]
    assert isinstance(magnesium, NutrientAssessment) and isinstance(magnesium.status, Status)
    assert magnesium.target == magnesium.rda


def test_the_golden_json_keeps_every_contract_key():
    """report-json-keys.txt lists every key the JSON report had before issue 13; new keys may come, none may go."""
    lines = (GOLDEN / "report-json-keys.txt").read_text(encoding="utf-8").splitlines()
    contract = {line for line in lines if line and not line.startswith("#")}
    assert len(contract) > 200
    missing = contract - _key_paths(_golden())
    assert not missing, sorted(missing)


# -- the summary and the advice that fits the gap ------------------------------------------------


def test_the_summary_names_foods_by_short_names_never_by_table_descriptions(table):
    from nutri.short_names import short_names

    report = Report.from_dict(_golden())
    assert report.summary is not None and len(report.summary.items) == 6
    actions = [a for item in report.summary.items for a in item.actions]
    foods = [a for a in actions if a.food_id]
    assert foods, "the golden diary is short of magnesium and calcium: the summary suggests foods"
    for action in foods:
        description = table.description(action.food_id)
        assert description not in action.text and description.split(",")[0] + "," not in action.text
        assert action.text.startswith(short_names()[action.food_id] + ", ")
    assert all(len(item.actions) <= 3 for item in report.summary.items)


def test_short_names_are_short_and_name_real_foods(table):
    from nutri.short_names import short_names

    for food_id, name in short_names().items():
        assert table.has(food_id), food_id
        assert name and "," not in name and len(name) <= 40, (food_id, name)


def test_no_gap_closer_under_the_minimum_gap():
    from nutri.advice import MIN_GAP_SHARE, Suggestion, gap_closers

    seeds = [Suggestion("12014", "Seeds, pumpkin", "1 oz (28 g)", 28.35, 168.0, True, "", "oz", 1.0)]
    target = 320.0
    assert gap_closers(seeds, MIN_GAP_SHARE * target * 0.9, target=target) == []
    closers = gap_closers(seeds, MIN_GAP_SHARE * target * 1.1, target=target)
    assert closers and closers[0]["portions"] == 0.5 and closers[0]["amount_text"] == "1/2 oz (14 g)"


def test_gap_closers_say_amounts_as_people_do():
    from nutri.advice import Suggestion, gap_closers

    tofu = Suggestion("16426", "Tofu, raw, firm", "1/2 cup (126 g)", 126.0, 430.0, False, "", "cup", 0.5)
    egg = Suggestion("01123", "Egg, whole, raw, fresh", "1 large (50 g)", 50.0, 1.0, False, "", "large", 1.0)
    (closer,) = gap_closers([tofu], 200.0)
    assert closer["amount_text"] == "1/4 cup (63 g)" and " x " not in closer["amount_text"]
    (closer,) = gap_closers([egg], 1.5)
    assert closer["portions"] == 2 and closer["amount_text"] == "2 large (100 g)"  # no half egg
    (closer,) = gap_closers([egg], 10.0)
    assert closer["portions"] == 3 and closer["adds"] < 10.0  # at most three portions a day


def test_the_persons_own_foods_come_first():
    from nutri.advice import Suggestion, gap_closers

    hemp = Suggestion("12012", "Seeds, hemp seed, hulled", "3 tbsp (30 g)", 30.0, 210.0, False, "", "tbsp", 3.0)
    almonds = Suggestion("12061", "Nuts, almonds", "1 oz (28 g)", 28.35, 76.5, True, "", "oz", 1.0)
    closers = gap_closers([hemp, almonds], 100.0, count=2)
    assert [c["food_id"] for c in closers] == ["12061", "12012"]


def test_energy_per_day_and_per_week_in_every_format():
    report = _golden()
    week = report["weeks"][0]
    assert week["energy_kcal_total"] == pytest.approx(
        sum(d["energy_kcal"] for d in week["days"] if d["logged"] and d["energy_kcal"] is not None), abs=0.01
    )
    for name in ("report.txt", "report.md", "report.html"):
        text = (GOLDEN / name).read_text(encoding="utf-8")
        assert "kcal/day on average over" in text and "kcal logged in the week" in text, name


def test_html_charts_label_days_draw_the_target_and_trend_across_weeks(run, tmp_path):
    import re

    html = (GOLDEN / "report.html").read_text(encoding="utf-8")
    week = html[html.index("<h2>Week 2026-W47") : html.index("<h2>Week 2026-W48")]
    charts = re.findall(r"<svg class=chart [^>]*viewBox=[^>]*per day[^>]*>.*?</svg>", week)
    assert len(charts) == 6  # one per tracked nutrient
    magnesium = charts[0]
    for weekday, day in (("Mo", 16), ("Tu", 17), ("Su", 22)):
        assert f">{weekday}</text>" in magnesium and f">{day}</text>" in magnesium
    assert "stroke-dasharray" in magnesium and ">RDA 320</text>" in magnesium
    assert "Week by week" in html  # the golden diary spans two weeks
    one_week = tmp_path / "one.html"
    diary = tmp_path / "d.csv"
    diary.write_text("date,food,amount,unit\n2026-11-16,banana,1,medium\n", encoding="utf-8")
    assert run("report", diary, "-o", one_week, "-q").exit_code == 0
    assert "Week by week" not in one_week.read_text(encoding="utf-8")


def test_each_period_says_which_meal_supplies_each_nutrient(run, tmp_path):
    report = _golden()
    meals = report["weeks"][0]["meals"]
    assert [m["meal"] for m in meals][:3] == ["Breakfast", "Lunch", "Dinner"]  # usual meals first
    for column in ("energy_kcal", "magnesium_mg", "calcium_mg"):
        assert sum(m["shares"][column] or 0 for m in meals) == pytest.approx(1.0, abs=0.01)
    for name in ("report.txt", "report.md", "report.html"):
        assert "Which meal supplies it" in (GOLDEN / name).read_text(encoding="utf-8"), name
    diary = tmp_path / "d.csv"  # no meal column: no breakdown, nothing invented
    diary.write_text("date,food,amount,unit\n2026-11-16,banana,1,medium\n", encoding="utf-8")
    result = run("report", diary, "--format", "json", "-q")
    assert "meals" not in json.loads(result.stdout)["weeks"][0]


def test_a_report_key_the_model_lacks_is_an_error_not_a_silent_loss():
    report = _golden()
    report["weeks"][0]["nutrients"]["magnesium"]["new_key"] = 1
    with pytest.raises(TypeError, match="new_key"):
        Report.from_dict(report)


def test_a_tiny_gap_is_said_with_its_digits_never_as_zero():
    from nutri.report.text import gap_words

    report = _golden()
    magnesium = report["weeks"][0]["nutrients"]["magnesium"]
    assert gap_words(NutrientAssessment.from_dict(magnesium)) == "below target by 82.6 mg/day"
    tiny = NutrientAssessment.from_dict({**magnesium, "gap": 0.04})
    assert gap_words(tiny) == "below target by 0.04 mg/day"


def _variants(report: dict):
    """The golden report, and copies with optional keys left out, set to None, or holding values
    the output-safety cleaning changes (NaN, infinity, control characters)."""
    yield report
    for key, value in (("meals", None), ("energy_kcal_total", None), ("days", None)):
        changed = json.loads(json.dumps(report))
        changed["weeks"][0][key] = value
        yield changed
    for key in ("sources", "gap_closers", "withheld", "advice", "gap", "above_ul", "summary"):
        changed = json.loads(json.dumps(report))
        target = changed if key == "summary" else next(iter(changed["weeks"][0]["nutrients"].values()))
        target.pop(key, None)
        yield changed
    changed = json.loads(json.dumps(report))
    first = changed["weeks"][0]
    first["energy_kcal"] = float("nan")
    first["days"][0]["energy_kcal"] = float("inf")
    next(iter(first["nutrients"].values()))["reason"] = "red \x1b[31m text\r\nnext"
    changed["data_quality"]["counts"]["odd \x07 key"] = 1
    yield changed


def test_the_json_form_without_model_objects_is_the_models_to_the_byte():
    from nutri.report.model import json_form, to_dict
    from nutri.report.safe import clean

    for report in _variants(_golden()):
        for leaf in (clean, lambda value: value):
            expected = json.dumps(to_dict(Report.from_dict(report), leaf=leaf), ensure_ascii=False)
            assert json.dumps(json_form(Report, report, leaf=leaf), ensure_ascii=False) == expected


def test_the_json_form_refuses_a_key_the_model_lacks():
    from nutri.report.model import json_form

    report = _golden()
    report["weeks"][0]["nutrients"]["magnesium"]["invented"] = 1
    with pytest.raises(TypeError, match="invented"):
        json_form(Report, report)
