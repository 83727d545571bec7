"""Build the report's data model (a plain dict, the JSON contract) from analysed entries."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from nutri import __version__
from nutri.advice import (
    MIN_GAP_SHARE,
    category_suggestions,
    document,
    everyday_food_ids,
    gap_closers,
    ranked_sources,
    screen,
)
from nutri.assess import Status, add_upper_bounds, assess, mark_days, period_evidence, variation
from nutri.dri import Profile, alcohol_limit, caffeine_limit, guidance, references, water_ai_g
from nutri.foods import FoodTable
from nutri.intake import daily_totals, food_rows, summary_counts, uncounted_summary
from nutri.nutrients import ASSESSED, ENERGY, ENTRY_NUTRIENT_COLUMNS, NUTRIENT_BY_KEY, NUTRIENT_COLUMNS
from nutri.report.summary import summarise
from nutri.short_names import short_name
from nutri.supplements import alternative_totals, days_under_alternative

COVERAGE_NOTE = (
    "Coverage is the share of a period's food entries that could be counted; an entry without grams nutri can "
    "trust, a food needing review, an unknown food or a value the food table lacks is not counted, "
    "and is never taken as zero."
)
VERDICT_NOTE = (
    "A verdict is given only when it holds both with the uncounted entries at zero and with each at a typical "
    "entry's amount; it weighs the days counted by the IOM method for individuals (IOM 2000), so few days give "
    "'cannot tell' rather than a guess. Days far below a plausible energy intake are shown but left out."
)
DETAIL_CLOSERS = 5  # gap closers per nutrient in the detail; the summary shows at most SUMMARY_ACTIONS
USUAL_INTAKE_NOTE = (
    "A week of food records estimates usual intake only roughly: day-to-day variation is large, "
    "so read weekly averages as a guide, not a verdict."
)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _clean(value):
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else round(float(value), 3)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def iso_week(date: dt.date) -> str:
    year, week, _ = date.isocalendar()
    return f"{year}-W{week:02d}"


def _period(
    start: dt.date,
    end: dt.date,
    label: str,
    days: pd.DataFrame,
    entries: pd.DataFrame,
    profile: Profile,
    table: FoodTable,
    diary_ids: set[str],
    shared: dict,
    calendar: bool = True,
    alternatives: pd.DataFrame | None = None,
) -> dict:
    refs = references(profile)
    if "days" not in shared:  # the same day table for every period of a report: one conversion
        shared["days"] = days.set_index("date").to_dict("index") if not days.empty else {}
    by_date = shared["days"]
    if calendar:
        day_rows = [
            _day(date.isoformat(), by_date)
            for date in (start + dt.timedelta(days=i) for i in range((end - start).days + 1))
        ]
    else:  # a long period lists its logged days only: the work follows the data, not the calendar
        logged_dates = (
            days["date"][(days["date"] >= start.isoformat()) & (days["date"] <= end.isoformat())]
            if not days.empty
            else []
        )
        day_rows = [_day(date, by_date) for date in sorted(logged_dates)]
    logged = [d for d in day_rows if d["logged"]]
    n_logged = len(logged)
    period_days = days[days["date"].isin([d["date"] for d in logged])] if not days.empty else days
    nutrients = {}
    # one grouping of the period's entries by food serves the top-foods list of every nutrient
    # an entry counted from an app's own values without a matched food is named by its own text
    named = (
        entries.assign(food=entries["food"].where(entries["food"] != "", entries["input"])) if len(entries) else entries
    )
    by_food = (
        named.groupby(["food_id", "food"], sort=False)[[r.column for r in refs.values()]].sum(min_count=1)
        if not entries.empty
        else None
    )
    for nutrient, reference in refs.items():
        column = reference.column
        evidence = period_evidence(period_days, column)
        var = variation(nutrient, profile)
        verdict = assess(evidence, reference, var)
        average = verdict.mean
        target = reference.target
        shortfall = verdict.status.shortfall
        days_below = sum(
            1 for d in logged if d["complete"] and target is not None and d[column] is not None and d[column] < target
        )
        supplemental = float(np.mean(evidence.supplemental)) if evidence.days else None
        item = {
            "label": NUTRIENT_BY_KEY[nutrient].label,
            "unit": reference.unit,
            "daily_average": _clean(average),
            "ear": reference.ear,
            "rda": reference.rda,
            "ai": reference.ai,
            "ul": reference.ul,
            "ul_note": reference.ul_note,
            "dri_row": reference.row,
            "status": verdict.status.value,
            "shortfall": shortfall,
            "coverage": _clean(evidence.coverage),
            "uncounted": evidence.uncounted,
            "probability_adequate": _clean(verdict.probability_adequate),
            "days_needed": verdict.days_needed,
            "reason": verdict.reason,
            "upper_average": _clean(verdict.upper_mean),
            "days_below": days_below,
            "days_logged": n_logged,
            "days_counted": evidence.days,
            "percent_rda": _clean(100 * average / target) if (average is not None and target) else None,
            "supplemental_average": _clean(supplemental) if reference.ul_supplemental_only else None,
            "top_foods": _top_foods(by_food, column),
            "sources": [],
            "gap_closers": [],
            "withheld": [],
        }
        if shortfall or verdict.status is Status.INSUFFICIENT:
            _add_advice(
                item,
                nutrient,
                column,
                target - average if shortfall else None,
                profile,
                table,
                diary_ids,
                shared,
            )
        if verdict.status.over_limit:
            item["above_ul"] = _above_ul(reference, average, supplemental)
        other = _other_reading(period_days, entries, alternatives, column, verdict, reference, var)
        if other:
            item["other_reading"] = other
        nutrients[nutrient] = item
    complete = [d for d in logged if d["complete"]]
    lifestyle = _lifestyle(complete, profile)
    return {
        "week": label,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days_logged": n_logged,
        "days_not_logged": (end - start).days + 1 - n_logged,
        "days_complete": len(complete),
        "energy_kcal": _clean(
            np.mean([d["energy_kcal"] for d in complete if d["energy_kcal"] is not None]) if complete else None
        ),
        "days": day_rows,
        "nutrients": nutrients,
        "lifestyle": lifestyle,
        "meals": _meals(entries, _meal_of(shared, entries), [ENERGY.column, *(r.column for r in refs.values())]),
        # the energy of the period's logged days, as logged (likely incomplete days included)
        "energy_kcal_total": _clean(sum(d["energy_kcal"] for d in logged if d["energy_kcal"] is not None))
        if any(d["energy_kcal"] is not None for d in logged)
        else None,
    }


def _other_reading(days, entries, alternatives, column, verdict, reference, var) -> dict | None:
    """When a supplement dose that can be read two ways (compound or elemental, nutri.supplements)
    changes the verdict under its other reading: that verdict, its average and the entries concerned."""
    if alternatives is None or alternatives.empty:  # no dose that can be read two ways: nothing to judge again
        return None
    other_days = days_under_alternative(days, alternatives, column)
    if other_days is None:
        return None
    other = assess(period_evidence(other_days, column), reference, var)
    if other.status is verdict.status:
        return None
    doses = entries[entries["alternative_column"] == column] if "alternative_column" in entries else entries[:0]
    return {
        "status": other.status.value,
        "daily_average": _clean(other.mean),
        "entries": sorted(set(doses["input"]))[:5],
    }


def _add_advice(
    item: dict,
    nutrient: str,
    column: str,
    gap: float | None,
    profile: Profile,
    table: FoodTable,
    diary_ids: set[str],
    shared: dict,
) -> None:
    """The source document's food sources for a shortfall, screened by the advice-safety table for the
    profile, and the gap closers among them."""
    doc = document()["nutrients"][nutrient]
    all_suggestions = []
    if "everyday" not in shared:
        shared["everyday"] = everyday_food_ids(table)
        shared["groups"] = table.foods["category"].to_dict()
    for rule in doc["sources"]:
        if rule.get("non_food"):
            item["sources"].append({"category": rule["category"], "advice": rule["non_food"], "foods": []})
            continue
        key = (column, rule["category"])
        if key not in shared:
            shared[key] = category_suggestions(table, column, rule)
        # the advice-safety table for this profile (the same in every period of a report)
        if key + ("screened",) not in shared:
            shared[key + ("screened",)] = screen(shared[key], profile, nutrient, shared["groups"])
        safe, withheld = shared[key + ("screened",)]
        picked = ranked_sources(safe, diary_ids, shared["everyday"])
        all_suggestions.extend(picked)
        source = {"category": rule["category"], "foods": [_food(s) for s in picked]}
        if withheld:
            source["left_out"] = len(withheld)  # foods of the category the advice-safety table keeps from this profile
        item["sources"].append(source)
        item["withheld"] += _withheld(withheld, item["withheld"])
    if gap is not None:
        item["gap"] = _clean(gap)
        target = item["rda"] if item["rda"] is not None else item["ai"]
        item["gap_closers"] = gap_closers(
            all_suggestions, gap, count=DETAIL_CLOSERS, target=target, everyday=shared["everyday"]
        )
        if target and gap < MIN_GAP_SHARE * target:
            item["closer_note"] = (
                f"The gap is under {MIN_GAP_SHARE:.0%} of the {'RDA' if item['rda'] is not None else 'AI'}: "
                "too small for a food to close it."
            )
    item["advice"] = doc.get("advice", [])


def _lifestyle(complete: list[dict], profile: Profile) -> dict:
    """Caffeine, alcohol and water of the complete days against the limits for the profile's life stage."""
    caffeine = [d["caffeine_mg"] for d in complete if d["caffeine_mg"] is not None]
    alcohol = [d["alcohol_g"] for d in complete if d["alcohol_g"] is not None]
    water = [d["water_g"] for d in complete if d["water_g"] is not None]
    g = guidance()
    caffeine_max, alcohol_max = caffeine_limit(profile), alcohol_limit(profile)
    water_ai = water_ai_g(profile)
    return {
        "caffeine": {
            "unit": "mg",
            "daily_average": _clean(np.mean(caffeine)) if caffeine else None,
            "limit": caffeine_max.value,
            "days_over": sum(c > caffeine_max.value for c in caffeine),
            "basis": caffeine_max.basis,
            "source": caffeine_max.source,
        },
        "alcohol": {
            "unit": "g",
            "daily_average": _clean(np.mean(alcohol)) if alcohol else None,
            "standard_drinks_per_day": _clean(np.mean(alcohol) / g["alcohol"]["standard_drink_g"]) if alcohol else None,
            "limit_g": alcohol_max.value,
            "days_over": sum(a > alcohol_max.value for a in alcohol),
            "basis": alcohol_max.basis,
            "source": alcohol_max.source,
        },
        "water": {
            "unit": "g",
            "daily_average": _clean(np.mean(water)) if water else None,
            "ai": water_ai,
            "days_below": sum(w < water_ai for w in water) if water_ai else None,
            "source": g["water"]["source"],
            "note": "Water from logged food and drinks only; plain water you did not log is not counted.",
        },
    }


def shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, held within the calendar Python can represent (years 1 to 9999)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def gaps_between(weeks: list[dict], start: dt.date | None, end: dt.date | None) -> list[dict]:
    """The stretches of the period with no entries between (and around) the logged weeks, one item each,
    so a diary with entries 36 years apart reports two weeks and one gap instead of 1,900 empty weeks."""
    if start is None or end is None or not weeks:
        return []
    gaps, cursor = [], start
    for week in weeks:
        first = max(dt.date.fromisoformat(week["start"]), start)
        if first > cursor:
            gaps.append((cursor, shift(first, -1)))
        cursor = max(cursor, shift(dt.date.fromisoformat(week["end"]), 1))
    if cursor <= end and dt.date.fromisoformat(weeks[-1]["end"]) < end:
        gaps.append((cursor, end))
    return [
        {
            "start": a.isoformat(),
            "end": b.isoformat(),
            "days": (b - a).days + 1,
            "text": f"no entries from {a.isoformat()} to {b.isoformat()}",
        }
        for a, b in gaps
        if (b - a).days >= 6
    ]


def _day(key: str, by_date: dict[str, dict]) -> dict:
    """One calendar day of a period: its known sums and coverage, whether it is complete, what is over a UL."""
    if key not in by_date:
        return {
            "date": key,
            "logged": False,
            "entries": 0,
            **{c: None for c in ENTRY_NUTRIENT_COLUMNS},
            "complete": False,
            "incomplete_reason": "not logged",
            "above_ul": [],
        }
    row = by_date[key]
    day = {"date": key, "logged": True, "entries": int(row["entries"])}
    for column in ENTRY_NUTRIENT_COLUMNS:
        day[column] = _clean(row[column])
        day[column + "_coverage"] = _clean(row[column + "_coverage"])
    day["complete"] = bool(row["complete"])
    day["incomplete_reason"] = row["incomplete_reason"] or None
    day["above_ul"] = list(row["above_ul"])
    return day


