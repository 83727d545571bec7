"""Build the report's data model (a plain dict, the JSON contract) from analysed entries."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
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
from nutri.assess import Status, add_upper_bounds, assess, assess_each, mark_days, period_evidence, variation
from nutri.dri import Profile, Reference, alcohol_limit, caffeine_limit, guidance, references, water_ai_g
from nutri.foods import FoodTable
from nutri.intake import daily_totals, food_rows, summary_counts, uncounted_summary
from nutri.nutrients import ASSESSED, ENERGY, ENTRY_NUTRIENT_COLUMNS, NUTRIENT_BY_KEY, NUTRIENT_COLUMNS
from nutri.report.grouped import DayRows, Groups, combine, key_codes, period_sums
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


def _mean_or_none(values: list[float]) -> float | None:
    """The mean of the values, None without any (complete days whose energy no row gave)."""
    return float(np.mean(values)) if values else None


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


@dataclass(frozen=True)
class _Context:
    """What every period of one report reads, built once per report."""

    profile: Profile
    table: FoodTable
    refs: dict[str, Reference]
    days: pd.DataFrame  # the day table (mark_days), for a dose read the other way
    arrays: dict[str, np.ndarray]  # its columns as arrays
    day_index: dict[str, int]  # its row of each date
    day_values: dict[str, list]  # what a day's record shows, per key a list of the table's rows (_day_values)
    records: dict[str, dict]  # each calendar day's record in the report, made once for every period showing it
    used: pd.DataFrame  # the food rows
    diary_ids: set[str]
    alternatives: pd.DataFrame
    shared: dict  # advice suggestions per (nutrient column, category), screened per profile


@dataclass(frozen=True)
class _Spec:
    """One period to report: its dates, its entries (row positions in ``used``; None: all) and its
    sums per food and per meal from the report's grouped pass."""

    start: dt.date
    end: dt.date
    label: str
    calendar: bool  # list every calendar day (a week) or the logged days only (the whole period)
    entries: np.ndarray | None
    foods: tuple[list, np.ndarray]
    meals: tuple[list, np.ndarray] | None


def _record(key: str, ctx: _Context) -> dict:
    if key not in ctx.records:
        ctx.records[key] = _day(key, ctx.day_index, ctx.day_values)
    return ctx.records[key]


def _period_days(spec: _Spec, ctx: _Context) -> tuple[list[dict], np.ndarray]:
    """The period's day records and its rows of the day table (its logged days, in the table's order)."""
    first, last = spec.start.isoformat(), spec.end.isoformat()
    dates = ctx.arrays["date"]
    rows = np.flatnonzero((dates >= first) & (dates <= last)) if len(dates) else np.zeros(0, dtype=int)
    if spec.calendar:
        keys = [(spec.start + dt.timedelta(days=i)).isoformat() for i in range((spec.end - spec.start).days + 1)]
    else:  # a long period lists its logged days only: the work follows the data, not the calendar
        keys = sorted(dates[rows])
    return [_record(key, ctx) for key in keys], rows


def _periods(specs: list[_Spec], ctx: _Context) -> list[dict]:
    """Every period's dict; each nutrient's verdicts for all periods in one ``assess_each`` call."""
    days = [_period_days(spec, ctx) for spec in specs]
    evidence = {
        nutrient: [period_evidence(DayRows(ctx.arrays, rows), reference.column) for _, rows in days]
        for nutrient, reference in ctx.refs.items()
    }
    verdicts = {
        nutrient: assess_each(evidence[nutrient], reference, variation(nutrient, ctx.profile))
        for nutrient, reference in ctx.refs.items()
    }
    return [
        _period(spec, day_rows, rows, {n: (evidence[n][i], verdicts[n][i]) for n in ctx.refs}, ctx)
        for i, (spec, (day_rows, rows)) in enumerate(zip(specs, days, strict=True))
    ]


