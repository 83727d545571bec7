"""The JSON report: the report model serialised, every key of the JSON contract kept."""

from nutri.report.model import Report
from nutri.report.safe import json_text


def render(report: Report) -> bytes:
    return (json_text(report.to_dict(), indent=2) + "\n").encode("utf-8")
