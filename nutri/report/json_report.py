from nutri.report.safe import json_text


def render(report: dict) -> str:
    return json_text(report, indent=2) + "\n"