def _food(s) -> dict:
    food = {
        "food_id": s.food_id,
        "food": s.food,
        "portion": s.portion,
        "grams": round(s.grams, 1),
        "amount": round(float(s.amount), 2),
        "in_diary": s.in_diary,
    }
    if s.caution:
        food["note"] = s.caution
    name = short_name(s.food_id)
    if name:
        food["name"] = name
    return food


def _withheld(withheld: list, already: list[dict]) -> list[dict]:
    """One line per advice-safety rule that kept foods out of the advice, with a few of the foods."""
    seen = {w["rule"] for w in already}
    out: dict[str, dict] = {}
    for w in withheld:
        if w.rule not in seen:
            entry = out.setdefault(w.rule, {"rule": w.rule, "reason": w.reason, "foods": []})
            if len(entry["foods"]) < 3:
                entry["foods"].append(w.food)
    return list(out.values())


def _above_ul(reference, average: float | None, supplemental: float | None) -> dict:
    """The UL, its scope (supplements only for magnesium) and the intake it was compared with."""
    intake = supplemental if reference.ul_supplemental_only else average
    if reference.ul_supplemental_only:
        scope = "supplements and medicines only, not food and water"
    else:
        scope = "total intake from food, water and supplements"
    return {
        "ul": reference.ul,
        "intake": _clean(intake),
        "scope": scope,
        "ul_note": reference.ul_note,
        "advice": guidance()["above_ul"],
    }


