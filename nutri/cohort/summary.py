"""Group summary: per nutrient and DRI group (sex, life stage, age band), the distribution of usual
intake and the prevalence of inadequacy.

Usual intake: each person's mean over their judged days (complete days with the nutrient counted),
shrunk toward the group mean to remove within-person (day-to-day) variation, the NRC (1986) / Nusser
et al. (1996, ISU) idea in its simplest form:

    usual_i = m + (mean_i - m) * sqrt(s_b^2 / (s_b^2 + s_w^2 / n_i))

with s_w^2 the pooled within-person variance, s_b^2 = var(person means) - s_w^2 * mean(1 / n_i)
(at least 0), m the mean of the person means, n_i person i's days. Prevalence of inadequacy is the
share of usual intakes below the EAR (the EAR cut-point method, IOM 2000), given only for nutrients
with an EAR. No transformation toward normality is made (skewed intakes such as vitamin D and B12 are
shrunk on their own scale) and the full NCI method (covariates, episodic intakes) is not implemented.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from nutri.cohort.profiles import dri_rows, group_of
from nutri.nutrients import ASSESSED
from nutri.report import safe

PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
METHOD = (
    "usual intake = person means shrunk toward the group mean by sqrt(s_b^2 / (s_b^2 + s_w^2 / n_i)) "
    "(NRC 1986; Nusser et al. 1996); prevalence of inadequacy = share below the EAR (EAR cut-point, IOM 2000)"
)


def shrink(values: list[np.ndarray]) -> tuple[np.ndarray, float | None, float | None]:
    """``shrink_stats`` from each person's daily values."""
    means = np.array([v.mean() for v in values], dtype=float)
    days = np.array([len(v) for v in values], dtype=float)
    squares = np.array([float(((v - v.mean()) ** 2).sum()) for v in values], dtype=float)
    return shrink_stats(means, days, squares)


def shrink_stats(
    means: np.ndarray, days: np.ndarray, squares: np.ndarray
) -> tuple[np.ndarray, float | None, float | None]:
    """(usual intakes, s_within^2, s_between^2) from each person's mean, number of days and sum of squared
    deviations from their mean; no shrinkage (and None variances) when no person has two days or fewer
    than two people have any."""
    repeat = days >= 2
    if len(means) < 2 or not repeat.any():
        return means, None, None
    within = float(squares[repeat].sum()) / float((days[repeat] - 1).sum())
    between = max(float(np.var(means, ddof=1)) - within * float(np.mean(1.0 / days)), 0.0)
    grand = float(means.mean())
    spread = between + within / days
    factor = np.where(spread > 0, np.sqrt(np.divide(between, spread, out=np.zeros_like(spread), where=spread > 0)), 1.0)
    return grand + factor * (means - grand), within, between


def _share(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if len(mask) else None


def _group_stats(means: np.ndarray, days: np.ndarray, squares: np.ndarray, doses: np.ndarray, reference) -> dict:
    usual, within, between = shrink_stats(means, days, squares) if len(means) else (np.array([]), None, None)
    item = {
        "people_with_data": len(means),
        "adjusted": within is not None,
        "sd_within": _round(math.sqrt(within)) if within is not None else None,
        "sd_between": _round(math.sqrt(between)) if between is not None else None,
        "mean_days": _round(float(np.mean(days))) if len(means) else None,
        "percentiles": {f"p{p}": _round(float(np.percentile(usual, p))) for p in PERCENTILES} if len(usual) else {},
        "ear": reference.ear,
        "ul": reference.ul,
        "ul_scope": "supplements" if reference.ul_supplemental_only else "total",
    }
    item["median"] = item["percentiles"].get("p50")
    item["prevalence_inadequate"] = (
        _round(_share(usual < reference.ear)) if reference.ear is not None and len(usual) else None
    )
    if reference.ul is None or not len(usual):
        item["prevalence_above_ul"] = None
    elif reference.ul_supplemental_only:  # a steady dose: each person's mean supplement intake
        item["prevalence_above_ul"] = _round(_share(doses > reference.ul))
    else:
        item["prevalence_above_ul"] = _round(_share(usual > reference.ul))
    return item


def _round(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 4)


def group_summary(people: pd.DataFrame, overall: pd.DataFrame, profiles: list, stats: dict) -> dict:
    """The summary's data model (the JSON contract): one record per nutrient and DRI group.

    ``overall`` is the engine's summary of each person's judged days over the whole period (one row per
    person of ``people``, in the same order; ``profile`` numbers ``profiles``): days, mean, SD, doses."""
    index = overall["profile"].to_numpy(dtype=np.int64)
    assumed = people["profile_assumed"].to_numpy(dtype=bool)
    groups = []
    for n in ASSESSED:
        c = n.column
        row_of = np.array([dri_rows(p)[n.key].row for p in profiles], dtype=object)[index]
        status = people[n.key + "_status"].to_numpy(dtype=object)
        days = overall[c + "__days"].to_numpy(dtype=float)
        usable = (status != "insufficient data") & (days > 0)
        means, sd = overall[c + "__mean"].to_numpy(dtype=float), overall[c + "__sd"].to_numpy(dtype=float)
        squares = np.where(days >= 2, sd**2 * (days - 1), 0.0)
        doses = overall[c + "__dose"].to_numpy(dtype=float)
        for dri_row in sorted(set(row_of)):
            members = row_of == dri_row
            first = profiles[index[np.flatnonzero(members)[0]]]
            chosen = members & usable
            item = {
                "nutrient": n.key,
                "unit": n.unit,
                "group": group_of(first),
                "dri_row": dri_row,
                "people": int(members.sum()),
                "assumed_profiles": int(assumed[members].sum()),
                "insufficient_data_share": _round(float((status[members] == "insufficient data").mean())),
            }
            item.update(
                _group_stats(means[chosen], days[chosen], squares[chosen], doses[chosen], dri_rows(first)[n.key])
            )
            groups.append(item)
    return {"method": METHOD, "limits": LIMITS, "inputs": stats, "groups": groups}


LIMITS = (
    "Intakes are shrunk on their own scale: for skewed intakes (vitamin D, B12, supplements) the usual-intake "
    "tails and prevalence are rough. The full NCI method (transformations, covariates, episodically consumed "
    "foods) is not implemented. People whose diary gives insufficient data are left out of the distribution "
    "and counted apart. For nutrients with only an AI no prevalence of inadequacy is given."
)


def render_json(summary: dict) -> str:
    return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"


def _cell(value, percent: bool = False) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.1f}%" if percent else f"{value:,.4g}"


