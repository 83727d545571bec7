"""Self-contained HTML report: inline CSS and SVG charts, every user text escaped."""

from __future__ import annotations

from html import escape

from nutri.assess import Status
from nutri.report.charts import day_charts, meal_chart, trend_chart
from nutri.report.model import NutrientAssessment, Period, Report
from nutri.report.text import (
    DAY_HEADERS,
    day_cells,
    energy_words,
    fmt,
    gap_words,
    has_problems,
    other_reading_sentence,
    status_class,
    summary_heading,
    unknown_value_lines,
)

CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;overflow-wrap:break-word}
table{border-collapse:collapse;margin:.5rem 0;display:block;max-width:100%;overflow-x:auto}td{white-space:nowrap}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left;position:sticky;left:0;background:#fff}.bad{color:#b00}.ok{color:#070}.warn{color:#a60}.muted{color:#777}
svg text{font-size:11px}
/* narrow screens: wide tables scroll in place, first column kept; the 640 px chart (no viewBox) zoomed to fit */
@media(max-width:720px){svg{zoom:.75}}@media(max-width:560px){svg{zoom:.6}}
@media(max-width:440px){svg{zoom:.52}}@media(max-width:380px){svg{zoom:.45}}@media(max-width:340px){svg{zoom:.4}}
.summary li{margin:.3rem 0}.summary ul ul{margin:.1rem 0}
.charts{display:flex;flex-wrap:wrap;gap:.25rem 1rem}.charts figure{margin:0;flex:1 1 260px;max-width:22rem}
svg.chart{zoom:1;width:100%;max-width:100%;height:auto}.trend{margin:0;max-width:36rem}svg.chart .t{font-weight:bold}"""
DAY_CHART_NOTE = (
    "<p class=muted>Each day's total: green at or above the target, orange below, grey a likely incomplete day "
    "(left out of the verdict); the dashed line is the RDA (or AI); a day without bar was not logged.</p>"
)
MEAL_NOTE = "<p class=muted>Each bar is the period's counted total of a nutrient, split by the meals of the diary.</p>"
TREND_NOTE = (
    "<p class=muted>Each week's daily average as % of the RDA (or AI), week by week; the dashed line is 100%; "
    "a week without a counted average breaks the line.</p>"
)


def e(value) -> str:
    return escape(str(value), quote=True)


def percent(value) -> str:
    """'131%', or '-' alone when unknown (as the text report prints it)."""
    return "-" if value is None else f"{fmt(value, 0)}%"


def _period(period: Period) -> list[str]:
    out = [
        f"<section><h2>{e(period.title)} <span class=muted>({e(period.start)} to {e(period.end)})</span></h2>",
        f"<p>Days logged: {period.days_logged} of {period.days_logged + period.days_not_logged} ({period.days_not_logged} not logged). {e(energy_words(period))}.</p>",
        *(() if period.whole else (day_charts(period), DAY_CHART_NOTE)),
        "<table><tr><th>Nutrient</th><th>Daily average</th><th>RDA/AI</th><th>% RDA</th><th>Days below</th><th>Coverage</th><th>Assessment</th></tr>",
    ]
    for n in period.nutrients.values():
        status = n.status.value
        out.append(
            f"<tr><td>{e(n.label)}</td><td>{fmt(n.daily_average)} {e(n.unit)}</td><td>{fmt(n.target)} {e(n.unit)}</td><td>{percent(n.percent_rda)}</td><td>{n.days_below}/{n.days_logged}</td><td>{percent(None if n.coverage is None else 100 * n.coverage)}</td><td class={status_class(status)}>{e(status)}</td></tr>"
        )
    out.append("</table>")
    caffeine, alcohol, water = period.lifestyle.caffeine, period.lifestyle.alcohol, period.lifestyle.water
    out.append(
        f"<p>Caffeine {fmt(caffeine.daily_average, 0)} mg/day (limit {caffeine.limit:g} for {e(caffeine.basis)}); "
        f"alcohol {fmt(alcohol.standard_drinks_per_day)} standard drinks/day (limit {fmt(alcohol.limit_g, 0)} g: "
        f"{e(alcohol.basis)}); water from food and drinks {fmt(water.daily_average, 0)} g/day "
        f"(AI {fmt(water.ai, 0)} g).</p>"
    )
    out += _day_table(period)
    meals = meal_chart(period)
    if meals:
        out += [f"<h3>Which meal supplies it</h3>{meals}", MEAL_NOTE]
    for n in period.nutrients.values():
        if n.top_foods:
            out.append(
                f"<p><b>Top {e(n.label)} sources:</b> "
                + "; ".join(f"{e(t.food)} {fmt(t.amount)} {e(n.unit)}" for t in n.top_foods[:3])
                + "</p>"
            )
    for n in period.nutrients.values():
        if n.above_ul:
            over = n.above_ul
            out.append(
                f"<h3>{e(n.label)}: above the UL</h3><p>{fmt(over.intake)} {e(n.unit)}/day against a UL of "
                f"{fmt(over.ul)} {e(n.unit)}/day; the UL counts {e(over.scope)}. {e(over.advice)}</p>"
            )
    for n in period.nutrients.values():
        sentence = other_reading_sentence(n)
        if sentence:
            out.append(f"<p class=warn>{e(sentence)}</p>")
    for n in period.nutrients.values():
        if n.shortfall or n.status is Status.INSUFFICIENT:
            out += _advice(n)
    out.append("</section>")
    return out


def _day_table(period: Period) -> list[str]:
    out = ["<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in ["Date", "Entries", *DAY_HEADERS]) + "</tr>"]
    for d in period.days:
        if d.logged:
            cells = [str(d.entries), *day_cells(d, " (likely incomplete)")]
            out.append(f"<tr><td>{e(d.date)}</td>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
        else:
            span = len(DAY_HEADERS) + 1
            out.append(f"<tr><td>{e(d.date)}</td><td colspan={span} class=muted>not logged</td></tr>")
    out.append("</table>")
    return out


def _advice(n: NutrientAssessment) -> list[str]:
    advice = n.advice
    head = gap_words(n) if n.shortfall else "insufficient data"
    out = [f"<h3>{e(n.label)}: {e(head)}</h3><ul>"]
    for source in advice.sources:
        if source.advice:
            out.append(f"<li><b>{e(source.category)}</b>: {e(source.advice)}</li>")
        else:
            foods = "; ".join(
                f"{e(f.food)}, {e(f.portion)}: {fmt(f.amount)} {e(n.unit)}"
                + (f" <i>({e(f.note)})</i>" if f.note else "")
                for f in source.foods
            )
            out.append(f"<li><b>{e(source.category)}</b>: {foods}</li>")
    out.append("</ul>")
    for closer in advice.gap_closers:
        out.append(
            f"<p>Gap closer: {e(closer.amount_text or closer.portion)} of {e(closer.food)} a day adds {fmt(closer.adds)} {e(n.unit)}"
            + (" (in your diary)" if closer.in_diary else "")
            + "</p>"
        )
    if advice.closer_note:
        out.append(f"<p class=muted>{e(advice.closer_note)}</p>")
    for w in advice.withheld:
        out.append(f"<p class=muted>Left out for this profile ({e('; '.join(w.foods))}): {e(w.reason)}</p>")
    return out


def _summary(report: Report) -> list[str]:
    """The answer per nutrient, why, and at most three actions: the first screen of the report."""
    summary = report.summary
    if summary is None:
        return []
    out = [f"<section class=summary><h2>{e(summary_heading(report))}</h2>"]
    period = report.whole_period or (report.weeks[0] if report.weeks else None)
    if period is not None:
        out.append(f"<p>{e(energy_words(period, total=False))}</p>")
    out.append("<ul>")
    for item in summary.items:
        actions = "".join(f"<li>{e(a.text)}</li>" for a in item.actions)
        out.append(
            f"<li><b>{e(item.label)}</b>: <b class={status_class(item.status.value)}>{e(item.answer)}</b>. "
            f"{e(item.why)}{f'<ul>{actions}</ul>' if actions else ''}</li>"
        )
    out.append("</ul>")
    if summary.data_quality:
        out.append(f"<p class=warn><strong>Data quality:</strong> {e(summary.data_quality)} (listed below).</p>")
    trend = trend_chart(report)
    if trend:
        out += ["<h3>Week by week</h3>", trend, TREND_NOTE]
    out.append("</section>")
    return out


def _data_quality(report: Report) -> list[str]:
    q = report.data_quality
    c = q.counts
    out = [
        f"<section><h2>Data quality</h2><p>Rows {q.rows}: matched {c['matched']}, needs review {c['needs_review']}, unmatched {c['unmatched']}, skipped {c['skipped']}, invalid {c['invalid']}.</p><ul>"
    ]
    for kind, items in (("needs review", q.needs_review), ("unmatched", q.unmatched), ("invalid", q.invalid)):
        for item in items[:20]:
            more = f" (+{item.rows - 1} more)" if item.rows > 1 else ""
            out.append(f"<li>{e(item.where)}{more} {e(kind)}: {e(item.input)}: {e(item.note)}</li>")
    out += [f"<li>{e(line)}</li>" for line in unknown_value_lines(q)]
    out.append("</ul></section>")
    return out


def _tail(report: Report) -> list[str]:
    """Symptoms, the data-quality lists, lifestyle factors, notes and sources."""
    out = []
    if report.symptoms:
        out.append("<section><h2>Symptoms the source document links with low intake</h2><ul>")
        out += [
            f"<li><b>{e(s.label)}</b>: {e(', '.join(s.symptoms).lower())}.</li>" for s in report.symptoms if s.symptoms
        ]
        out.append(f"<li>{e(report.consult)}</li></ul></section>")
    out.append("<section><h2>Lifestyle factors</h2><ul>")
    out += [f"<li><b>{e(f.factor.capitalize())}</b>: {e(f.text)}</li>" for f in report.lifestyle_factors]
    out.append(f"<li>{e(report.consult)}</li></ul></section>")
    s = report.sources
    out.append("<section><h2>Notes and sources</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in report.notes))
    out.append(
        f"<li>Foods: {e(s.foods)}</li><li>DRIs: {e(s.dri_source)}</li><li>nutri {e(s.nutri)}; input {e(s.input_file)} (SHA-256 {e(s.input_sha256)})</li></ul></section></body></html>"
    )
    return out


def render(report: Report) -> bytes:
    """The self-contained HTML report."""
    p = report.profile
    out = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta name=viewport content='width=device-width,initial-scale=1'><title>nutri intake report</title>",
        f"<style>{CSS}</style></head><body><h1>nutri intake report</h1>",
        f"<p>Profile: {e(p.description)}{' (assumed: no profile given)' if p.assumed else ''}. Period {e(report.period.start)} to {e(report.period.end)}.</p>",
        f"<p class=muted>{e(report.disclaimer)}</p>",
    ]
    out += _summary(report)
    if has_problems(report.data_quality):
        out += _data_quality(report)
    for week in report.weeks:
        out += _period(week)
    for gap in report.gaps:
        out.append(f"<p class=muted>{e(gap.text.capitalize())} ({gap.days} days; not counted as zero).</p>")
    if report.whole_period:
        out += _period(report.whole_period)
    out += _tail(report)
    return ("\n".join(out) + "\n").encode("utf-8")
