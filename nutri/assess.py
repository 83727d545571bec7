"""Judging one person's intake against the DRIs, no more confidently than the diary allows.

The method is the IOM's for individuals (IOM 2000, *DRI: Applications in Dietary Assessment*,
chapter 3 and appendix B):

* EAR nutrients: z = (mean - EAR) / sqrt(SD_req^2 + SD_within^2 / n) over the n counted days; the
  probability that usual intake is adequate is Phi(z). >= 0.85 reads "likely adequate", <= 0.15 "likely
  inadequate", below 0.5 "possibly inadequate", otherwise "cannot tell" with the days that would settle it.
* AI nutrients: "adequate (at or above AI)" only when the mean reaches the AI; below it nothing is concluded.
* The UL: the same z-test against the UL, on the supplements alone where the UL covers only them
  (magnesium); a fixed daily dose has no day-to-day variance.

Two guards make a verdict no stronger than its evidence:

* bounds: every food row that could not be counted may hold up to its candidate food at a generous
  portion of its own, or, without one, the diary's own 90th percentile per entry. The verdict is given
  only when it is the same with the uncounted rows at zero and at that upper bound; otherwise
  "insufficient data".
* variability: when the day-to-day CV exceeds 70%, daily intakes are far from normal and the method
  is unreliable (IOM's note under tables B-2 to B-5): "too variable", for fewer than
  NORMAL_MEAN_DAYS judged days. The z-test is about the *average* of the days, and from about 30 days
  on the average of skewed daily intakes is close to normal (central limit theorem), so a year of
  large, irregular supplement doses is judged rather than left as "too variable".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import Enum
from functools import lru_cache

import numpy as np
import pandas as pd

from nutri.dri import Profile, Reference, is_missing, references
from nutri.foods import data_file
from nutri.intake import GroupSums
from nutri.nutrients import ENERGY

LIKELY = 0.85  # IOM appendix table B-1: z = 1
UNLIKELY = 0.15  # z = -1
TOO_VARIABLE_CV = 0.70  # IOM: above a CV of 60-70% the distribution of daily intakes is far from normal
NORMAL_MEAN_DAYS = 30  # from this many days the average of skewed daily intakes is close to normal (CLT)
UPPER_QUANTILE = 0.90  # an uncounted entry may hold up to this quantile of the diary's counted entries
MIN_ENTRIES_FOR_BOUND = 5  # fewer counted entries give no upper bound: anything uncounted leaves the verdict open


class Status(str, Enum):
    """The verdict words of the report and its JSON (a contract other tools rely on)."""

    LIKELY_INADEQUATE = "likely inadequate"
    POSSIBLY_INADEQUATE = "possibly inadequate"
    LIKELY_ADEQUATE = "likely adequate"
    ADEQUATE_AI = "adequate (at or above AI)"
    CANNOT_TELL = "cannot tell"
    INSUFFICIENT = "insufficient data"
    ABOVE_UL = "above UL"
    POSSIBLY_ABOVE_UL = "possibly above UL"
    TOO_VARIABLE = "too variable"

    @property
    def shortfall(self) -> bool:
        return self in (Status.LIKELY_INADEQUATE, Status.POSSIBLY_INADEQUATE)

    @property
    def over_limit(self) -> bool:
        return self in (Status.ABOVE_UL, Status.POSSIBLY_ABOVE_UL)


@dataclass(frozen=True)
class Variation:
    """What the method needs besides the DRI row, with where each number comes from."""

    cv_requirement: float
    sd_within: float | None  # pooled within-person SD from a survey, when one is published for this group
    floor_cv: float  # otherwise the diary's own SD, never below this share of its mean
    source: str


@dataclass(frozen=True)
class Evidence:
    """One nutrient over one period: a value per judged day (complete days with something counted)."""

    counted: tuple[float, ...]  # known intake per day (the lower bound)
    uncounted_upper: tuple[float, ...]  # what that day's uncounted rows could add at most (inf: no bound)
    supplemental: tuple[float, ...]  # supplement doses per day (part of `counted`)
    food_rows: int  # food rows of the period's logged days (coverage is shown for every logged day)
    counted_rows: int  # of which counted for this nutrient

    @property
    def days(self) -> int:
        return len(self.counted)

    @property
    def coverage(self) -> float | None:
        return self.counted_rows / self.food_rows if self.food_rows else None

    @property
    def uncounted(self) -> int:
        return self.food_rows - self.counted_rows


@dataclass(frozen=True)
class Assessment:
    status: Status
    probability_adequate: float | None
    days_needed: int | None  # more counted days at the same average that would settle the verdict
    mean: float | None  # counted daily average (lower bound)
    upper_mean: float | None  # with every uncounted row at its upper bound
    sd_within: float | None
    reason: str  # the verdict in plain words


@lru_cache(maxsize=1)
def _variation_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    published = pd.read_csv(data_file("variation.csv"), keep_default_na=False, na_values={"age_max_years": [""]})
    defaults = pd.read_csv(data_file("assessment.csv"), keep_default_na=False).set_index("nutrient")
    return published, defaults


@lru_cache(maxsize=1)
def _variation_records() -> tuple[tuple[dict, ...], dict[str, dict]]:
    """The variation tables as dicts (picked from in Python: filtering the frames took 8 ms a report)."""
    published, defaults = _variation_tables()
    return tuple(published.to_dict("records")), defaults.to_dict("index")


@lru_cache(maxsize=1024)  # a pure function of its arguments, asked once per nutrient and period
def variation(nutrient: str, profile: Profile) -> Variation:
    published, defaults = _variation_records()
    if nutrient not in defaults:
        raise KeyError(f"assessment.csv has no row for {nutrient!r}")
    row = defaults[nutrient]
    rows = [
        r
        for r in published
        if r["nutrient"] == nutrient
        and r["sex"] in (profile.sex, "both")
        and r["life_stage"] == profile.life_stage
        and r["age_min_years"] <= profile.age
        and (is_missing(r["age_max_years"]) or math.floor(profile.age) <= r["age_max_years"])
    ]
    if rows:
        sd, source = float(rows[0]["sd_within"]), str(rows[0]["source"])
    else:
        sd, source = None, str(row["floor_source"])
    return Variation(float(row["cv_requirement"]), sd, float(row["floor_cv_within"]), source)


# One implementation for one period (``assess``, the report) and for many at once (the cohort's
# person-weeks): every rule below works elementwise on arrays, and the scalar API calls it with one
# element. A verdict is a code, its index in STATUSES.
STATUSES = list(Status)
_CODE = {status: code for code, status in enumerate(STATUSES)}
_ERFC = np.frompyfunc(math.erfc, 1, 1)
_SQRT2 = math.sqrt(2.0)
_NONE = -1  # no verdict from this rule


def normal_cdf(z) -> np.ndarray:
    """Phi(z) elementwise, exactly as ``statistics.NormalDist().cdf`` computes it: 0.5 * erfc(-z / sqrt(2)).

    ``math.erfc`` is called per element, so only on finite z: an infinite z is 0 or 1 exactly as erfc gives
    it, and NaN stays NaN (a period without a spread, a nutrient without a limit). At 10M rows this
    skipped about a tenth of the calls (0.63 -> 0.55 s): most z are finite."""
    z = np.asarray(z, dtype=float)
    out = np.where(z == np.inf, 1.0, np.where(z == -np.inf, 0.0, np.nan))
    finite = np.isfinite(z)
    out[finite] = 0.5 * np.asarray(_ERFC(-z[finite] / _SQRT2), dtype=float)
    return out


@dataclass(frozen=True)
class Rules:
    """A DRI row and its variation as arrays broadcast against the periods (NaN: the row has none)."""

    ear: np.ndarray
    ai: np.ndarray
    ul: np.ndarray
    ul_supplemental_only: np.ndarray  # bool
    cv_requirement: np.ndarray
    sd_published: np.ndarray  # a survey's pooled within-person SD, NaN where none is published
    floor_cv: np.ndarray

    @classmethod
    def of(cls, reference: Reference, var: Variation) -> Rules:
        def value(x):
            return np.asarray(np.nan if x is None else float(x))

        return cls(
            value(reference.ear),
            value(reference.ai),
            value(reference.ul),
            np.asarray(bool(reference.ul_supplemental_only)),
            value(var.cv_requirement),
            value(var.sd_within),
            value(var.floor_cv),
        )


@dataclass(frozen=True)
class PeriodStats:
    """What the method reads of a period's judged days, one element per period (SQL can compute these)."""

    days: np.ndarray  # judged days
    mean: np.ndarray  # counted daily average
    upper_mean: np.ndarray  # with each day's uncounted rows at their upper bound
    own_sd: np.ndarray  # sample SD of the counted days (0 with fewer than two)
    dose_mean: np.ndarray  # supplement doses per day
    dose_sd: np.ndarray

    @classmethod
    def of(cls, evidence: Evidence) -> PeriodStats:
        counted = np.asarray(evidence.counted, dtype=float)
        doses = np.asarray(evidence.supplemental, dtype=float)
        upper = counted + np.asarray(evidence.uncounted_upper, dtype=float)
        two = evidence.days > 1
        return cls(
            np.array([evidence.days]),
            np.array([_mean(counted)]),
            np.array([_mean(upper)]),
            np.array([float(np.std(counted, ddof=1)) if two else 0.0]),
            np.array([_mean(doses)]),
            np.array([float(doses.std(ddof=1)) if two else 0.0]),
        )