MEAL_ORDER = ("breakfast", "lunch", "dinner", "snack", "snacks", "supplements")
NO_MEAL = "(no meal given)"
MAX_MEALS = 8
OTHER_MEALS = "other meals"


def _meal_of(shared: dict, entries: pd.DataFrame) -> pd.Series | None:
    """Each entry's meal as written (stripped, once per report in ``shared``), for the period's rows;
    None when none has one."""
    if shared.get("meal") is None or "meal" not in entries:
        return None
    meal = shared["meal"].reindex(entries.index)
    return meal if (meal != "").any() else None


def _meals(entries: pd.DataFrame, meal: pd.Series | None, columns: list[str]) -> list[dict] | None:
    """Which meal supplies each nutrient: per meal the share of the period's counted total (the
    diary's own meal words, usual meals first). None when the diary names no meals."""
    if entries.empty or meal is None:
        return None
    meal = meal.replace("", NO_MEAL)
    sums = entries[columns].groupby(meal, sort=False).sum(min_count=1)
    totals = sums.sum(min_count=1)
    order = sorted(
        sums.index,
        key=lambda m: (m.lower() not in MEAL_ORDER, MEAL_ORDER.index(m.lower()) if m.lower() in MEAL_ORDER else 0),
    )
    if len(order) > MAX_MEALS:  # an app's many custom groups: the largest by energy, the rest together
        kept = set(sums[ENERGY.column].fillna(0).nlargest(MAX_MEALS - 1).index)
        other = [m for m in order if m not in kept]
        sums.loc[OTHER_MEALS] = sums.loc[other].sum(min_count=1)
        order = [m for m in order if m in kept] + [OTHER_MEALS]
    return [
        {
            "meal": name,
            "shares": {
                column: _clean(sums.at[name, column] / totals[column])
                if totals[column] and not np.isnan(totals[column]) and not np.isnan(sums.at[name, column])
                else None
                for column in columns
            },
        }
        for name in order
    ]


