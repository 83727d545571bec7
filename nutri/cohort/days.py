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

# A person-day as one integer, pid * DAY_SPAN + day: grouping by one BIGINT costs the engine half the CPU
# of grouping by (pid, day) at 10M rows; the day number of any date to 9999-12-31 is below 2**22.
DAY_SPAN = 1 << 22
# Nutrients whose upper bounds the assessment reads: energy (day completeness) and the assessed ones.
BOUND_COLUMNS = [ENERGY.column, *(n.column for n in ASSESSED)]
LARGEST = "1.7976931348623157e308"  # numpy's nan_to_num(nan=inf) turns an unbounded row into the largest float
INFINITY = "CAST('Infinity' AS DOUBLE)"  # DuckDB and Spark both read it


def _pid_of(pday: str) -> str:
    """The person's number of a person-day (or person-week) number: exact, as a power of two divides a
    double exactly and pday is far below 2**53 (integer division is spelled differently per engine)."""
    return f"CAST(FLOOR(CAST({pday} AS DOUBLE) / {DAY_SPAN}) AS BIGINT)"


def person_days_sql(food_rows: str) -> str:
    """``intake.daily_totals`` per person: SUM keeps an all-unknown day NULL (unknown is not zero); the
    counted rows per nutrient (coverage is counted / entries) and, for assessed nutrients, supplements
    (0 on a day without). The person-day number split into pid and day here: stored columns (not
    expressions of pday) give the engine the true size of the table, so that its joins build on the
    smaller side."""
    parts = ["pday", "count(*) AS entries", "SUM(grams) AS grams"]
    for c in NUTRIENT_COLUMNS:
        # fsum (compensated, as pandas' groupby sums are): a plain SUM's result varied in its last bit with
        # the order the engine's threads met a day's rows, and a day whose energy sat exactly on its
        # completeness floor flipped between runs
        parts += [f"fsum({c}) AS {c}", f"count({c}) AS {c}_counted"]
    # supplements summed apart, over the supplement rows only, and joined to the days that have any: as six
    # more sums of a CASE over every row they were a third of the day totals' CPU at 10M rows
    assessed = [n.column for n in ASSESSED]
    doses = ", ".join(f"SUM({c}) AS {c}_supplemental" for c in assessed)
    supplements = f"SELECT pday, {doses} FROM {food_rows} WHERE supplemental GROUP BY pday"
    pid = _pid_of("s.pday")
    sums = f"SELECT {', '.join(parts)} FROM {food_rows} GROUP BY pday"
    columns = ["s.*", *(f"COALESCE(u.{c}_supplemental, 0) AS {c}_supplemental" for c in assessed)]
    return (
        f"SELECT {', '.join(columns)}, {pid} AS pid, s.pday - {pid} * {DAY_SPAN} AS day FROM ({sums}) s "
        f"LEFT JOIN ({supplements}) u ON u.pday = s.pday"
    )


def food_rows_view_sql(food_keys: str, keys: str) -> str:
    """The food rows with their analysed values: each row's key joined to the keys' results."""
    from nutri.cohort.sources import RESULT_COLUMNS

    return (
        f"SELECT r.pday, {', '.join('k.' + c for c in RESULT_COLUMNS)} "
        f"FROM {food_keys} r JOIN {keys} k ON k.key_id = r.key_id"
    )


def person_days_output_sql(days: str, people: str, dates: str, extra: list[str]) -> str:
    """The person_days table in order, named and dated here (``people``: pid, person; ``dates``: day,
    date) rather than carried through the engine's joins of 1.7M wide days at 10M rows: energy first,
    then the nutrients, their coverage, then ``extra``."""
    e = ENERGY.column
    nutrients = [e, *(c for c in NUTRIENT_COLUMNS if c != e)]
    coverage = [f"d.{c}_counted / d.entries AS {c}_coverage" for c in NUTRIENT_COLUMNS]
    columns = ["p.person", "t.date", "d.complete", "d.entries", *(f"d.{c}" for c in [*nutrients])]
    columns += [*coverage, *(f"d.{c}" for c in extra)]
    # in the people's and dates' order: pid and day number them so, and an integer sorts faster than text
    return (
        f"SELECT {', '.join(columns)} FROM {days} d JOIN {people} p ON p.pid = d.pid "
        f"JOIN {dates} t ON t.day = d.day ORDER BY d.pday"
    )


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


