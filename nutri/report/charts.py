"""Inline SVG charts of the HTML report: per week, one small chart per nutrient with a bar per day,
the day labelled and the target (RDA or AI) drawn as a line; across weeks, a trend of each nutrient's
weekly average as a share of its target. Every chart has a viewBox and scales to its container
(max-width 100%), so it reads on a 390 px phone as on a desktop; every text is escaped."""

from __future__ import annotations

import datetime as dt
from html import escape

from nutri.nutrients import NUTRIENT_BY_KEY
from nutri.report.model import NutrientAssessment, Period, Report

BELOW, MET, FAINT = "#d9825b", "#4f9a6a", "#c9c9c9"
TARGET = "#b22"
# one colour per nutrient line in the trend chart (colour-blind safe, Okabe-Ito)
LINE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
TREND_CAP = 300  # % of target: a line above it is drawn at the top edge, its point title gives the value


def e(value) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"


def _day_label(day: dt.date) -> tuple[str, str]:
    return day.strftime("%a")[:2], str(day.day)


def nutrient_day_chart(period: Period, key: str, n: NutrientAssessment) -> str:
    """A bar per calendar day of the week (the logged day's total), the day named under it, the
    target as a dashed line; a likely incomplete day is drawn faint, a day not logged is left empty."""
    column = NUTRIENT_BY_KEY[key].column
    days = period.days
    values = [d.value(column) if d.logged else None for d in days]
    target = n.target
    top_value = max([v for v in values if v is not None] + [(target or 0) * 1.25, 1e-9])
    width, height, left, right, top, bottom = 300, 150, 34, 6, 20, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(days), 1)

    def y(v):
        return top + plot_h - (v / top_value) * plot_h

    title = f"{n.label} ({n.unit}) per day, week {period.week}"
    parts = [
        f'<svg class=chart xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{e(title)}">',
        f'<text x="{left}" y="13" class=t>{e(n.label)} ({e(n.unit)})</text>',
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#999"/>',
        f'<text x="{left - 3}" y="{top + 4}" text-anchor=end>{_number(top_value)}</text>',
        f'<text x="{left - 3}" y="{top + plot_h}" text-anchor=end>0</text>',
    ]
    for i, (day, value) in enumerate(zip(days, values, strict=True)):
        x = left + i * slot
        weekday, number = _day_label(day.date)
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - 17}" text-anchor=middle>{weekday}</text>')
        parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - 5}" text-anchor=middle>{number}</text>')
        if value is None:
            continue
        colour = FAINT if not day.complete else (MET if target and value >= target else BELOW)
        state = "" if day.complete else " (likely incomplete, left out)"
        parts.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{y(value):.1f}" width="{slot * 0.7:.1f}" '
            f'height="{top + plot_h - y(value):.1f}" fill="{colour}"><title>{e(day.date)}: '
            f"{_number(value)} {e(n.unit)}{state}</title></rect>"
        )
    if target:
        kind = "RDA" if n.rda is not None else "AI"
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
            f'stroke="{TARGET}" stroke-dasharray="4 3"/>'
            f'<text x="{width - right}" y="{y(target) - 3:.1f}" text-anchor=end fill="{TARGET}">'
            f"{kind} {_number(target)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def day_charts(period: Period) -> str:
    """The week's small charts side by side (they wrap on a narrow screen)."""
    charts = "".join(f"<figure>{nutrient_day_chart(period, key, n)}</figure>" for key, n in period.nutrients.items())
    return f"<div class=charts>{charts}</div>"


