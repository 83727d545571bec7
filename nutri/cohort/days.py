"""Per person and day, in the engine: the sums, counts and coverage of ``intake.daily_totals`` and the
upper bounds of ``assess.add_upper_bounds``, grouped by person as well as date.

The SQL is plain (GROUP BY, CASE, percentile_cont, joins), so the same statements run on another SQL
engine; each statement's docstring names the single-diary function it restates, and the cohort's
agreement test holds them to it (tests/test_cohort.py).
"""

from __future__ import annotations

import pandas as pd

from nutri.assess import (
    DEFAULT_PORTION_G,
    MIN_ENTRIES_FOR_BOUND,
    PILL_MAX_G,
    PILL_UNITS,
    UPPER_QUANTILE,
    _typical_grams,
)
from nutri.nutrients import ASSESSED, ENERGY, NUTRIENT_COLUMNS

# Nutrients whose upper bounds the assessment reads: energy (day completeness) and the assessed ones.
BOUND_COLUMNS = [ENERGY.column, *(n.column for n in ASSESSED)]
LARGEST = "1.7976931348623157e308"  # numpy's nan_to_num(nan=inf) turns an unbounded row into the largest float
INFINITY = "CAST('Infinity' AS DOUBLE)"  # DuckDB and Spark both read it


def person_days_sql(food_rows: str) -> str:
    """``intake.daily_totals`` per person: SUM keeps an all-unknown day NULL (unknown is not zero); the
    counted rows per nutrient (coverage is counted / entries) and, for assessed nutrients, supplements."""
    parts = ["person", "date", "count(*) AS entries", "SUM(grams) AS grams"]
    assessed = {n.column for n in ASSESSED}
    for c in NUTRIENT_COLUMNS:
        parts += [f"SUM({c}) AS {c}", f"count({c}) AS {c}_counted"]
        if c in assessed:
            parts.append(f"SUM(CASE WHEN supplemental AND {c} IS NOT NULL THEN {c} ELSE 0 END) AS {c}_supplemental")
    return f"SELECT {', '.join(parts)} FROM {food_rows} GROUP BY person, date"


def food_rows_view_sql(food_keys: str, keys: str) -> str:
    """The food rows with their analysed values: each row's key joined to the keys' results."""
    from nutri.cohort.sources import RESULT_COLUMNS

    return (
        f"SELECT r.person, r.date, {', '.join('k.' + c for c in RESULT_COLUMNS)} "
        f"FROM {food_keys} r JOIN {keys} k ON k.key_id = r.key_id"
    )


def days_with_bounds_sql(sums: str, upper: str) -> str:
    """Day totals with ``<col>_upper`` (0 where nothing is uncounted), as ``assess.add_upper_bounds``."""
    bounds = ", ".join(f"COALESCE(u.{c}_upper, 0) AS {c}_upper" for c in BOUND_COLUMNS)
    return f"SELECT s.*, {bounds} FROM {sums} s LEFT JOIN {upper} u ON u.person = s.person AND u.date = s.date"


def person_days_output_sql(days: str, extra: list[str]) -> str:
    """The person_days table in order: energy first, then the nutrients, their coverage, then ``extra``."""
    e = ENERGY.column
    nutrients = [e, *(c for c in NUTRIENT_COLUMNS if c != e)]
    coverage = [f"{c}_counted / entries AS {c}_coverage" for c in NUTRIENT_COLUMNS]
    columns = ["person", "date", "complete", "entries", *nutrients, *coverage, *extra]
    return f"SELECT {', '.join(columns)} FROM {days} ORDER BY person, date"


def register_foods(con, table) -> str:
    """The food table's values of the bound columns and each food's typical portion, for the bounds."""
    foods = table.foods[BOUND_COLUMNS].copy()
    foods["typical_g"] = _typical_grams(table, pd.Series(foods.index, index=foods.index)).to_numpy(dtype=float)
    foods = foods.rename(columns={c: "f_" + c for c in BOUND_COLUMNS})
    foods.insert(0, "food_id", foods.index.astype(str))
    con.register("cohort_foods_frame", foods.reset_index(drop=True))
    con.execute("CREATE OR REPLACE TEMP TABLE cohort_foods AS SELECT * FROM cohort_foods_frame")
    con.unregister("cohort_foods_frame")
    return "cohort_foods"