# How a row's bound for a column is found (``assess.row_upper_bounds``), a property of its key: no
# bound (the value is counted), a fixed bound (no weight to scale, or a weight times the candidate's
# value), or a quantile of the person's rows (per gram of its weight, per kcal of its energy, per entry).
FIXED, PER_GRAM, PER_KCAL, PER_ENTRY = 1, 2, 3, 4
KIND_CODES = {"gram": PER_GRAM, "kcal": PER_KCAL, "entry": PER_ENTRY}


def need_bit(c: str, kind: str) -> int:
    """The bit of (column, kind) in a person's need mask: 21 bits, so the mask fits any engine's BIGINT."""
    return 1 << (BOUND_COLUMNS.index(c) * len(KINDS) + list(KINDS).index(kind))


def key_bounds_sql(keys: str, foods: str) -> str:
    """Per analysed key, what its rows' upper bounds are made of. A row's ``weight``: grams, at most 1.5 g
    a pill, else a generous portion of the candidate food. Per bound column: ``<c>_kind`` (0 when
    counted, else FIXED or the quantile it reads), ``<c>_fixed`` and ``<c>_by`` (what multiplies the
    quantile: the weight or the energy); ``need``, the bits of the quantiles read; ``v_<kind>_<c>``, the
    key's value in the person's quantile of that kind (NULL for a supplement: they are not food rows
    of the quantile). The rows then read their key's parts rather than join the food table each."""
    pills = ", ".join("'" + u + "'" for u in sorted(PILL_UNITS))
    weight = f"CASE WHEN k.unit IN ({pills}) AND k.grams IS NULL THEN k.amount * {PILL_MAX_G} ELSE k.grams END"
    typical = f"COALESCE(f.typical_g, {DEFAULT_PORTION_G})"
    weight = f"CASE WHEN ({weight}) IS NULL AND f.food_id IS NOT NULL THEN {typical} ELSE {weight} END"
    values = ", ".join(f"f.f_{c}" for c in BOUND_COLUMNS)
    weighed = f"SELECT k.*, {weight} AS weight, {values} FROM {keys} k LEFT JOIN {foods} f ON f.food_id = k.food_id"
    e = ENERGY.column
    parts, needs = ["key_id"], []
    for c in BOUND_COLUMNS:
        kind = (
            f"CASE WHEN {c} IS NOT NULL THEN 0 WHEN weight = 0 THEN {FIXED} WHEN weight > 0 THEN "
            f"CASE WHEN f_{c} IS NULL THEN {PER_GRAM} ELSE {FIXED} END WHEN {e} = 0 THEN {FIXED} "
            f"WHEN {e} > 0 THEN {PER_KCAL} ELSE {PER_ENTRY} END"
        )
        parts += [
            f"{kind} AS {c}_kind",
            f"CASE WHEN {c} IS NULL AND weight > 0 AND f_{c} IS NOT NULL THEN weight * greatest(f_{c} / 100.0, 0) "
            f"ELSE 0 END AS {c}_fixed",
            f"CASE WHEN weight > 0 THEN weight ELSE {e} END AS {c}_by",
        ]
        parts += [f"CASE WHEN NOT supplemental THEN {KINDS[k].format(c=c)} END AS v_{k}_{c}" for k in KINDS]
        needs += [f"CASE WHEN ({kind}) = {KIND_CODES[k]} THEN {need_bit(c, k)} ELSE 0 END" for k in KINDS]
    parts.append(f"CAST({' + '.join(needs)} AS BIGINT) AS need")
    return f"SELECT {', '.join(parts)} FROM ({weighed}) w"


def needs_sql(food_keys: str, bounds: str) -> str:
    """Per person, the bits of the quantiles any of their rows' bounds reads (``need_bit``)."""
    return (
        f"SELECT r.pid, bit_or(b.need) AS need FROM {food_keys} r JOIN {bounds} b ON b.key_id = r.key_id "
        "WHERE b.need <> 0 GROUP BY r.pid"
    )


def quantile_sql(food_keys: str, bounds: str, needs: str, c: str, kind: str) -> str:
    """``assess._quantile`` per person who needs it: the 90th percentile (linear, as pandas) of their
    non-supplement food rows' values, from 5 or more values, else unbounded. One quantile per statement:
    the engine holds one value per row at a time."""
    value = f"v_{kind}_{c}"
    return (
        f"SELECT r.pid, CASE WHEN count(b.{value}) >= {MIN_ENTRIES_FOR_BOUND} "
        f"THEN percentile_cont({UPPER_QUANTILE}) WITHIN GROUP (ORDER BY b.{value}) ELSE {INFINITY} END AS q "
        f"FROM {food_keys} r JOIN {needs} n ON n.pid = r.pid "
        f"JOIN (SELECT key_id, {value} FROM {bounds} WHERE {value} IS NOT NULL) b ON b.key_id = r.key_id "
        f"WHERE (n.need & {need_bit(c, kind)}) <> 0 GROUP BY r.pid"
    )


