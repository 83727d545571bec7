"""Top sources name every food, including entries counted from an app's own values without a match."""

import json

from conftest import write


def test_an_unmatched_entry_counted_from_export_values_is_named_by_its_text(run, tmp_path):
    header = "Day,Food Name,Amount,Energy (kcal),Magnesium (mg),Calcium (mg)\n"
    rows = [
        "2026-11-16,Grandma's Zorblax Bake,1.00 serving,900,250.0,100.0",
        "2026-11-16,Zzyzx Qwuffle,1.00 piece,400,90.0,20.0",
        '2026-11-16,"Milk, 2%",1.00 cup,122,27.0,293.0',
    ]
    path = write(tmp_path / "servings.csv", header + "\n".join(rows) + "\n")
    result = run("report", path, "--format", "json")
    assert result.exit_code == 0, result.output
    top = json.loads(result.stdout)["weeks"][0]["nutrients"]["magnesium"]["top_foods"]
    names = [t["food"] for t in top]
    assert "" not in names
    assert names[:2] == ["Grandma's Zorblax Bake", "Zzyzx Qwuffle"]


def test_a_candidate_needing_review_is_not_named_as_what_was_eaten(run, tmp_path):
    """An entry needing review is counted from the app's own values only: its candidate food may be
    another food (eggshell powder's candidate is dried whole egg), so the report names the entry by its
    text, lists the nutrients its export lacks under the app's values, and never says the candidate is
    already in the diary. With --accept-review the candidate is what was counted, and is named."""
    header = "Day,Food Name,Amount,Energy (kcal),Magnesium (mg),Calcium (mg)\n"
    rows = [
        '2026-11-16,"Egg shell, dried, ground",1.00 g,0,,400.0',
        '2026-11-16,"Milk, 2%",1.00 cup,122,27.0,293.0',
    ]
    path = write(tmp_path / "servings.csv", header + "\n".join(rows) + "\n")
    matched = run("match", path, "-o", tmp_path / "m.json", "-q")
    assert matched.exit_code == 0, matched.output
    egg = json.loads((tmp_path / "m.json").read_text())[0]
    assert egg["status"] == "needs_review" and egg["food"].startswith("Egg")  # the premise: a candidate, unconfirmed
    report = json.loads(run("report", path, "--format", "json").stdout)
    week = report["weeks"][0]["nutrients"]
    assert [t["food"] for t in week["calcium"]["top_foods"]][0] == "Egg shell, dried, ground"
    assert week["calcium"]["top_foods"][0]["food_id"] == ""
    quality = report["data_quality"]
    assert quality["unknown_app_values"]["magnesium"] == ["Egg shell, dried, ground"]
    assert not any(quality["unknown_values"].values())
    text = run("report", path).stdout
    assert "Magnesium: the app's export gives no value for 'Egg shell, dried, ground'" in text
    assert egg["food"] not in text.split("Top Calcium sources:")[1].splitlines()[0]
    accepted = json.loads(run("report", path, "--accept-review", "--format", "json").stdout)
    assert accepted["weeks"][0]["nutrients"]["calcium"]["top_foods"][0]["food"] == egg["food"]
