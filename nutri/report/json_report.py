import json


def render(report: dict) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