def person_quantiles_sql(needs: str, quantiles: dict[tuple[str, str], str]) -> str:
    """One row per person who reads any quantile: ``q_<kind>_<c>`` from the tables of ``quantile_sql``
    (NULL where the person has none: read as unbounded)."""
    columns = ", ".join(["n.pid", *(f"{t}.q AS q_{k}_{c}" for (c, k), t in quantiles.items())])
    joins = " ".join(f"LEFT JOIN {t} ON {t}.pid = n.pid" for t in quantiles.values())
    return f"SELECT {columns} FROM {needs} n {joins}"


def upper_bounds_sql(food_keys: str, key_bounds: str, person_q: str, quantiles: dict[tuple[str, str], str]) -> str:
    """``assess.add_upper_bounds`` per person and day: what each day's uncounted rows could add at most.
    A weighed row: its weight times the candidate's value per gram, else the diary's quantile per gram;
    else its energy times the quantile per kcal; else the quantile per entry (``key_bounds_sql`` gives
    each key's parts; ``person_q`` the person's quantiles of ``quantiles``, else unbounded)."""
    bounds = []
    for c in BOUND_COLUMNS:
        q = {k: f"COALESCE(q.q_{k}_{c}, {INFINITY})" if (c, k) in quantiles else INFINITY for k in KINDS}
        bounds.append(
            f"CASE b.{c}_kind WHEN {FIXED} THEN b.{c}_fixed WHEN {PER_GRAM} THEN b.{c}_by * {q['gram']} "
            f"WHEN {PER_KCAL} THEN b.{c}_by * {q['kcal']} WHEN {PER_ENTRY} THEN {q['entry']} END AS {c}_b"
        )
    clamped = ", ".join(
        f"CASE WHEN isnan({c}_b) OR abs({c}_b) = {INFINITY} THEN {LARGEST} ELSE {c}_b END AS {c}_upper"
        for c in BOUND_COLUMNS
    )
    sums = ", ".join(f"COALESCE(SUM({c}_upper), 0) AS {c}_upper" for c in BOUND_COLUMNS)
    # only keys with something uncounted: the other rows add no bound and are not read
    unknown = " OR ".join(f"{c}_kind <> 0" for c in BOUND_COLUMNS)
    return f"""
WITH u AS (SELECT r.pday, {", ".join(bounds)} FROM {food_keys} r
JOIN (SELECT * FROM {key_bounds} WHERE {unknown}) b ON b.key_id = r.key_id LEFT JOIN {person_q} q ON q.pid = r.pid),
c AS (SELECT pday, {clamped} FROM u)
SELECT pday, {sums} FROM c GROUP BY pday"""


def complete_days_sql(sums: str, upper: str, people: str) -> str:
    """Day totals (``sums``) with ``<col>_upper`` (``upper``; 0 where nothing is uncounted), as
    ``assess.add_upper_bounds``, and ``assess.mark_days``: a day is likely incomplete when its energy,
    even with its uncounted rows at their upper bound, is below the person's floor (half a sedentary
    day's need, ``people.floor_kcal``); a day with no energy known and nothing uncounted is not judged
    incomplete. ``people``: pid, floor_kcal."""
    e = ENERGY.column
    bounds = ", ".join(f"COALESCE(u.{c}_upper, 0) AS {c}_upper" for c in BOUND_COLUMNS)
    energy_upper = f"COALESCE(u.{e}_upper, 0)"
    most = f"CASE WHEN d.{e} IS NULL AND {energy_upper} = 0 THEN NULL ELSE COALESCE(d.{e}, 0) + {energy_upper} END"
    return (
        f"SELECT d.*, {bounds}, NOT COALESCE(({most}) < p.floor_kcal, false) AS complete "
        f"FROM {sums} d LEFT JOIN {upper} u ON u.pday = d.pday JOIN {people} p ON p.pid = d.pid"
    )


STATS = ("days", "mean", "upper", "sd", "dose", "dose_sd", "counted")  # per assessed nutrient, ``<col>__<stat>``