def _period(spec: _Spec, day_rows: list[dict], rows: np.ndarray, judged: dict, ctx: _Context) -> dict:
    logged = [d for d in day_rows if d["logged"]]
    food_keys, food_sums = spec.foods
    nutrients = {}
    for j, (nutrient, reference) in enumerate(ctx.refs.items()):
        evidence, verdict = judged[nutrient]
        item = _nutrient(nutrient, reference, evidence, verdict, logged, ctx)
        item["top_foods"] = _top_foods(food_keys, food_sums[:, j])
        _judge_more(item, nutrient, reference, evidence, verdict, ctx)
        if not ctx.alternatives.empty:  # a dose read two ways: the verdict under the other reading
            entries = ctx.used if spec.entries is None else ctx.used.iloc[spec.entries]
            other = _other_reading(ctx.days.iloc[rows], entries, ctx, nutrient, verdict)
            if other:
                item["other_reading"] = other
        nutrients[nutrient] = item
    complete = [d for d in logged if d["complete"]]
    return {
        "week": spec.label,
        "start": spec.start.isoformat(),
        "end": spec.end.isoformat(),
        "days_logged": len(logged),
        "days_not_logged": (spec.end - spec.start).days + 1 - len(logged),
        "days_complete": len(complete),
        "energy_kcal": _clean(_mean_or_none([d["energy_kcal"] for d in complete if d["energy_kcal"] is not None])),
        "days": day_rows,
        "nutrients": nutrients,
        "lifestyle": _lifestyle(complete, ctx.profile),
        "meals": _meals(*spec.meals, [ENERGY.column, *(r.column for r in ctx.refs.values())]) if spec.meals else None,
        # the energy of the period's logged days, as logged (likely incomplete days included)
        "energy_kcal_total": _clean(sum(d["energy_kcal"] for d in logged if d["energy_kcal"] is not None))
        if any(d["energy_kcal"] is not None for d in logged)
        else None,
    }


def _nutrient(nutrient: str, reference: Reference, evidence, verdict, logged: list[dict], ctx: _Context) -> dict:
    """One nutrient of a period: the verdict and its evidence (top foods and advice are added after)."""
    column, target, average = reference.column, reference.target, verdict.mean
    days_below = sum(
        1 for d in logged if d["complete"] and target is not None and d[column] is not None and d[column] < target
    )
    supplemental = float(np.mean(evidence.supplemental)) if evidence.days else None
    return {
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
        "shortfall": verdict.status.shortfall,
        "coverage": _clean(evidence.coverage),
        "uncounted": evidence.uncounted,
        "probability_adequate": _clean(verdict.probability_adequate),
        "days_needed": verdict.days_needed,
        "reason": verdict.reason,
        "upper_average": _clean(verdict.upper_mean),
        "days_below": days_below,
        "days_logged": len(logged),
        "days_counted": evidence.days,
        "percent_rda": _clean(100 * average / target) if (average is not None and target) else None,
        "supplemental_average": _clean(supplemental) if reference.ul_supplemental_only else None,
        "top_foods": [],
        "sources": [],
        "gap_closers": [],
        "withheld": [],
    }


def _judge_more(item: dict, nutrient: str, reference: Reference, evidence, verdict, ctx: _Context) -> None:
    """Advice for a shortfall (or a verdict left open), and the UL for an intake above it."""
    shortfall = verdict.status.shortfall
    if shortfall or verdict.status is Status.INSUFFICIENT:
        gap = reference.target - verdict.mean if shortfall else None
        _add_advice(item, nutrient, reference.column, gap, ctx.profile, ctx.table, ctx.diary_ids, ctx.shared)
    if verdict.status.over_limit:
        supplemental = float(np.mean(evidence.supplemental)) if evidence.days else None
        item["above_ul"] = _above_ul(reference, verdict.mean, supplemental)


def _other_reading(days, entries, ctx: _Context, nutrient: str, verdict) -> dict | None:
    """When a supplement dose that can be read two ways (compound or elemental, nutri.supplements)
    changes the verdict under its other reading: that verdict, its average and the entries concerned."""
    reference = ctx.refs[nutrient]
    column = reference.column
    other_days = days_under_alternative(days, ctx.alternatives, column)
    if other_days is None:
        return None
    other = assess(period_evidence(other_days, column), reference, variation(nutrient, ctx.profile))
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
    for rule in doc["sources"]:
        if rule.get("non_food"):
            item["sources"].append({"category": rule["category"], "advice": rule["non_food"], "foods": []})
            continue
        key = (column, rule["category"])
        if key not in shared:
            shared[key] = category_suggestions(table, column, rule)
        # the advice-safety table for this profile (the same in every period of a report)
        if key + ("screened",) not in shared:
            shared[key + ("screened",)] = screen(shared[key], profile, nutrient, _categories(table, shared[key]))
        safe, withheld = shared[key + ("screened",)]
        if key + ("picked",) not in shared:  # the same diary and profile in every period: ranked once
            picked = ranked_sources(safe, diary_ids, shared["everyday"])
            shared[key + ("picked",)] = picked, [_food(s) for s in picked]
        picked, foods = shared[key + ("picked",)]
        all_suggestions.extend(picked)
        source = {"category": rule["category"], "foods": [dict(food) for food in foods]}
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


