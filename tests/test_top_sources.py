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
