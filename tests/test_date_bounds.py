"""Dates at the ends of the calendar and far apart: bounded work, one-line errors, never an internal error."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from nutri.cli import cli


def _diary(tmp_path, *dates):
    path = tmp_path / "d.csv"
    rows = "".join(f"{d},spinach,100,g\n" for d in dates)
    path.write_text("Date,Food,Amount,Unit\n" + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize("options", [[], ["--week", "9999-W52"], ["--from", "9999-12-30"], ["--from", "0001-01-01"]])
def test_last_representable_day_reports(tmp_path, options):
    result = CliRunner().invoke(
        cli, ["report", "-q", "--format", "json", str(_diary(tmp_path, "9999-12-31", "9999-12-30")), *options]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [w["week"] for w in report["weeks"]] == ["9999-W52"]
    assert report["weeks"][0]["end"] == "9999-12-31"


def test_entries_far_apart_walk_only_logged_weeks(tmp_path):
    path = _diary(tmp_path, "1990-01-01", "2026-11-16")
    result = CliRunner().invoke(cli, ["report", "-q", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [w["week"] for w in report["weeks"]] == ["1990-W01", "2026-W47"]
    assert [g["text"] for g in report["gaps"]] == ["no entries from 1990-01-08 to 2026-11-15"]
    assert len(report["whole_period"]["days"]) == 2
    assert report["whole_period"]["days_not_logged"] == (dt.date(2026, 11, 16) - dt.date(1990, 1, 1)).days + 1 - 2
    text = CliRunner().invoke(cli, ["report", "-q", str(path)]).output
    assert "No entries from 1990-01-08 to 2026-11-15" in text


def test_wide_range_option_is_bounded_by_the_data(tmp_path):
    path = _diary(tmp_path, "2026-11-16")
    result = CliRunner().invoke(
        cli, ["report", "-q", "--format", "json", str(path), "--from", "1900-01-01", "--to", "2100-12-31"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert len(report["weeks"]) == 1
    assert [(g["start"], g["end"]) for g in report["gaps"]] == [
        ("1900-01-01", "2026-11-15"),
        ("2026-11-23", "2100-12-31"),
    ]


@pytest.mark.parametrize(
    "options", [["--week", "10000-W01"], ["--week", "9999-W53"], ["--from", "10000-01-01"], ["--to", "9999-12-32"]]
)
def test_dates_beyond_the_calendar_are_usage_errors(tmp_path, options):
    result = CliRunner().invoke(cli, ["report", "-q", str(_diary(tmp_path, "2026-11-16")), *options])
    assert result.exit_code == 2, result.output
    assert "internal error" not in result.output
    assert len(result.output.strip().splitlines()) == 1
