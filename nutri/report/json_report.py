"""The JSON report: the report model serialised, every key of the JSON contract kept."""

from nutri.report.model import Report, json_form, to_dict
from nutri.report.safe import clean, indented_json


def render(report: Report) -> bytes:
    # the model's JSON form, cleaned for output on the same walk (not a second walk over 300,000 values)
    return (indented_json(to_dict(report, leaf=clean), indent=2) + "\n").encode("utf-8")


def render_dict(report: dict) -> bytes:
    """``render(Report.from_dict(report))``, without making the model's objects only to read them back."""
    return (indented_json(json_form(Report, report, leaf=clean), indent=2) + "\n").encode("utf-8")