KINDS = {
    # the diary's quantile of each kind, and the row value it is taken over (``assess.row_upper_bounds``)
    "gram": "{c} / CASE WHEN grams > 0 THEN grams END",
    "kcal": "{c} / CASE WHEN " + ENERGY.column + " > 0 THEN " + ENERGY.column + " END",
    "entry": "{c}",
}


def weighed_rows_sql(food_rows: str, foods: str) -> str:
    """Food rows with ``weight``: grams, at most 1.5 g a pill, else a generous portion of the candidate
    food; and the candidate's values (``f_<col>``) per 100 g."""
    pills = ", ".join("'" + u + "'" for u in sorted(PILL_UNITS))
    weight = f"CASE WHEN r.unit IN ({pills}) AND r.grams IS NULL THEN r.amount * {PILL_MAX_G} ELSE r.grams END"
    typical = f"COALESCE(f.typical_g, {DEFAULT_PORTION_G})"
    weight = f"CASE WHEN ({weight}) IS NULL AND f.food_id IS NOT NULL THEN {typical} ELSE {weight} END"
    values = ", ".join(f"f.f_{c}" for c in BOUND_COLUMNS)
    return f"SELECT r.*, {weight} AS weight, {values} FROM {food_rows} r LEFT JOIN {foods} f ON f.food_id = r.food_id"


def _uses(c: str, kind: str) -> str:
    """When a row's bound for ``c`` reads the diary's quantile of ``kind`` (the branches of ``bounds``)."""
    if kind == "gram":
        return f"{c} IS NULL AND weight > 0 AND f_{c} IS NULL"
    unweighed = f"{c} IS NULL AND NOT COALESCE(weight >= 0, false)"
    if kind == "kcal":
        return f"{unweighed} AND {ENERGY.column} > 0"
    return f"{unweighed} AND NOT COALESCE({ENERGY.column} >= 0, false)"


def needs_sql(weighed: str) -> str:
    """Per person, which quantiles any of their rows' bounds reads (1) or none does (0)."""
    flags = [f"MAX(CASE WHEN {_uses(c, k)} THEN 1 ELSE 0 END) AS need_{k}_{c}" for c in BOUND_COLUMNS for k in KINDS]
    return f"SELECT person, {', '.join(flags)} FROM {weighed} GROUP BY person"


def quantile_sql(food_rows: str, needs: str, c: str, kind: str) -> str:
    """``assess._quantile`` per person who needs it: the 90th percentile (linear, as pandas) of their
    non-supplement food rows' values, from 5 or more values, else unbounded. One quantile per statement:
    the engine holds one value per row at a time, not 21."""
    value = KINDS[kind].format(c=c)
    return (
        f"SELECT r.person, CASE WHEN count({value}) >= {MIN_ENTRIES_FOR_BOUND} "
        f"THEN percentile_cont({UPPER_QUANTILE}) WITHIN GROUP (ORDER BY {value}) ELSE {INFINITY} END AS q "
        f"FROM {food_rows} r JOIN {needs} n ON n.person = r.person "
        f"WHERE n.need_{kind}_{c} = 1 AND NOT r.supplemental GROUP BY r.person"
    )