def _top_foods(by_food: pd.DataFrame | None, column: str, count: int = 5) -> list[dict]:
    """The foods giving most of a nutrient in a period, with their share of the known total."""
    if by_food is None:
        return []
    values = by_food[column].to_numpy(dtype=float)
    positive = np.flatnonzero(values > 0)
    if not len(positive):
        return []
    total = values[positive].sum()
    # the largest first, ties in order of appearance (as Series.nlargest), without a Series per call
    best = positive[np.argsort(-values[positive], kind="stable")[:count]]
    keys = by_food.index
    return [
        {
            "food_id": keys[i][0],
            "food": keys[i][1],
            "amount": round(float(values[i]), 2),
            "share": round(float(values[i] / total), 3),
        }
        for i in best
    ]


def _problem_rows(rows: pd.DataFrame, limit: int = 50) -> list[dict]:
    """One line per distinct text (first row, how many rows, why), most frequent first."""
    if rows.empty:
        return []
    grouped = rows.groupby("input", sort=False).agg(
        row=("row", "first"), rows=("row", "size"), food=("food", "first"), note=("note", "first")
    )
    grouped = grouped.sort_values(["rows", "row"], ascending=[False, True]).head(limit)
    return [
        {"row": int(r.row), "rows": int(r.rows), "input": text, "food": r.food, "note": r.note}
        for text, r in zip(grouped.index, grouped.itertuples(), strict=False)
    ]


def _symptoms(periods: list[dict], document_data: dict) -> list[dict]:
    """The source document's symptoms for each nutrient short in any period: once per report, beside
    the consult line."""
    keys = periods[0]["nutrients"] if periods else {}
    short = [n for n in keys if any(p["nutrients"][n]["shortfall"] for p in periods)]
    return [
        {"nutrient": n, "label": NUTRIENT_BY_KEY[n].label, "symptoms": document_data["nutrients"][n]["symptoms"]}
        for n in short
    ]


def _food_editions(analysed: pd.DataFrame, table: FoodTable) -> str:
    """The editions of the food tables the diary's numbers come from (SR28 when none matched)."""
    ids = [i for i in analysed["food_id"].dropna().unique() if i and table.has(i)] if "food_id" in analysed else []
    used = {table.edition(i).key for i in ids} | {"sr28"}
    return "; ".join(e.name for e in table.editions if e.key in used)