def _table_rows(summary: dict) -> list[list[str]]:
    rows = []
    for g in summary["groups"]:
        p = g["percentiles"]
        rows.append(
            [
                g["nutrient"],
                g["group"],
                str(g["people"]),
                str(g["assumed_profiles"]),
                str(g["people_with_data"]),
                _cell(p.get("p10")),
                _cell(g["median"]),
                _cell(p.get("p90")),
                _cell(g["ear"]),
                _cell(g["prevalence_inadequate"], True),
                _cell(g["ul"]),
                _cell(g["prevalence_above_ul"], True),
                _cell(g["insufficient_data_share"], True),
                "yes" if g["adjusted"] else "no",
            ]
        )
    return rows


HEADER = [
    "Nutrient",
    "Group",
    "People",
    # of them, how many have no sex and age of their own (no --profiles row, no diary columns): they are
    # judged as the default adult woman, 31-50 y, and their group is that default's
    "Profile assumed",
    "With data",
    "P10",
    "Median",
    "P90",
    "EAR",
    "Below EAR",
    "UL",
    "Above UL",
    "Insufficient data",
    "Within-person adjusted",
]


def rows_read(inputs: dict) -> str:
    """'59524 people, 10,000,000 rows from 1 file(s)', and where rows that count for nobody went."""
    text = f"{inputs.get('people', 0)} people, {inputs.get('rows', 0):,} rows from {inputs.get('files', 0)} file(s)"
    left = [
        f"{inputs[key]:,} {what}"
        for key, what in (
            ("rows_without_date", "without a valid date, left out"),
            ("rows_skipped", "marked deleted in the app, skipped"),
        )
        if inputs.get(key)
    ]
    empty = [safe.clean_text(Path(f).name) for f in inputs.get("empty_files") or []]  # a file's name is user text
    if empty:
        named = ", ".join(empty[:3]) + (", ..." if len(empty) > 3 else "")
        left.append(f"{len(empty):,} empty file(s) skipped ({named})")
    others = [f"{safe.clean_text(Path(c['file']).name)}: {c['is']}" for c in inputs.get("companion_files") or []]
    if others:
        named = "; ".join(others[:3]) + ("; ..." if len(others) > 3 else "")
        left.append(f"{len(others):,} file(s) without food rows skipped ({named})")
    return "; ".join([text, *left])


def render_markdown(summary: dict) -> str:
    inputs = summary["inputs"]
    lines = [
        "# nutri cohort: group summary",
        "",
        f"{safe.markdown_inert(rows_read(inputs))}.",
        "",
        f"Method: {summary['method']}.",
        "",
        f"Limits: {summary['limits']}",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in _table_rows(summary)]
    return "\n".join(lines) + "\n"


def render_html(summary: dict) -> str:
    inputs = summary["inputs"]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>\n" for row in _table_rows(summary)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>nutri cohort: group summary</title>'
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;"
        "padding:.2em .5em;text-align:right}td:nth-child(2),td:first-child{text-align:left}</style></head><body>\n"
        f"<h1>nutri cohort: group summary</h1>\n<p>{html.escape(rows_read(inputs))}.</p>\n"
        f"<p>Method: {html.escape(summary['method'])}.</p>\n"
        f"<p>Limits: {html.escape(summary['limits'])}</p>\n<table><thead><tr>{head}</tr></thead><tbody>\n{body}"
        "</tbody></table>\n</body></html>\n"
    )
