"""The summary at the top of every report: per tracked nutrient, enough / not enough / cannot tell
yet and why, with at most three things to do, in everyday words.

It reads the report's own verdicts (the whole period when the diary spans several weeks, else the
one week), so it never says more than the detail below it. Foods are named by their short names
(nutri/short_names.py); a food without one stays in the detail.
"""

from __future__ import annotations

from nutri.assess import Status


def fmt(value, digits: int = 1) -> str:
    """A number as the reports show it (the JSON summary builds its sentences with it, so it lives here
    and a JSON report never imports the text renderer)."""
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


SUMMARY_ACTIONS = 3  # at most this many actions per nutrient in the summary (the detail lists all)
# A 'log more days' action only when that many days are within reach of a person keeping a diary.
MAX_DAYS_TO_ASK = 28

ANSWERS = {
    Status.LIKELY_ADEQUATE: "enough",
    Status.ADEQUATE_AI: "enough",
    Status.LIKELY_INADEQUATE: "not enough",
    Status.POSSIBLY_INADEQUATE: "probably not enough",
    Status.CANNOT_TELL: "cannot tell yet",
    Status.INSUFFICIENT: "cannot tell yet",
    Status.TOO_VARIABLE: "cannot tell yet",
    Status.ABOVE_UL: "too much",
    Status.POSSIBLY_ABOVE_UL: "possibly too much",
}


def _target_words(n: dict) -> str:
    if n["rda"] is not None:
        return f"the {fmt(n['rda'])} {n['unit']} RDA"
    if n["ai"] is not None:
        return f"the {fmt(n['ai'])} {n['unit']} AI"
    return "no DRI target"


def _average_words(n: dict) -> str:
    """'237 mg/day on average, 74% of the 320 mg RDA'."""
    if n["daily_average"] is None:
        return ""
    text = f"{fmt(n['daily_average'])} {n['unit']}/day on average"
    if n["percent_rda"] is not None:
        text += f", {fmt(n['percent_rda'], 0)}% of {_target_words(n)}"
    return text


def _why(n: dict, status: Status) -> str:
    average = _average_words(n)
    if status.over_limit and n.get("above_ul"):
        over = n["above_ul"]
        return (
            f"{fmt(over['intake'])} {n['unit']}/day against a UL of {fmt(over['ul'])} {n['unit']}/day "
            f"(the UL counts {over['scope']})"
        )
    if status is Status.INSUFFICIENT:
        return n["reason"]
    if status is Status.TOO_VARIABLE:
        return f"{average}; intake varies too much from day to day to judge" if average else n["reason"]
    if status in (Status.CANNOT_TELL, Status.POSSIBLY_INADEQUATE, Status.LIKELY_INADEQUATE):
        chance = n["probability_adequate"]
        odds = f"{chance:.0%} chance that meets your need" if chance is not None else n["reason"]
        small = "; the gap is too small to need a change" if n.get("closer_note") else ""
        return (f"{average} ({odds})" if average else odds) + small
    return average or n["reason"]


def _actions(n: dict, status: Status) -> list[dict]:
    """Gap closers with a short name (the person's own foods first), or what would settle the verdict."""
    actions = []
    if status.shortfall:
        for closer in n.get("gap_closers", []):
            if not closer.get("name") or len(actions) == SUMMARY_ACTIONS:
                continue
            own = " (you already eat it)" if closer.get("in_diary") else ""
            actions.append(
                {
                    "text": f"{closer['name']}, {closer['amount_text']} a day: +{fmt(closer['adds'])} {n['unit']}{own}",
                    "adds": closer["adds"],
                    "food_id": closer["food_id"],
                    "in_diary": bool(closer.get("in_diary")),
                }
            )
    days = n.get("days_needed")
    if status is Status.CANNOT_TELL and days and days <= MAX_DAYS_TO_ASK:
        actions.append({"text": f"log about {days} more complete day(s) to tell", "adds": None})
    if status is Status.INSUFFICIENT and n.get("uncounted"):
        actions.append({"text": "see Data quality below for the entries not counted", "adds": None})
    if status.over_limit and n.get("above_ul"):
        actions.append({"text": n["above_ul"]["advice"], "adds": None})
    return actions[:SUMMARY_ACTIONS]


def summarise(report: dict) -> dict:
    """The summary of a report dict (the JSON contract's ``summary`` key)."""
    period = report["whole_period"] or (report["weeks"][0] if report["weeks"] else None)
    items = []
    for key, n in (period["nutrients"] if period else {}).items():
        status = Status(n["status"])
        items.append(
            {
                "nutrient": key,
                "label": n["label"],
                "unit": n["unit"],
                "answer": ANSWERS[status],
                "status": status.value,
                "why": _why(n, status),
                "actions": _actions(n, status),
            }
        )
    return {
        "period": period["week"] if period else "",
        "items": items,
        "data_quality": report["data_quality"]["uncounted"]["sentence"],
        "energy_kcal": period["energy_kcal"] if period else None,
    }