def _mean(values: np.ndarray) -> float:
    """The mean of a period's judged days; NaN for a period with none (numpy's, without its warning). Days
    unbounded above (the largest float) average to infinity: unbounded, as they are."""
    if not len(values):
        return math.nan
    with np.errstate(over="ignore"):
        return float(values.mean())


@dataclass(frozen=True)
class Verdicts:
    """Per period: the status code, probability of adequacy and more days needed (NaN: none), the
    within-person SD used, and the codes at the counted and at the upper mean (differing: insufficient)."""

    status: np.ndarray
    probability: np.ndarray
    more: np.ndarray
    sd_within: np.ndarray
    low: np.ndarray
    high: np.ndarray


def probability_adequate_many(mean, ear, sd_requirement, sd_within, days) -> np.ndarray:
    """IOM 2000 eq. for individuals: Phi((mean - EAR) / sqrt(SD_req^2 + SD_within^2 / n))."""
    mean, ear = np.asarray(mean, dtype=float), np.asarray(ear, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd_difference = np.sqrt(np.asarray(sd_requirement, dtype=float) ** 2 + np.asarray(sd_within) ** 2 / days)
        z = (mean - ear) / sd_difference
    return np.where(sd_difference > 0, normal_cdf(z), (mean >= ear).astype(float))


def probability_above_many(mean, limit, sd_within, days) -> np.ndarray:
    """Confidence that usual intake exceeds a limit (IOM 2000 appendix B, the AI/UL z-test)."""
    mean, sd_within = np.asarray(mean, dtype=float), np.asarray(sd_within, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (limit - mean) / (sd_within / np.sqrt(days))
    return np.where(sd_within <= 0, (mean > limit).astype(float), 1.0 - normal_cdf(z))


def days_to_settle_many(mean, ear, sd_requirement, sd_within, days) -> np.ndarray:
    """More days at the same average that would bring |z| to 1; NaN when no number of days would."""
    gap_squared = (np.asarray(mean, dtype=float) - ear) ** 2 - np.asarray(sd_requirement, dtype=float) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        needed = np.ceil(np.asarray(sd_within, dtype=float) ** 2 / gap_squared)
    return np.where(gap_squared > 0, np.maximum(needed - days, 1), np.nan)


def probability_adequate(mean: float, ear: float, sd_requirement: float, sd_within: float, days: int) -> float:
    return float(probability_adequate_many(mean, ear, sd_requirement, sd_within, days))


def probability_above(mean: float, limit: float, sd_within: float, days: int) -> float:
    return float(probability_above_many(mean, limit, sd_within, days))


def days_to_settle(mean: float, ear: float, sd_requirement: float, sd_within: float, days: int) -> int | None:
    more = float(days_to_settle_many(mean, ear, sd_requirement, sd_within, days))
    return None if math.isnan(more) else int(more)


def _given(x: np.ndarray) -> np.ndarray:
    """A reference value that is there and not zero (``reference.ear or reference.ai``)."""
    return ~np.isnan(x) & (x != 0)


def _sd_within(stats: PeriodStats, rules: Rules) -> np.ndarray:
    """The published pooled SD, else the diary's own, floored at a share of the mean or the EAR,
    whichever is larger (a low mean must not shrink the SD and make a few days look certain)."""
    scale = np.where(_given(rules.ear), rules.ear, np.where(_given(rules.ai), rules.ai, 0.0))
    own = np.maximum(stats.own_sd, rules.floor_cv * np.maximum(stats.mean, scale))
    return np.where(np.isnan(rules.sd_published), own, rules.sd_published)


def _over_ul(stats: PeriodStats, rules: Rules, mean: np.ndarray, sd_within: np.ndarray) -> np.ndarray:
    """ABOVE_UL, POSSIBLY_ABOVE_UL or _NONE; on the supplement doses alone where the UL covers only them
    (a fixed daily dose has no day-to-day variance)."""
    level = np.where(rules.ul_supplemental_only, stats.dose_mean, mean)
    spread = np.where(rules.ul_supplemental_only, stats.dose_sd, sd_within)
    above = probability_above_many(level, rules.ul, spread, stats.days)
    code = np.where(
        above >= LIKELY, _CODE[Status.ABOVE_UL], np.where(above >= 0.5, _CODE[Status.POSSIBLY_ABOVE_UL], _NONE)
    )
    return np.where(np.isnan(rules.ul), _NONE, code)


def _judge(stats: PeriodStats, rules: Rules, mean: np.ndarray, sd_within: np.ndarray) -> tuple:
    """(status codes, probabilities, more days) at one value of the mean per period."""
    over = _over_ul(stats, rules, mean, sd_within)
    ear = ~np.isnan(rules.ear)
    sd_requirement = rules.cv_requirement * rules.ear
    p = probability_adequate_many(mean, rules.ear, sd_requirement, sd_within, stats.days)
    more = days_to_settle_many(mean, rules.ear, sd_requirement, sd_within, stats.days)
    by_ear = np.select(
        [p >= LIKELY, p <= UNLIKELY, p < 0.5],
        [_CODE[Status.LIKELY_ADEQUATE], _CODE[Status.LIKELY_INADEQUATE], _CODE[Status.POSSIBLY_INADEQUATE]],
        _CODE[Status.CANNOT_TELL],
    )
    by_ai = np.where(~np.isnan(rules.ai) & (mean >= rules.ai), _CODE[Status.ADEQUATE_AI], _CODE[Status.CANNOT_TELL])
    code = np.where(over != _NONE, over, np.where(ear, by_ear, by_ai))
    judged = (over == _NONE) & ear
    unsettled = judged & np.isin(by_ear, [_CODE[Status.POSSIBLY_INADEQUATE], _CODE[Status.CANNOT_TELL]])
    return code, np.where(judged, p, np.nan), np.where(unsettled, more, np.nan)


def assess_many(stats: PeriodStats, rules: Rules) -> Verdicts:
    """The verdict of every period at once (``assess`` is this with one period)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sd_within = _sd_within(stats, rules)
        low = _judge(stats, rules, stats.mean, sd_within)
        high = _judge(stats, rules, stats.upper_mean, sd_within)
        cv = np.where(stats.mean > 0, stats.own_sd / stats.mean, math.inf)
    high_code = np.where(stats.upper_mean > stats.mean, high[0], low[0])
    none, split = stats.days == 0, high_code != low[0]
    over_limit = np.isin(low[0], [_CODE[Status.ABOVE_UL], _CODE[Status.POSSIBLY_ABOVE_UL]])
    variable = (
        np.isnan(rules.sd_published)
        & (stats.days > 1)
        & (stats.days < NORMAL_MEAN_DAYS)
        & (cv > TOO_VARIABLE_CV)
        & ~over_limit
    )
    status = np.select([none | split, variable], [_CODE[Status.INSUFFICIENT], _CODE[Status.TOO_VARIABLE]], low[0])
    plain = ~(none | split | variable)
    return Verdicts(
        status, np.where(plain, low[1], np.nan), np.where(plain, low[2], np.nan), sd_within, low[0], high_code
    )


def assess(evidence: Evidence, reference: Reference, var: Variation) -> Assessment:
    return assess_each([evidence], reference, var)[0]


def assess_each(evidence: Sequence[Evidence], reference: Reference, var: Variation) -> list[Assessment]:
    """``assess`` for many periods of one nutrient (a report's weeks), judged in one ``assess_many``
    call; the rules work elementwise, so each verdict is the one ``assess`` gives the period alone."""
    judged = [e for e in evidence if e.days]
    if judged:
        each = [PeriodStats.of(e) for e in judged]
        stats = PeriodStats(*(np.concatenate([getattr(s, f.name) for s in each]) for f in fields(PeriodStats)))
        verdicts = assess_many(stats, Rules.of(reference, var))
    out, i = [], 0
    for e in evidence:
        if e.days:
            out.append(_assessment(e, stats, verdicts, i))
            i += 1
        else:
            reason = "no complete day with this nutrient counted" if e.food_rows else "no day logged"
            out.append(Assessment(Status.INSUFFICIENT, None, None, None, None, None, reason))
    return out


def _assessment(evidence: Evidence, stats: PeriodStats, verdict: Verdicts, i: int) -> Assessment:
    """Period ``i`` of ``assess_many``'s arrays as an Assessment, with its reason in words."""
    mean, upper, sd_within = float(stats.mean[i]), float(stats.upper_mean[i]), float(verdict.sd_within[i])
    status = STATUSES[int(verdict.status[i])]
    if verdict.low[i] != verdict.high[i]:
        low, high = STATUSES[int(verdict.low[i])], STATUSES[int(verdict.high[i])]
        reason = f"{evidence.uncounted} entries not counted could change the verdict ({low.value} to {high.value})"
        return Assessment(Status.INSUFFICIENT, None, None, mean, upper, sd_within, reason)
    if status is Status.TOO_VARIABLE:
        cv = float(stats.own_sd[i]) / mean if mean > 0 else math.inf
        reason = f"day-to-day variation {cv:.0%} of the mean: too variable to judge from {evidence.days} days"
        return Assessment(status, None, None, mean, upper, sd_within, reason)
    probability = None if math.isnan(verdict.probability[i]) else float(verdict.probability[i])
    more = None if math.isnan(verdict.more[i]) else int(verdict.more[i])
    return Assessment(status, probability, more, mean, upper, sd_within, _reason(status, probability, more, evidence))


def _reason(status: Status, probability: float | None, more: int | None, evidence: Evidence) -> str:
    days = f"{evidence.days} day{'s' if evidence.days != 1 else ''}"
    if probability is not None and status in (Status.CANNOT_TELL, Status.POSSIBLY_INADEQUATE):
        settle = f"; log about {more} more days to tell" if more else "; more days would not settle it at this average"
        return f"{probability:.0%} probability of adequacy from {days}{settle}"
    if probability is not None:
        return f"{probability:.0%} probability of adequacy from {days}"
    if status is Status.CANNOT_TELL:
        return "below the AI: an AI says nothing about inadequacy below it"
    return f"from {days}"


# A pill, capsule or tablet of an unknown supplement weighs at most this (the largest common capsule,
# size 000, holds about 1.4 g): its bound is that weight at the diary's densest foods, not a whole meal.
PILL_UNITS = frozenset({"pill", "capsule", "tablet", "softgel", "gummy", "lozenge", "caplet"})
PILL_MAX_G = 1.5
TYPICAL_PORTION_MAX_G = 500.0  # the largest of a food's own portions up to this weight stands for "a portion"
DEFAULT_PORTION_G = 100.0


def _typical_grams(table, food_ids: pd.Series) -> pd.Series:
    """Per food, the largest of its own portion weights up to 500 g (100 g when it lists none)."""
    portions = table.portions
    # the foods asked about only: grouping all of the tables' portions took most of this
    portions = portions[portions["food_id"].isin(food_ids) & (portions["grams"] <= TYPICAL_PORTION_MAX_G)]
    sized = portions.groupby("food_id")["grams"].max()
    return food_ids.map(sized).fillna(DEFAULT_PORTION_G)


def _quantile(values: np.ndarray) -> float:
    """The 90th percentile of the finite values, as ``Series.quantile`` finds it (``np.quantile`` of a row,
    linear), without a Series' replace, dropna and frame round trip (a third of the report's bounds)."""
    known = values[np.isfinite(values)]
    if len(known) < MIN_ENTRIES_FOR_BOUND:
        return math.inf
    return float(np.quantile(known[np.newaxis], np.array([UPPER_QUANTILE]), axis=1, method="linear")[0, 0])


class RowUpperBounds:
    """Per food row and nutrient, the most an uncounted row is taken to hold (NaN where counted), one
    nutrient at a time (``column``): a rows x nutrients frame of them, and a copy of the rows that are
    no supplement, were the peak of a 1M-row report.

    The row's weight is its grams, at most 1.5 g a pill, or else a generous portion of its candidate
    food (the largest of the food's own portions up to 500 g). That weight times the candidate's value
    per gram, or without one the diary's 90th percentile per gram of counted food entries; without a
    weight, its energy (from an export) times the diary's 90th percentile per kcal; else the diary's
    90th percentile per counted entry. From fewer than 5 counted entries the diary gives no bound
    (inf), and anything uncounted leaves the verdict open."""

    def __init__(self, rows: pd.DataFrame, table) -> None:
        self.rows = rows
        self.food = ~rows["supplemental"].astype(bool).to_numpy()
        # the candidates' values and portions once per distinct food id, taken per row by code; an id
        # not in the tables (or none) is "", the last code
        codes, distinct = pd.factorize(rows["food_id"])
        ids = np.append(np.where(distinct.isin(table.foods.index), distinct.to_numpy(dtype=object), ""), "")
        self.codes = np.where(codes < 0, len(ids) - 1, codes)
        self.per100 = table.foods.reindex(ids)
        typical = _typical_grams(table, pd.Series(ids)).to_numpy(dtype=float)[self.codes]
        pills = rows["unit"].isin(PILL_UNITS).to_numpy() & rows["grams"].isna().to_numpy()
        grams = np.where(pills, rows["amount"].to_numpy(dtype=float) * PILL_MAX_G, rows["grams"].to_numpy(dtype=float))
        self.grams = np.where(np.isnan(grams) & (ids != "")[self.codes], typical, grams)
        self.kcal = rows[ENERGY.column].to_numpy(dtype=float)
        self.weighed, self.kcal_known = (
            ~np.isnan(self.grams) & (self.grams >= 0),
            ~np.isnan(self.kcal) & (self.kcal >= 0),
        )
        food_grams, food_kcal = rows["grams"].to_numpy(dtype=float)[self.food], self.kcal[self.food]
        self.food_grams = np.where(food_grams > 0, food_grams, np.nan)
        self.food_kcal = np.where(food_kcal > 0, food_kcal, np.nan)

    def column(self, column: str) -> np.ndarray:
        """One nutrient's bounds, built in two row-length buffers (each np.where made another)."""
        values = self.rows[column].to_numpy(dtype=float)
        food = values[self.food]
        with np.errstate(invalid="ignore", over="ignore"):
            per_gram, per_kcal = _quantile(food / self.food_grams), _quantile(food / self.food_kcal)
        density = self.per100[column].to_numpy(dtype=float) / 100.0  # per distinct food, then per row
        density = np.where(np.isnan(density), per_gram, np.maximum(density, 0.0))[self.codes]
        bound = np.full(len(values), _quantile(food))
        with np.errstate(invalid="ignore"):  # 0 g (or 0 kcal) times an unbounded density holds nothing
            scaled = self.kcal * per_kcal
            scaled[self.kcal == 0] = 0.0
            np.copyto(bound, scaled, where=self.kcal_known)
            np.multiply(self.grams, density, out=scaled)
            scaled[self.grams == 0] = 0.0
            np.copyto(bound, scaled, where=self.weighed)
        np.nan_to_num(bound, copy=False, nan=math.inf)
        bound[~np.isnan(values)] = np.nan
        return bound


def add_upper_bounds(days: pd.DataFrame, rows: pd.DataFrame, table, columns: list[str]) -> pd.DataFrame:
    """Day totals plus ``<col>_upper``: what the day's uncounted rows could add at most.

    Each nutrient's row bounds are summed per day as soon as they are found; the sums are pandas' own
    as in one frame of all of them, which holds a NaN wherever a row was counted (``GroupSums``)."""
    if not days.empty:
        # groupby's sorted days, from the texts as objects (a str column is checked for NA first)
        codes, dates = pd.factorize(rows["date"].to_numpy(dtype=object), sort=True)
        bounds = RowUpperBounds(rows, table)
        counted = any(rows[c].notna().any() for c in columns)
        sums = GroupSums(codes, 1, beside_nan=counted)
        for column in columns:
            sums.add(column + "_upper", bounds.column(column))
        upper = pd.DataFrame(sums.result(), index=pd.Index(dates, name="date")).fillna(0.0)
        days = days.merge(upper, left_on="date", right_index=True, how="left")
    for column in columns:
        if column + "_upper" not in days:
            days[column + "_upper"] = pd.Series(dtype=float)
        days[column + "_upper"] = days[column + "_upper"].fillna(0.0)
    return days


@lru_cache(maxsize=1)
def _energy_floors() -> pd.DataFrame:
    return pd.read_csv(data_file("energy_floor.csv"), keep_default_na=False, na_values={"age_max_years": [""]})


def energy_floor_kcal(profile: Profile) -> tuple[float, str]:
    """Below this, a day's log is taken as incomplete: half the sedentary energy need for the profile."""
    table = _energy_floors()
    rows = table[table["sex"].isin([profile.sex, "both"]) & (table["age_min_years"] <= profile.age)]
    rows = rows[rows["age_max_years"].isna() | (math.floor(profile.age) <= rows["age_max_years"])]
    need = float(rows.iloc[0]["sedentary_kcal"]) if not rows.empty else float(table["sedentary_kcal"].min())
    return need / 2, str(table.iloc[0]["source"])


def mark_days(days: pd.DataFrame, profile: Profile) -> pd.DataFrame:
    """Add ``complete``, ``incomplete_reason`` and ``above_ul`` to the day totals.

    A day is likely incomplete when even its uncounted entries at their upper bound leave its energy
    below half the sedentary energy need of the profile: it is shown, and left out of the assessment.
    ``above_ul`` lists the nutrients over their UL that day (supplements counted that day)."""
    days = days.copy()
    if days.empty:
        for column, empty in (("complete", bool), ("incomplete_reason", object), ("above_ul", object)):
            days[column] = pd.Series(dtype=empty)
        return days
    floor, _source = energy_floor_kcal(profile)
    energy = ENERGY.column
    upper = days[energy].fillna(0.0).to_numpy(dtype=float) + days[energy + "_upper"].to_numpy(dtype=float)
    upper = np.where(days[energy].isna() & (days[energy + "_upper"] == 0), np.nan, upper)
    low = ~np.isnan(upper) & (upper < floor)
    days["complete"] = ~low
    days["incomplete_reason"] = [
        f"likely incomplete: {kcal:,.0f} kcal logged, below {floor:,.0f} kcal (half a sedentary day's need)"
        if is_low
        else ""
        for kcal, is_low in zip(days[energy].fillna(0.0), low, strict=False)
    ]
    days["above_ul"] = _above_ul_per_day(days, profile)
    return days


def _above_ul_per_day(days: pd.DataFrame, profile: Profile) -> list[list[str]]:
    over: list[list[str]] = [[] for _ in range(len(days))]
    for key, reference in references(profile).items():
        if reference.ul is None:
            continue
        level = days[reference.column + ("_supplemental" if reference.ul_supplemental_only else "")]
        for i in np.flatnonzero(level.fillna(0.0).to_numpy(dtype=float) > reference.ul):
            over[i].append(key)
    return over


def period_evidence(days: pd.DataFrame, column: str) -> Evidence:
    """The evidence one period's days give for one nutrient: complete days with something counted.

    Days with food rows but nothing counted for this nutrient (a quick-add day) are not averaged in
    as zero; their rows lower the coverage. ``days``: the day table, or any mapping of its column names
    to arrays (the report passes each period's rows of arrays taken from the table once)."""
    if len(days) == 0:
        return Evidence((), (), (), 0, 0)
    counted = np.asarray(days[column + "_counted"])
    judged = np.asarray(days["complete"], dtype=bool) & (counted > 0)

    def of(name: str) -> tuple[float, ...]:  # arrays, not frames: this runs per period and nutrient
        return tuple(np.asarray(days[name], dtype=float)[judged].tolist())

    entries = int(np.asarray(days["entries"]).sum())
    return Evidence(of(column), of(column + "_upper"), of(column + "_supplemental"), entries, int(counted.sum()))