def week_stats_sql(days: str) -> str:
    """``assess.period_evidence`` summarised as ``assess.PeriodStats`` per person and ISO week: judged days
    are complete days with the nutrient counted; coverage counts the food rows of every logged day.

    A week is one integer, the person-day number of its Monday (``pday - (day - 1) % 7``: day 1,
    0001-01-01, is a Monday), and nothing is joined inside the aggregate, whose groups are then keyed by
    one integer rather than a person's number and a week's label joined in for every day; people and
    labels are joined to the weeks (``period_frame_sql``)."""
    parts = [
        "pweek",
        "count(*) AS days_logged",
        "SUM(CASE WHEN complete THEN 1 ELSE 0 END) AS days_complete",
        "SUM(entries) AS food_rows",
    ]
    for n in ASSESSED:
        c = n.column

        def judged(x: str, c=c) -> str:
            return f"CASE WHEN complete AND {c}_counted > 0 THEN {x} END"

        parts += [
            f"count({judged('1')}) AS {c}__days",
            f"avg({judged(c)}) AS {c}__mean",
            f"avg({judged(f'{c} + {c}_upper')}) AS {c}__upper",
            f"stddev_samp({judged(c)}) AS {c}__sd",
            f"avg({judged(f'{c}_supplemental')}) AS {c}__dose",
            f"stddev_samp({judged(f'{c}_supplemental')}) AS {c}__dose_sd",
            f"SUM({c}_counted) AS {c}__counted",
        ]
    weeks = f"SELECT *, pday - (day - 1) % 7 AS pweek FROM {days}"
    return f"SELECT {', '.join(parts)} FROM ({weeks}) d GROUP BY pweek"


def whole_period_sql(weeks: str) -> str:
    """The week summaries (``week_stats_sql``) combined per person over the whole period, as if summarised
    from the days: counts and sums add up, means are weighted by judged days, and the SD combines each
    week's spread with its mean's distance from the person's mean (Chan, Golub and LeVeque 1979), which
    avoids the cancellation of a sum of squares. A second pass over the days would cost as much as the
    weeks' own (8.3M days at 50M rows); this reads 1.2M weeks."""
    span = f"PARTITION BY {_pid_of('pweek')}"
    means = ["*"]
    parts = [
        f"{_pid_of('pweek')} AS pid",
        "SUM(days_logged) AS days_logged",
        "SUM(days_complete) AS days_complete",
        "SUM(food_rows) AS food_rows",
    ]
    for n in ASSESSED:
        c = f"{n.column}__"
        days = f"NULLIF(SUM({c}days), 0)"
        for mean, sd in (("mean", "sd"), ("dose", "dose_sd")):
            means.append(
                f"SUM({c}{mean} * {c}days) OVER ({span}) / NULLIF(SUM({c}days) OVER ({span}), 0) AS {c}all_{mean}"
            )
            spread = (
                f"COALESCE({c}{sd} * {c}{sd} * ({c}days - 1), 0) + "
                f"COALESCE({c}days * ({c}{mean} - {c}all_{mean}) * ({c}{mean} - {c}all_{mean}), 0)"
            )
            parts += [f"min({c}all_{mean}) AS {c}{mean}"]
            parts += [
                f"CASE WHEN SUM({c}days) > 1 THEN sqrt(greatest(SUM({spread}), 0) / (SUM({c}days) - 1)) END AS {c}{sd}"
            ]
        parts += [
            f"SUM({c}days) AS {c}days",
            f"SUM({c}upper * {c}days) / {days} AS {c}upper",
            f"SUM({c}counted) AS {c}counted",
        ]
    return f"SELECT {', '.join(parts)} FROM (SELECT {', '.join(means)} FROM {weeks}) w GROUP BY {_pid_of('pweek')}"


def period_frame_sql(stats: str, people: str, labels: str | None) -> str:
    """Period summaries (``week_stats_sql``, with ``labels``: monday -> week; ``whole_period_sql``, without)
    with the person's name and profile (``people``: pid, person, profile), in the order of people and
    weeks, each nutrient's stats in ``STATS`` order."""
    pid = f"{_pid_of('s.pweek')} AS pid" if labels else "s.pid"
    columns = ["n.person", pid, "l.week" if labels else "'all' AS week", "n.profile"]
    columns += [f"s.{c}" for c in ("days_logged", "days_complete", "food_rows")]
    columns += [f"s.{n.column}__{stat}" for n in ASSESSED for stat in STATS]
    if labels is None:
        return f"SELECT {', '.join(columns)} FROM {stats} s JOIN {people} n ON n.pid = s.pid ORDER BY s.pid"
    monday = f"s.pweek - {_pid_of('s.pweek')} * {DAY_SPAN}"
    return (
        f"SELECT {', '.join(columns)} FROM {stats} s JOIN {people} n ON n.pid = {_pid_of('s.pweek')} "
        f"JOIN {labels} l ON l.monday = {monday} ORDER BY s.pweek"
    )
