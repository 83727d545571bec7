"""The JSON report: the report model serialised, every key of the JSON contract kept."""

from nutri.report.model import Report, to_dict
from nutri.report.safe import clean, indented_json


def render(report: Report) -> bytes:
    # the model's JSON form, cleaned for output on the same walk (not a second walk over 300,000 values)
    return (indented_json(to_dict(report, leaf=clean), indent=2) + "\n").encode("utf-8")