def upper_bounds_sql(weighed: str, quantiles: dict[tuple[str, str], str]) -> str:
    """``assess.add_upper_bounds`` per person and day: what each day's uncounted rows could add at most.
    A weighed row: its weight times the candidate's value per gram, else the diary's quantile per gram;
    else its energy times the quantile per kcal; else the quantile per entry (``quantiles``: the tables
    of ``quantile_sql`` per (column, kind))."""
    energy = ENERGY.column
    joins = " ".join(f"LEFT JOIN {t} q_{k}_{c} ON q_{k}_{c}.person = r.person" for (c, k), t in quantiles.items())
    bounds = []
    for c in BOUND_COLUMNS:
        q = {k: f"COALESCE(q_{k}_{c}.q, {INFINITY})" if (c, k) in quantiles else INFINITY for k in KINDS}
        density = f"CASE WHEN r.f_{c} IS NULL THEN {q['gram']} ELSE greatest(r.f_{c} / 100.0, 0) END"
        bounds.append(
            f"CASE WHEN r.{c} IS NOT NULL THEN NULL WHEN r.weight = 0 THEN 0 "
            f"WHEN r.weight > 0 THEN r.weight * ({density}) WHEN r.{energy} = 0 THEN 0 "
            f"WHEN r.{energy} > 0 THEN r.{energy} * {q['kcal']} ELSE {q['entry']} END AS {c}_b"
        )
    clamped = ", ".join(
        f"CASE WHEN isnan({c}_b) OR abs({c}_b) = {INFINITY} THEN {LARGEST} ELSE {c}_b END AS {c}_upper"
        for c in BOUND_COLUMNS
    )
    sums = ", ".join(f"COALESCE(SUM({c}_upper), 0) AS {c}_upper" for c in BOUND_COLUMNS)
    unknown = " OR ".join(f"r.{c} IS NULL" for c in BOUND_COLUMNS)
    return f"""
WITH b AS (SELECT r.person, r.date, {", ".join(bounds)} FROM {weighed} r {joins} WHERE {unknown}),
u AS (SELECT person, date, {clamped} FROM b)
SELECT person, date, {sums} FROM u GROUP BY person, date"""


def complete_days_sql(days: str, people: str) -> str:
    """``assess.mark_days``: a day is likely incomplete when its energy, even with its uncounted rows at
    their upper bound, is below the person's floor (half a sedentary day's need, ``people.floor_kcal``);
    a day with no energy known and nothing uncounted is not judged incomplete."""
    e = ENERGY.column
    upper = f"CASE WHEN d.{e} IS NULL AND d.{e}_upper = 0 THEN NULL ELSE COALESCE(d.{e}, 0) + d.{e}_upper END"
    return (
        f"SELECT d.*, NOT COALESCE(({upper}) < p.floor_kcal, false) AS complete "
        f"FROM {days} d JOIN {people} p ON p.person = d.person"
    )


def period_stats_sql(days: str, people: str, weeks: str | None) -> str:
    """``assess.period_evidence`` summarised as ``assess.PeriodStats`` per person and ISO week (``weeks``:
    date -> week), or per person over the whole period: judged days are complete days with the nutrient
    counted; coverage counts the food rows of every logged day. Ordered by person and week."""
    label = "w.week" if weeks else "'all'"
    parts = [
        "d.person AS person",
        f"{label} AS week",
        "min(p.profile) AS profile",
        "count(*) AS days_logged",
        "SUM(CASE WHEN d.complete THEN 1 ELSE 0 END) AS days_complete",
        "SUM(d.entries) AS food_rows",
    ]
    for n in ASSESSED:
        c = n.column

        def judged(x: str, c=c) -> str:
            return f"CASE WHEN d.complete AND d.{c}_counted > 0 THEN {x} END"

        parts += [
            f"count({judged('1')}) AS {c}__days",
            f"avg({judged(f'd.{c}')}) AS {c}__mean",
            f"avg({judged(f'd.{c} + d.{c}_upper')}) AS {c}__upper",
            f"stddev_samp({judged(f'd.{c}')}) AS {c}__sd",
            f"avg({judged(f'd.{c}_supplemental')}) AS {c}__dose",
            f"stddev_samp({judged(f'd.{c}_supplemental')}) AS {c}__dose_sd",
            f"SUM(d.{c}_counted) AS {c}__counted",
        ]
    join = f" JOIN {weeks} w ON w.date = d.date" if weeks else ""
    group = "d.person, w.week" if weeks else "d.person"
    return (
        f"SELECT {', '.join(parts)} FROM {days} d JOIN {people} p ON p.person = d.person{join} "
        f"GROUP BY {group} ORDER BY person, week"
    )