def _categories(table: FoodTable, suggestions: list) -> dict[str, str]:
    """The table's category of each suggested food (what the advice-safety rules match on): a dict of
    these few, not of all 43,000 foods."""
    categories = table.foods["category"]
    return categories[categories.index.isin({s.food_id for s in suggestions})].to_dict()


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


def _day_values(days: pd.DataFrame) -> dict[str, list]:
    """The day table's columns as a day's record shows them, each converted in one pass (not a dict of
    every column per row, then each value on its own)."""
    if days.empty:
        return {}
    values = {"entries": [int(v) for v in days["entries"].tolist()]}
    for column in ENTRY_NUTRIENT_COLUMNS:
        for name in (column, column + "_coverage"):
            # as _clean: NaN is unknown (None), a number is rounded to 0.001
            values[name] = [None if v != v else round(v, 3) for v in days[name].to_numpy(dtype=float).tolist()]
    values["complete"] = [bool(v) for v in days["complete"].tolist()]
    values["incomplete_reason"] = [v or None for v in days["incomplete_reason"].tolist()]
    values["above_ul"] = days["above_ul"].tolist()
    return values


def _day(key: str, day_index: dict[str, int], values: dict[str, list]) -> dict:
    """One calendar day of a period: its known sums and coverage, whether it is complete, what is over a UL."""
    i = day_index.get(key)
    if i is None:
        return {
            "date": key,
            "logged": False,
            "entries": 0,
            **{c: None for c in ENTRY_NUTRIENT_COLUMNS},
            "complete": False,
            "incomplete_reason": "not logged",
            "above_ul": [],
        }
    day = {"date": key, "logged": True, "entries": values["entries"][i]}
    for column in ENTRY_NUTRIENT_COLUMNS:
        day[column] = values[column][i]
        day[column + "_coverage"] = values[column + "_coverage"][i]
    day["complete"] = values["complete"][i]
    day["incomplete_reason"] = values["incomplete_reason"][i]
    day["above_ul"] = list(values["above_ul"][i])
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


def _meals(names: list[str], sums: np.ndarray, columns: list[str]) -> list[dict] | None:
    """Which meal supplies each nutrient: per meal the share of the period's counted total (the
    diary's own meal words, usual meals first). ``sums``: per meal (in order of first appearance) the
    counted sum of each of ``columns``, NaN where nothing was counted."""
    totals = _column_sums(sums)
    order = sorted(
        range(len(names)),
        key=lambda i: (
            names[i].lower() not in MEAL_ORDER,
            MEAL_ORDER.index(names[i].lower()) if names[i].lower() in MEAL_ORDER else 0,
        ),
    )
    rows = [(names[i], sums[i]) for i in order]
    if len(order) > MAX_MEALS:  # an app's many custom groups: the largest by energy, the rest together
        # the largest first, ties in order of appearance (as Series.nlargest)
        kept = set(np.argsort(-np.nan_to_num(sums[:, 0], nan=0.0), kind="stable")[: MAX_MEALS - 1].tolist())
        other = [i for i in order if i not in kept]
        rows = [(names[i], sums[i]) for i in order if i in kept] + [(OTHER_MEALS, _column_sums(sums[other]))]
    return [
        {
            "meal": name,
            "shares": {
                column: _clean(values[j] / totals[j])
                if totals[j] and not np.isnan(totals[j]) and not np.isnan(values[j])
                else None
                for j, column in enumerate(columns)
            },
        }
        for name, values in rows
    ]


def _column_sums(values: np.ndarray) -> np.ndarray:
    """Each column's sum over the rows, NaN where no row is known (unknown is not zero)."""
    known = ~np.isnan(values)
    return np.where(known.any(axis=0), np.where(known, values, 0.0).sum(axis=0), np.nan)


