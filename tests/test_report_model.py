"""The typed report model: built once, read by every renderer, serialised as the JSON contract."""

import json

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