def build_report(
    analysed: pd.DataFrame,
    profile: Profile,
    table: FoodTable,
    source_path: Path | None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict:
    used = food_rows(analysed)
    dates = sorted(dt.date.fromisoformat(d) for d in used["date"].unique())
    if start is None and dates:
        start = dates[0]
    if end is None and dates:
        end = dates[-1]
    if start is not None and end is not None and (start > dates[0] or end < dates[-1] if dates else True):
        # a copy only when the chosen period leaves rows out (at 1M rows a copy is hundreds of MB)
        used = used[(used["date"] >= start.isoformat()) & (used["date"] <= end.isoformat())]
    days = mark_days(add_upper_bounds(daily_totals(used), used, table, NUTRIENT_COLUMNS), profile)
    # each entry's ISO week (its Monday), found once per distinct date
    mondays = {
        d: (dt.date.fromisoformat(d) - dt.timedelta(days=dt.date.fromisoformat(d).weekday())).isoformat()
        for d in used["date"].unique()
    }
    # row positions per week; a week's rows are taken when its turn comes, not all copied at once
    by_week = used.groupby(used["date"].map(mondays), sort=False).indices if not used.empty else {}
    diary_ids = set(used["food_id"])
    alternatives = alternative_totals(used)  # doses that can be read two ways, per date
    weeks = []
    # work that is the same for every period: suggestions per (nutrient column, category), screened
    # per profile; every day's record; each entry's meal
    shared: dict = {"meal": used["meal"].astype(str).str.strip() if "meal" in used else None}
    if start is not None and end is not None and start <= end:
        # only weeks holding entries are walked; the weeks between them are summarised as gaps
        for monday in sorted(dt.date.fromisoformat(m) for m in by_week):
            weeks.append(
                _period(
                    monday,
                    shift(monday, 6),
                    iso_week(monday),
                    days,
                    used.iloc[by_week[monday.isoformat()]],
                    profile,
                    table,
                    diary_ids,
                    shared,
                    alternatives=alternatives,
                )
            )
    overall = (
        _period(
            start,
            end,
            "whole period",
            days,
            used,
            profile,
            table,
            diary_ids,
            shared,
            calendar=False,
            alternatives=alternatives,
        )
        if len(weeks) > 1
        else None
    )
    counts = summary_counts(analysed)
    review = analysed[analysed["status"] == "needs_review"]
    unmatched = analysed[analysed["status"] == "unmatched"]
    invalid = analysed[analysed["status"] == "invalid"]
    unknown = {}
    for nutrient, column in ((n.key, n.column) for n in ASSESSED):
        missing = used[used[column].isna() & (used["uncounted"] == "")]
        unknown[nutrient] = sorted(set(missing["food"]))[:10]
    document_data = document()
    report = {
        "nutri_version": __version__,
        "profile": {
            "sex": profile.sex,
            "age": profile.age,
            "life_stage": profile.life_stage,
            "assumed": profile.assumed,
            "sex_given": profile.sex_given,
            "description": profile.describe(),
        },
        "period": {"start": start.isoformat() if start else None, "end": end.isoformat() if end else None},
        "weeks": weeks,
        "gaps": gaps_between(weeks, start, end),
        "whole_period": overall,
        "data_quality": {
            "rows": int(len(analysed)),
            "counts": counts,
            "uncounted": uncounted_summary(analysed),
            "needs_review": _problem_rows(review),
            "unmatched": _problem_rows(unmatched),
            "invalid": _problem_rows(invalid),
            "unknown_values": unknown,
        },
        "symptoms": _symptoms(weeks + ([overall] if overall else []), document_data),
        "lifestyle_factors": document_data["lifestyle"],
        "consult": document_data["consult"],
        "disclaimer": document_data["disclaimer"],
        "notes": [
            USUAL_INTAKE_NOTE,
            "Days without entries are 'not logged' and are left out of averages, never counted as zero.",
            COVERAGE_NOTE,
            VERDICT_NOTE,
        ],
        "sources": {
            "foods": _food_editions(analysed, table),
            "dri": guidance()["dri_edition"],
            "dri_source": guidance()["dri_source"],
            "nutri": __version__,
            "input_file": source_path.name if source_path else None,
            "input_sha256": sha256_of(source_path) if source_path else None,
        },
    }
    report["summary"] = summarise(report)
    return report