def _top_foods(keys: list[tuple[str, str]], values: np.ndarray, count: int = 5) -> list[dict]:
    """The foods giving most of a nutrient in a period, with their share of the known total.
    ``keys``: (food id, food) of each food of the period; ``values``: its sum of the nutrient."""
    positive = np.flatnonzero(values > 0)
    if not len(positive):
        return []
    total = values[positive].sum()
    # the largest first, ties in order of appearance (as Series.nlargest), without a Series per call
    best = positive[np.argsort(-values[positive], kind="stable")[:count]]
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
    several = "file" in rows  # several files of one person: a row number is its file's
    files = {"file": ("file", "first")} if several else {}
    grouped = rows.groupby("input", sort=False).agg(
        row=("row", "first"), rows=("row", "size"), food=("food", "first"), note=("note", "first"), **files
    )
    grouped = grouped.sort_values(["rows", "row"], ascending=[False, True]).head(limit)
    return [
        {"row": int(r.row), "rows": int(r.rows), "input": text, "food": r.food, "note": r.note}
        | ({"file": r.file} if several else {})
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


def _food_editions(eaten_ids: np.ndarray, table: FoodTable) -> str:
    """The editions of the food tables the diary's numbers come from (SR28 when none matched):
    ``eaten_ids``, the entries' foods as eaten (``_as_eaten``; a candidate needing review is no source)."""
    ids = [i for i in pd.unique(eaten_ids) if isinstance(i, str) and i and table.has(i)]
    used = {table.edition(i).key for i in ids} | {"sr28"}
    return "; ".join(e.name for e in table.editions if e.key in used)


def _report_periods(
    used: pd.DataFrame,
    days: pd.DataFrame,
    profile: Profile,
    table: FoodTable,
    period: tuple[dt.date | None, dt.date | None],
    eaten: tuple[np.ndarray, np.ndarray],
) -> tuple[list[dict], dict | None]:
    """The logged weeks and, when there are several, the whole period. The weeks between logged ones
    are not walked (they are summarised as gaps). ``eaten``: each entry's food as eaten (``_as_eaten``)."""
    start, end = period
    if start is None or end is None or start > end or used.empty:
        return [], None
    # each entry's ISO week (its Monday), found once per distinct date; weeks numbered in date order
    codes, distinct = pd.factorize(used["date"].to_numpy())
    monday_of = [dt.date.fromisoformat(d) - dt.timedelta(days=dt.date.fromisoformat(d).weekday()) for d in distinct]
    mondays = sorted(set(monday_of))
    number = {monday: i for i, monday in enumerate(mondays)}
    week = np.array([number[m] for m in monday_of], dtype=np.intp)[codes]
    order = np.argsort(week, kind="stable")  # each week's row positions, in row order
    positions = np.split(order, np.searchsorted(week[order], np.arange(1, len(mondays))))
    refs = references(profile)
    columns = [r.column for r in refs.values()]
    foods = _food_groups(used, eaten)
    weekly_foods = period_sums(used, foods, columns, week, len(mondays))
    meals, has_meal = _meal_groups(used)
    meal_columns = [ENERGY.column, *columns]
    weekly_meals = period_sums(used, meals, meal_columns, week, len(mondays)) if has_meal.any() else None
    week_has_meal = np.bincount(week[has_meal], minlength=len(mondays)) > 0
    specs = [
        _Spec(
            monday,
            shift(monday, 6),
            iso_week(monday),
            True,
            positions[i],
            weekly_foods.period(i),
            weekly_meals.period(i) if week_has_meal[i] else None,
        )
        for i, monday in enumerate(mondays)
    ]
    if len(specs) > 1:
        whole_meals = period_sums(used, meals, meal_columns, None).period(0) if has_meal.any() else None
        specs.append(
            _Spec(
                start, end, "whole period", False, None, period_sums(used, foods, columns, None).period(0), whole_meals
            )
        )
    periods = _periods(specs, _context(used, days, profile, table, refs, eaten[0]))
    return (periods[:-1], periods[-1]) if len(specs) > 1 else (periods, None)


def _unknown_values(used: pd.DataFrame, eaten_foods: np.ndarray) -> tuple[dict, dict]:
    """Per assessed nutrient, the counted entries without a value for it, never taken as zero: (the
    foods the food table has none for, the texts of entries counted from an app's own values without a
    food nutri confirmed, whose export gives none). At most ten names each."""
    no_reason = (used["uncounted"] == "").to_numpy(dtype=bool)
    texts = used["input"].to_numpy(dtype=object)
    from_app = eaten_foods == ""
    table, app = {}, {}
    for nutrient, column in ((n.key, n.column) for n in ASSESSED):
        missing = used[column].isna().to_numpy(dtype=bool) & no_reason
        table[nutrient] = sorted(set(eaten_foods[missing & ~from_app]))[:10]
        app[nutrient] = sorted(set(texts[missing & from_app]))[:10]
    return table, app


def _as_eaten(used: pd.DataFrame, accepted_review: bool) -> tuple[np.ndarray, np.ndarray]:
    """Each entry's (food id, food) as what was eaten: its matched food (a candidate needing review too
    when the user accepted them), else none. A row needing review or unmatched is counted only from an
    app's own values, and its candidate may be another food: 'Egg shell, dried, ground' counted from
    Cronometer's values was listed as the calcium of "Egg, whole, dried" and as a food already in the
    diary. Such a row is named by its own text (``_food_groups``)."""
    ids, foods = used["food_id"].to_numpy(dtype=object), used["food"].to_numpy(dtype=object)
    status = used["status"].to_numpy(dtype=object)
    confirmed = (status == "matched") | ((status == "needs_review") & accepted_review)
    if confirmed.all():
        return ids, foods
    return np.where(confirmed, ids, ""), np.where(confirmed, foods, "")


def _food_groups(used: pd.DataFrame, eaten: tuple[np.ndarray, np.ndarray]) -> Groups:
    """Each entry's (food id, food) as eaten (``_as_eaten``); an entry counted from an app's own values
    without a matched food is named by its own text. The texts are chosen per distinct value, not per row."""
    ids, foods = eaten
    food_codes, food_values = key_codes(foods)
    # per row: its food's text, or its input's where the food is "" (a missing food stays missing); only
    # those rows' texts are hashed (hashing every row's text was a third of this)
    empty = np.array([v == "" for v in food_values] + [False], dtype=bool)[food_codes]
    rows = np.flatnonzero(empty)
    input_codes = np.full(len(used), -1, dtype=np.intp)
    input_codes[rows], input_values = key_codes(used["input"].iloc[rows])
    name_of, names = pd.factorize(np.array(food_values + input_values, dtype=object))  # one code per text
    name_of = np.append(name_of, -1)
    source = np.where(empty, len(food_values) + input_codes, food_codes)
    missing = np.where(empty, input_codes < 0, food_codes < 0)
    name_codes = np.where(missing, -1, name_of[np.where(missing, -1, source)])
    return combine([key_codes(ids), (name_codes, names.tolist())])


def _meal_groups(used: pd.DataFrame) -> tuple[Groups | None, np.ndarray]:
    """Each entry's meal (its text stripped; NO_MEAL where none is given) and whether one is given;
    the texts are stripped per distinct value, not per row."""
    if "meal" not in used:
        return None, np.zeros(len(used), dtype=bool)
    codes, distinct = pd.factorize(used["meal"].astype(str))
    stripped = pd.Series(distinct).str.strip()
    given = (stripped != "").to_numpy(dtype=bool)
    label_codes, labels = key_codes(stripped.where(given, NO_MEAL))
    # a missing meal (code -1, the last item) counts as given and stays missing, as it did per row
    has_meal = np.append(given, True)[codes]
    return combine([(np.append(label_codes, -1)[codes], labels)]), has_meal


def _context(
    used: pd.DataFrame, days: pd.DataFrame, profile: Profile, table: FoodTable, refs: dict, eaten_ids: np.ndarray
) -> _Context:
    return _Context(
        profile=profile,
        table=table,
        refs=refs,
        days=days,
        arrays={column: days[column].to_numpy() for column in days.columns},
        day_index={date: i for i, date in enumerate(days["date"].tolist())},
        day_values=_day_values(days),
        records={},
        used=used,
        diary_ids=set(pd.unique(eaten_ids)) - {""},
        alternatives=alternative_totals(used),  # doses that can be read two ways, per date
        shared={},
    )


def build_report(
    analysed: pd.DataFrame,
    profile: Profile,
    table: FoodTable,
    source_path: Path | None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    accepted_review: bool = False,
) -> dict:
    """The report's data (``model.Report``'s JSON). ``accepted_review``: the rows needing review were
    counted at their candidate foods (``pipeline.MatchSettings.accept_review``)."""
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
    eaten = _as_eaten(used, accepted_review)
    weeks, overall = _report_periods(used, days, profile, table, (start, end), eaten)
    counts = summary_counts(analysed)
    # only the columns read from these rows: a copy of every column of the rows needing review (400k of
    # a 1M-row diary) was the peak of its report
    listed = analysed[["row", "input", "food", "note", *(["file"] if "file" in analysed else [])]]
    review = listed[analysed["status"] == "needs_review"]
    unmatched = listed[analysed["status"] == "unmatched"]
    invalid = listed[analysed["status"] == "invalid"]
    unknown, unknown_in_app = _unknown_values(used, eaten[1])
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
            "unknown_app_values": unknown_in_app,
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
            "foods": _food_editions(eaten[0], table),
            "dri": guidance()["dri_edition"],
            "dri_source": guidance()["dri_source"],
            "nutri": __version__,
            "input_file": source_path.name if source_path else None,
            "input_sha256": sha256_of(source_path) if source_path else None,
        },
    }
    report["summary"] = summarise(report)
    return report