def trend_chart(report: Report) -> str:
    """Each nutrient's weekly average as % of its target, week by week, with the 100% line; only
    when the diary spans more than one week. Weeks without a counted average break the line."""
    weeks = [w for w in report.weeks]
    if len(weeks) < 2:
        return ""
    keys = list(weeks[0].nutrients)
    series = {
        key: [
            (100 * w.nutrients[key].daily_average / w.nutrients[key].target)
            if w.nutrients[key].daily_average is not None and w.nutrients[key].target
            else None
            for w in weeks
        ]
        for key in keys
    }
    known = [v for values in series.values() for v in values if v is not None]
    top_pct = min(max(known + [150]), TREND_CAP)
    width, height, left, right, top, bottom = 420, 190, 36, 24, 12, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(weeks) - 1, 1)

    def x(i):
        return left + i * step

    def y(pct):
        return top + plot_h - min(pct, top_pct) / top_pct * plot_h

    parts = [
        f'<svg class=chart xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="Weekly average as percent of target, by week">',
        f'<line x1="{left}" x2="{width - right}" y1="{y(100):.1f}" y2="{y(100):.1f}" stroke="{TARGET}" '
        f'stroke-dasharray="4 3"/><text x="2" y="{y(100) + 4:.1f}" fill="{TARGET}">100%</text>',
        f'<text x="2" y="{top + 4}">{top_pct:.0f}%</text><text x="2" y="{top + plot_h}">0%</text>',
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#999"/>',
    ]
    every = max(1, len(weeks) // 12)  # at most about twelve week labels
    for i, week in enumerate(weeks):
        if i % every == 0:
            parts.append(f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor=middle>{e(week.week[-3:])}</text>')
    for index, key in enumerate(keys):
        colour = LINE_COLOURS[index % len(LINE_COLOURS)]
        parts += _trend_line(series[key], x, y, colour, weeks, weeks[0].nutrients[key].label)
    parts.append("</svg>")
    # the legend in HTML, so it wraps on a narrow screen
    legend = " ".join(
        f'<span style="color:{LINE_COLOURS[i % len(LINE_COLOURS)]}">■&nbsp;{e(weeks[0].nutrients[k].label)}</span>'
        for i, k in enumerate(keys)
    )
    return f"<figure class=trend>{''.join(parts)}<figcaption>{legend}</figcaption></figure>"


def _trend_line(values, x, y, colour: str, weeks: list[Period], label: str) -> list[str]:
    parts, run = [], []
    for i, value in enumerate([*values, None]):
        if value is not None:
            run.append(f"{x(i):.1f},{y(value):.1f}")
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="2.5" fill="{colour}">'
                f"<title>{e(label)}, {e(weeks[i].week)}: {value:.0f}% of target</title></circle>"
            )
        elif run:
            parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="1.5"/>')
            run = []
    return parts


MEAL_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442", "#999999")


def meal_chart(period: Period) -> str:
    """Which meal supplies each nutrient: a bar per nutrient (energy first) split by the meals'
    shares of the counted total; the legend in HTML so it wraps."""
    if not period.meals:
        return ""
    rows = [("energy_kcal", "Energy")] + [(NUTRIENT_BY_KEY[k].column, n.label) for k, n in period.nutrients.items()]
    width, left, bar, row_h = 420, 92, 320, 22
    height = len(rows) * row_h + 4
    parts = [
        f'<svg class=chart xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Share of each nutrient by meal, {e(period.title)}">'
    ]
    for r, (column, label) in enumerate(rows):
        top = r * row_h + 4
        parts.append(f'<text x="{left - 4}" y="{top + 13}" text-anchor=end>{e(label)}</text>')
        x = left
        for m, meal in enumerate(period.meals):
            share = meal.shares.get(column)
            if not share:
                continue
            w = share * bar
            parts.append(
                f'<rect x="{x:.1f}" y="{top}" width="{w:.1f}" height="{row_h - 6}" '
                f'fill="{MEAL_COLOURS[m % len(MEAL_COLOURS)]}"><title>{e(meal.meal)}: {share:.0%} of {e(label)}'
                "</title></rect>"
            )
            x += w
    parts.append("</svg>")
    legend = " ".join(
        f'<span style="color:{MEAL_COLOURS[m % len(MEAL_COLOURS)]}">■&nbsp;{e(meal.meal)}</span>'
        for m, meal in enumerate(period.meals)
    )
    return f"<figure class=trend>{''.join(parts)}<figcaption>{legend}</figcaption></figure>"
