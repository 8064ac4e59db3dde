"""The three reports, built from the database, the packs and the shipped indicators into one
:class:`~digiready.reports.model.Report`.

Builders compute; renderers (HTML/PDF, DOCX, XLSX) only lay out. Every number in a report
comes from :mod:`digiready.reports.aggregate` or from ``content/indicators``; a missing
figure prints as "no data".
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from digiready.packs.model import Pack
from digiready.reports import aggregate, charts, evaluations
from digiready.reports.aggregate import DII_BAND_TITLES, DII_BANDS, EconomyData
from digiready.reports.indicators import Indicator, latest, load_indicators, series
from digiready.reports.model import BulletList, Figure, Paragraph, Report, Section, Table
from digiready.reports.needs import NEEDS_SOUGHT, Need, rank_needs, sufficiency_note

ECONOMY_NAMES = {
    "pe": "Peru", "ph": "Philippines", "vn": "Viet Nam", "id": "Indonesia",
    "pg": "Papua New Guinea", "cl": "Chile", "mx": "Mexico", "my": "Malaysia",
    "th": "Thailand", "cn": "China", "co": "Colombia", "eu": "European Union (comparison)",
}
# Eurostat's DII bands for EU SMEs, the official statistic DigiReady's 12 items mirror.
EU_DII_CODES = {"very_low": "DII.EU.SME.VERY_LOW", "low": "DII.EU.SME.LOW",
                "high": "DII.EU.SME.HIGH", "very_high": "DII.EU.SME.VERY_HIGH"}
NO_DATA = "no data"
# Indicators shown in "current status of digitization", in this order.
STATUS_INDICATORS = [
    "IT.NET.USER.ZS", "IT.CEL.SETS.P2", "IT.NET.BBND.P2", "IT.NET.SECR.P6", "FX.OWN.TOTL.ZS",
    "FX.OWN.TOTL.FE.ZS", "FX.OWN.TOTL.MA.ZS", "FX.OWN.TOTL.40.ZS", "FX.OWN.TOTL.60.ZS",
    "IC.FRM.FEMO.ZS", "IC.FRM.FEMM.ZS", "IC.FRM.TRNG.ZS", "IC.ELC.OUTG.ZS",
]
INDICATOR_NAMES = {
    "IT.NET.USER.ZS": "Individuals using the Internet (% of population)",
    "IT.CEL.SETS.P2": "Mobile cellular subscriptions (per 100 people)",
    "IT.NET.BBND.P2": "Fixed broadband subscriptions (per 100 people)",
    "IT.NET.SECR.P6": "Secure Internet servers (per 1 million people)",
    "FX.OWN.TOTL.ZS": "Account ownership (% age 15+)",
    "FX.OWN.TOTL.FE.ZS": "Account ownership, female (% age 15+)",
    "FX.OWN.TOTL.MA.ZS": "Account ownership, male (% age 15+)",
    "FX.OWN.TOTL.40.ZS": "Account ownership, poorest 40% (% age 15+)",
    "FX.OWN.TOTL.60.ZS": "Account ownership, richest 60% (% age 15+)",
    "IC.FRM.FEMO.ZS": "Firms with female participation in ownership (%)",
    "IC.FRM.FEMM.ZS": "Firms with a female top manager (%)",
    "IC.FRM.TRNG.ZS": "Firms offering formal training (%)",
    "IC.ELC.OUTG.ZS": "Firms experiencing electrical outages (%)",
}
KINDS = {
    "needs-assessment": "Needs assessment report",
    "final": "Final report",
    "symposium": "Symposium report",
}

ProgressFn = Callable[[str, str, float], None]


def economy_name(code: str) -> str:
    return ECONOMY_NAMES.get(code, code.upper())


def fmt(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return NO_DATA
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Inputs:
    """Everything a builder reads, loaded once."""
    url: str | None
    economies: list[str]
    packs: dict[str, Pack]
    data: dict[str, EconomyData]
    indicators: list[Indicator]
    usage: aggregate.UsageData
    needs: dict[str, list[Need]] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        return any(d.synthetic for d in self.data.values())


def english_pack(pack_path: str | None, economy: str) -> Pack:
    from digiready.packs import PackError, load_pack

    for args in ((pack_path, economy, "en"), (pack_path, economy, None), (pack_path, None, None)):
        try:
            return load_pack(*args)
        except (PackError, FileNotFoundError, KeyError, ValueError):
            continue
    return load_pack(pack_path)


def load_inputs(url: str | None, economies: list[str], *, pack_path: str | None = None,
                progress: ProgressFn | None = None) -> Inputs:
    progress = progress or (lambda *_: None)
    from concurrent.futures import ThreadPoolExecutor

    progress("load data", ",".join(economies), 0)
    # The usage indicators are SQL aggregates (the database works while Python waits), so
    # they run beside the loading of attempts and packs.
    with ThreadPoolExecutor(max_workers=1) as pool:
        usage_future = pool.submit(aggregate.load_usage, url, economies)
        packs = {e: english_pack(pack_path, e) for e in economies}
        data = aggregate.load(url, economies)
        progress("load data", ",".join(economies), 60)
        try:
            indicators = load_indicators()
        except FileNotFoundError:
            indicators = []
        usage = usage_future.result()
    inputs = Inputs(url, economies, packs, data, indicators, usage)
    for i, e in enumerate(economies):
        inputs.needs[e] = rank_needs(packs[e], data[e])
        progress("rank needs", e, 100 * (i + 1) / len(economies))
    return inputs


# --------------------------------------------------------------------------- helpers
def _labels(pack: Pack, key: str) -> dict[str, str]:
    pq = pack.profile_question(key)
    return {o.id: o.label for o in pq.options} if pq else {}


def _level_titles(pack: Pack) -> list[tuple[str, str]]:
    return [(lv.id, lv.title) for lv in pack.levels]


def _first_pack(inputs: Inputs) -> Pack:
    return inputs.packs[inputs.economies[0]]


def _new_report(kind: str, inputs: Inputs, subtitle: str) -> Report:
    names = ", ".join(economy_name(e) for e in inputs.economies)
    return Report(kind=kind, title=f"DigiReady {KINDS[kind].lower()}: {names}",
                  subtitle=subtitle, economies=inputs.economies, synthetic=inputs.synthetic,
                  generated_at=datetime.now(timezone.utc))


def _synthetic_paragraph(report: Report, section: Section) -> None:
    if report.synthetic:
        section.add(Paragraph(
            "This report was built from synthetic data generated by `digiready demo-data` for "
            "demonstration. Its figures describe no real business and must not be quoted.",
            emphasis=True))


# --------------------------------------------------------------------------- sections
def status_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("status", f"{number} Current status of digitization")
    sec.add(Paragraph(
        "Open indicators from the World Bank (World Development Indicators, Global Findex, "
        "Enterprise Surveys), ITU and national sources, shipped with DigiReady in "
        "content/indicators with the source, year and licence of every value. Where no "
        f"published figure was found the table says \"{NO_DATA}\"; nothing is estimated."))
    names = {**INDICATOR_NAMES, **{r.code: r.name for r in inputs.indicators}}
    for e in inputs.economies:
        sub = sec.sub(f"status-{e}", f"{economy_name(e)}")
        rows = []
        for code in STATUS_INDICATORS:
            hit = latest(inputs.indicators, e, code)
            rows.append([names.get(code, code), code,
                         fmt(hit.value, 1) if hit else NO_DATA,
                         hit.year if hit else "", hit.unit if hit else "",
                         hit.source if hit else ""])
        national = sorted({r.code for r in inputs.indicators if r.economy == e
                           and r.code not in STATUS_INDICATORS and r.value is not None})
        for code in national:
            hit = latest(inputs.indicators, e, code)
            assert hit is not None
            rows.append([hit.name, code, fmt(hit.value, 1), hit.year, hit.unit, hit.source])
        sub.add(Table(f"ind-{e}", f"Open indicators, {economy_name(e)} (latest year)",
                      ["Indicator", "Code", "Value", "Year", "Unit", "Source"], rows))
        found = sum(1 for r in rows if r[2] != NO_DATA)
        sub.add(Paragraph(f"{found} of {len(rows)} indicators have a published value for "
                          f"{economy_name(e)}; the others are marked \"{NO_DATA}\"."))
        # Usage indicators over time (internet use, account ownership) when a series exists.
        lines = {}
        for code in ("IT.NET.USER.ZS", "FX.OWN.TOTL.ZS", *national):
            points = series(inputs.indicators, e, code)
            if len(points) >= 2:
                lines[names.get(code, code)[:48]] = [(str(p.year), p.value) for p in points]
        if lines:
            table = Table(f"ind-series-{e}", f"Usage indicators over time, {economy_name(e)}",
                          ["Indicator", "Year", "Value"],
                          [[name, x, v] for name, pts in lines.items() for x, v in pts])
            title = f"Usage indicators over time, {economy_name(e)}"
            sub.add(Figure(f"fig-ind-series-{e}", title,
                           charts.line_chart_svg(lines, title=title, chart_id=f"is{e}"),
                           f"Line chart. {title}: " + "; ".join(
                               f"{n}: " + ", ".join(f"{x} {v:g}" for x, v in pts)
                               for n, pts in lines.items()) + ".", table))
    comparators = sorted({r.economy for r in inputs.indicators} - set(inputs.economies))
    if comparators:
        sub = sec.sub("status-comparators", "APEC comparators")
        names = {**INDICATOR_NAMES, **{r.code: r.name for r in inputs.indicators}}
        rows = []
        for code in ("IT.NET.USER.ZS", "FX.OWN.TOTL.ZS", "IT.NET.BBND.P2"):
            for e in [*inputs.economies, *comparators]:
                hit = latest(inputs.indicators, e, code)
                rows.append([economy_name(e), names.get(code, code),
                             fmt(hit.value, 1) if hit else NO_DATA, hit.year if hit else "",
                             hit.source if hit else ""])
        sub.add(Table("ind-comparators", "Participating economies and APEC comparators",
                      ["Economy", "Indicator", "Value", "Year", "Source"], rows))
    dii_comparison(sec, inputs)
    return sec


def dii_comparison(sec: Section, inputs: Inputs) -> None:
    """Digital Intensity Index bands of respondents, next to published DII-style figures."""
    sub = sec.sub("status-dii", "Digital Intensity Index comparison")
    sub.add(Paragraph(
        "DigiReady counts 12 technologies modelled on Eurostat's Digital Intensity Index "
        "(isoc_e_dii): very low 0-3, low 4-6, high 7-9, very high 10-12. The chart shows the "
        "share of responding businesses in each band, so results can be read next to "
        "official statistics that use the same bands."))
    rows_svg, rows = [], []
    for e in inputs.economies:
        d = inputs.data[e]
        counts = d.dii_bands()
        shares = [pct(counts.get(b, 0), d.n) or 0.0 for b in DII_BANDS]
        rows_svg.append((e.upper(), shares))
        rows.append([economy_name(e), d.n, *[fmt(s) for s in shares]])
    eu = {b: latest(inputs.indicators, "eu", code) for b, code in EU_DII_CODES.items()}
    if all(eu.values()):
        shares = [eu[b].value or 0.0 for b in DII_BANDS]  # type: ignore[union-attr]
        year = eu["very_low"].year  # type: ignore[union-attr]
        rows_svg.append((f"EU {year}", shares))
        rows.append([f"EU SMEs {year} (Eurostat isoc_e_dii)", "", *[fmt(s) for s in shares]])
    else:
        sub.add(Paragraph(f"Eurostat's DII bands for EU SMEs: {NO_DATA} in content/indicators."))
    titles = [DII_BAND_TITLES[b] for b in DII_BANDS]
    title = "Digital Intensity Index bands: responding businesses and EU SMEs (%)"
    table = Table("dii-bands", title, ["Economy", "Responses", *titles], rows)
    sub.add(Figure("fig-dii", title, charts.stacked_bars_svg(rows_svg, titles, title=title,
                                                             chart_id="dii"),
                   "Stacked bar chart. " + "; ".join(
                       f"{r[0]}: " + ", ".join(f"{t} {v}%" for t, v in zip(titles, r[2:], strict=True))
                       for r in rows) + ".", table))
    published = [r for r in inputs.indicators if r.code.startswith(("DII.", "MATURITY."))
                 and r.value is not None and r.code not in EU_DII_CODES.values()]
    if published:
        sub.add(Table("dii-published", "Published digital-maturity figures for comparison",
                      ["Economy", "Figure", "Value", "Year", "Source"],
                      [[economy_name(r.economy), r.name, fmt(r.value, 1, " " + r.unit), r.year,
                        r.source] for r in published]))


def field_study_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("field-study", f"{number} Field study summary")
    _synthetic_paragraph(report, sec)
    sec.add(Paragraph(
        "The field study uses the DigiReady self-diagnostic questionnaire (the same questions "
        "as the online diagnostic), administered by consultants on tablets with KoboToolbox or "
        "ODK (`digiready fieldstudy xlsform`) and imported with `digiready fieldstudy import`, "
        "or completed online by business owners. Each business counts once (its first "
        "completed diagnostic)."))
    rows = []
    for e in inputs.economies:
        d = inputs.data[e]
        sources = Counter(r.source for r in d.responses)
        rows.append([economy_name(e), d.n, d.attempts_total, len(d.followups),
                     ", ".join(f"{k}: {v}" for k, v in sorted(sources.items())) or NO_DATA])
    sec.add(Table("sample", "Responses by economy", ["Economy", "Businesses", "Diagnostics",
                                                     "Re-assessed", "Source"], rows))
    pack = _first_pack(inputs)
    for key, title in (("size", "size"), ("gender", "gender of owner/manager"),
                       ("sector", "sector (ISIC section)"), ("area", "area"),
                       ("age_band", "age band of owner/manager"), ("legal_form", "legal form")):
        labels = _labels(pack, key)
        groups = sorted({str(r.profile.get(key)) for d in inputs.data.values()
                         for r in d.responses if r.profile.get(key) is not None})
        if not groups:
            continue
        trows = []
        for g in groups:
            row = [labels.get(g, g)]
            for e in inputs.economies:
                d = inputs.data[e]
                count = sum(1 for r in d.responses if str(r.profile.get(key)) == g)
                row.append(f"<{d.min_cell}" if 0 < count < d.min_cell else count)
            trows.append(row)
        sec.add(Table(f"sample-{key}", f"Responses by {title}",
                      [title.capitalize(), *[economy_name(e) for e in inputs.economies]], trows,
                      notes=f"Groups under {inputs.data[inputs.economies[0]].min_cell} "
                            "responses are shown as '<n'."))
    return sec


def findings_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("findings", f"{number} Findings")
    pack = _first_pack(inputs)
    dims = [d for d in pack.dimensions]
    # Overall.
    rows = []
    for e in inputs.economies:
        d = inputs.data[e]
        rows.append([economy_name(e), d.n, fmt(d.mean_overall()), fmt(d.median_overall())])
        report.facts[f"{e}.responses"] = d.n
        report.facts[f"{e}.mean_overall"] = d.mean_overall()
    sec.add(Table("overall", "Overall digital maturity score (0-100)",
                  ["Economy", "Responses", "Mean", "Median"], rows))
    # Maturity by dimension per economy.
    sub = sec.sub("findings-dimensions", "Maturity by dimension")
    for e in inputs.economies:
        means = inputs.data[e].dimension_means()
        points = [(dim.title, means[dim.id][1]) for dim in dims
                  if dim.id in means and means[dim.id][1] is not None]
        title = f"Mean score by dimension, {economy_name(e)} (0-100)"
        table = Table(f"dims-{e}", title, ["Dimension", "Responses", "Mean score"],
                      [[dim.title, means.get(dim.id, (0, None))[0],
                        fmt(means.get(dim.id, (0, None))[1])] for dim in dims])
        for dim in dims:
            report.facts[f"{e}.dim.{dim.id}"] = means.get(dim.id, (0, None))[1]
        sub.add(Figure(f"fig-dims-{e}", title,
                       charts.bar_chart_svg(points, title=title, chart_id=f"dims-{e}",
                                            width=520),
                       f"Bar chart. {title}: " + "; ".join(f"{t} {v:.1f}" for t, v in points) + ".",
                       table))
        if points:
            weakest = min(points, key=lambda p: p[1])
            strongest = max(points, key=lambda p: p[1])
            sub.add(Paragraph(f"In {economy_name(e)} the weakest dimension is {weakest[0]} "
                              f"({weakest[1]:.1f}) and the strongest is {strongest[0]} "
                              f"({strongest[1]:.1f})."))
    # Level distribution.
    sub = sec.sub("findings-levels", "Level distribution")
    levels = _level_titles(pack)
    rows_svg, rows = [], []
    for e in inputs.economies:
        d = inputs.data[e]
        counts = d.level_counts()
        shares = [pct(counts.get(lid, 0), d.n) or 0.0 for lid, _t in levels]
        rows_svg.append((e.upper(), shares))
        rows.append([economy_name(e), d.n, *[f"{counts.get(lid, 0)} ({s:.1f}%)"
                                             for (lid, _t), s in zip(levels, shares, strict=True)]])
        for (lid, _t), s in zip(levels, shares, strict=True):
            report.facts[f"{e}.level.{lid}"] = s
    titles = [t for _l, t in levels]
    title = "Distribution of businesses by maturity level (%)"
    sub.add(Figure("fig-levels", title,
                   charts.stacked_bars_svg(rows_svg, titles, title=title, chart_id="levels"),
                   "Stacked bar chart. " + "; ".join(
                       f"{economy_name(e)}: " + ", ".join(f"{t} {v:.1f}%" for t, v in zip(titles, vals, strict=True))
                       for e, (_c, vals) in zip(inputs.economies, rows_svg, strict=True)) + ".",
                   Table("levels", title, ["Economy", "Responses", *titles], rows)))
    published = [r for r in inputs.indicators if r.code.startswith("MATURITY.") and r.value is not None]
    if published:
        sub.add(Paragraph("For comparison, published maturity distributions: " + "; ".join(
            f"{economy_name(r.economy)}: {r.name} {r.value:g}{r.unit if r.unit == '%' else ' ' + r.unit} "
            f"({r.year})" for r in published) + ". Sources are listed in the indicators annex."))
    # Gaps by gender, size and sector.
    sub = sec.sub("findings-gaps", "Gaps by gender, size and sector")
    sub.add(Paragraph(f"Mean overall score by group. Groups with fewer than "
                      f"{inputs.data[inputs.economies[0]].min_cell} responses are suppressed "
                      "(shown as 'suppressed', not charted)."))
    for key, what in (("gender", "gender of owner/manager"), ("size", "size"),
                      ("sector", "sector"), ("age_band", "age band"), ("area", "area")):
        labels = _labels(pack, key)
        for e in inputs.economies:
            groups = inputs.data[e].groups(key)
            if not groups:
                continue
            points = [(labels.get(g.label, g.label)[:40], g.mean) for g in groups
                      if not g.suppressed and g.mean is not None]
            for g in groups:
                report.facts[f"{e}.{key}.{g.label}"] = g.mean
            title = f"Mean score by {what}, {economy_name(e)}"
            table = Table(f"gap-{key}-{e}", title, [what.capitalize(), "Responses", "Mean score"],
                          [[labels.get(g.label, g.label), g.n if not g.suppressed else f"<{inputs.data[e].min_cell}",
                            "suppressed" if g.suppressed else fmt(g.mean)] for g in groups])
            if key in ("gender", "size", "sector"):
                sub.add(Figure(f"fig-gap-{key}-{e}", title,
                               charts.bar_chart_svg(points, title=title,
                                                    chart_id=f"gap-{key}-{e}", width=520),
                               f"Bar chart. {title}: " + "; ".join(f"{t} {v:.1f}" for t, v in points)
                               + (". Suppressed groups are not shown." if len(points) < len(groups) else "."),
                               table))
            else:
                sub.add(table)
            if key == "gender":
                by = {g.label: g.mean for g in groups if g.mean is not None}
                if "woman" in by and "man" in by:
                    gap = round(by["man"] - by["woman"], 1)
                    report.facts[f"{e}.gender_gap"] = gap
                    sub.add(Paragraph(
                        f"{economy_name(e)}: women-led businesses score {by['woman']:.1f} and "
                        f"men-led businesses {by['man']:.1f}, a gap of {gap:+.1f} points."))
    return sec


def needs_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("needs", f"{number} Identified needs")
    sec.add(Paragraph(
        "Needs are ranked by gap × prevalence × priority. Gap: how far below 100 the "
        "businesses concerned score in the dimension; prevalence: the share of businesses that "
        "show the gap; priority: the economy's weight for the dimension (set by the economy "
        "team in its content overlay) times the priority of the pack rule. A need is listed "
        f"when at least {int(100 * 0.05)}% of responses and at least the small-cell threshold "
        f"share it; up to eight are listed and at least {NEEDS_SOUGHT} are sought per economy."))
    for e in inputs.economies:
        sub = sec.sub(f"needs-{e}", f"Needs in {economy_name(e)}")
        needs = inputs.needs[e]
        report.facts[f"{e}.needs"] = len(needs)
        note = sufficiency_note(economy_name(e), needs, inputs.data[e].n)
        if note:
            sub.add(Paragraph(note, emphasis=True))
        else:
            sub.add(Paragraph(f"The data support {len(needs)} needs for {economy_name(e)} "
                              f"(at least {NEEDS_SOUGHT} sought)."))
        if not needs:
            continue
        sub.add(Table(f"needs-{e}", f"Ranked needs, {economy_name(e)}",
                      ["Rank", "Need", "Businesses", "Prevalence %", "Mean dimension score",
                       "Priority", "Score"],
                      [[n.rank, n.title, n.count, fmt(100 * n.prevalence), fmt(n.mean_dimension_score),
                        fmt(n.priority, 2), fmt(n.score, 3)] for n in needs]))
        for n in needs:
            block = sub.sub(f"need-{e}-{n.rank}", f"Need {n.rank} ({e.upper()}): {n.title}")
            block.add(Paragraph(f"Evidence: {n.evidence}"))
            block.add(Paragraph(f"What businesses are told: {n.reason}"))
    return sec


def recommendations_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("recommendations", f"{number} Recommendations")
    sec.add(Paragraph(
        "For each need, the training modules, tool categories and local support programmes "
        "that the content pack links to it. Programmes come from each economy's overlay; an "
        "economy team that adds its programmes to the overlay sees them here."))
    for e in inputs.economies:
        sub = sec.sub(f"rec-{e}", f"Recommendations for {economy_name(e)}")
        needs = inputs.needs[e]
        if not needs:
            sub.add(Paragraph(f"No recommendation: no need is supported by the data ({NO_DATA})."))
            continue
        items = []
        for n in needs:
            parts = [f"{n.rank}. {n.title}:"]
            if n.modules:
                parts.append("train with " + ", ".join(n.modules) + ";")
            if n.tool_categories:
                parts.append("promote " + ", ".join(n.tool_categories) + ";")
            parts.append("work with " + (", ".join(n.programmes) if n.programmes
                                          else "no programme listed in the overlay yet") + ".")
            items.append(" ".join(parts))
        sub.add(BulletList(items))
    return sec


def trial_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("trial", f"{number} Results of the platform's trial period")
    _synthetic_paragraph(report, sec)
    series_: dict[str, list[tuple[str, float]]] = {}
    rows = []
    for e in inputs.economies:
        monthly = inputs.data[e].monthly()
        cell = inputs.data[e].min_cell
        # Months with fewer completions than the small-cell threshold are not shown.
        series_[economy_name(e)] = [(m, float(c)) for m, c in monthly if c >= cell]
        rows.extend([economy_name(e), m, c if c >= cell else f"<{cell}"] for m, c in monthly)
    title = "Completed diagnostics per month"
    sec.add(Figure("fig-monthly", title,
                   charts.line_chart_svg(series_, title=title, chart_id="monthly"),
                   f"Line chart. {title}: " + "; ".join(
                       f"{name}: " + ", ".join(f"{m} {int(c)}" for m, c in pts)
                       for name, pts in series_.items()) + ".",
                   Table("monthly", title, ["Economy", "Month", "Completed"], rows)))
    rows = []
    for e in inputs.economies:
        d = inputs.data[e]
        change = d.mean_change()
        report.facts[f"{e}.reassessed"] = len(d.followups)
        rows.append([economy_name(e), d.n, d.attempts_total, len(d.followups),
                     fmt(change, 1) if change is not None else
                     (f"suppressed (<{d.min_cell})" if d.followups else NO_DATA)])
    sec.add(Table("reassessment", "Use and re-assessment",
                  ["Economy", "Businesses", "Diagnostics", "Re-assessed", "Mean change (points)"],
                  rows))
    sub = sec.sub("trial-usage", "Usage indicators (visits, videos, modules)")
    if inputs.usage.available:
        usage_section(report, sub, inputs)
    else:
        sub.add(Paragraph(f"No learning-event data ({NO_DATA}): {inputs.usage.note}. Visits, "
                          "video plays and module completions appear here once the events "
                          "area records them."))
    return sec


def _cell(cell: dict[str, Any] | None) -> str:
    if not cell:
        return NO_DATA
    return "suppressed" if cell.get("suppressed") else fmt(cell.get("value"))


def usage_section(report: Report, sub: Section, inputs: Inputs) -> None:
    """The events area's indicators: totals per economy, visits over time, priority groups."""
    ind = inputs.usage.indicators
    rows = []
    for key, label in aggregate.USAGE_KEYS:
        rows.append([label, *[_cell(ind.get(e, {}).get(key)) for e in inputs.economies]])
        for e in inputs.economies:
            cell = ind.get(e, {}).get(key) or {}
            report.facts[f"{e}.usage.{key}"] = cell.get("value")
    sub.add(Table("usage", "Usage indicators over the trial period",
                  ["Indicator", *[economy_name(e) for e in inputs.economies]], rows,
                  notes="Computed by the events area; cells resting on too few learners are "
                        "suppressed."))
    lines: dict[str, list[tuple[str, float]]] = {}
    trows = []
    for e in inputs.economies:
        series_ = [(p["period"], float(p["unique_visits"]))
                   for p in ind.get(e, {}).get("visits_series", []) if not p["suppressed"]]
        if series_:
            lines[economy_name(e)] = series_
        trows.extend([economy_name(e), p["period"], _cell({"value": p["visits"],
                                                           "suppressed": p["suppressed"]}),
                      _cell({"value": p["unique_visits"], "suppressed": p["suppressed"]})]
                     for p in ind.get(e, {}).get("visits_series", []))
    if lines:
        title = "Unique visits per month"
        sub.add(Figure("fig-visits", title,
                       charts.line_chart_svg(lines, title=title, chart_id="visits"),
                       f"Line chart. {title}: " + "; ".join(
                           f"{n}: " + ", ".join(f"{x} {int(v)}" for x, v in pts)
                           for n, pts in lines.items()) + ".",
                       Table("visits-monthly", "Visits per month",
                             ["Economy", "Month", "Visits", "Unique visits"], trows)))
    prow = []
    for e in inputs.economies:
        for name, g in (ind.get(e, {}).get("priority_groups") or {}).items():
            prow.append([economy_name(e), name.replace("_", "-"),
                         "suppressed" if g.get("suppressed") else fmt(g.get("learners")),
                         "suppressed" if g.get("suppressed") else fmt(g.get("average_score"))])
    if prow:
        sub.add(Table("usage-priority", "Priority groups: women-led and youth-led businesses",
                      ["Economy", "Group", "Learners", "Average score"], prow))


def good_practices_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("good-practices", f"{number} Good practices")
    sec.add(Paragraph(
        "Good practices are read from the data: the groups of businesses that score highest "
        "in each economy, and the practices most common among businesses at Advanced or Expert "
        "level that are rare among the others."))
    pack = _first_pack(inputs)
    for e in inputs.economies:
        d = inputs.data[e]
        sub = sec.sub(f"gp-{e}", f"Good practices in {economy_name(e)}")
        leaders = [r for r in d.responses if r.level in ("advanced", "expert")]
        others = [r for r in d.responses if r.level not in ("advanced", "expert")]
        if len(leaders) < d.min_cell or len(others) < d.min_cell:
            sub.add(Paragraph(f"Too few Advanced/Expert businesses ({len(leaders)}) to compare "
                              "without identifying them: suppressed."))
            continue
        lead_items = Counter(i for r in leaders for i in r.dii_items)
        other_items = Counter(i for r in others for i in r.dii_items)
        labels = {item.id: item.label for item in pack.dii_items}
        diffs = sorted(((100 * lead_items[i] / len(leaders)) - (100 * other_items[i] / len(others)), i)
                       for i in labels)
        rows = [[labels[i], fmt(100 * lead_items[i] / len(leaders)),
                 fmt(100 * other_items[i] / len(others)), fmt(diff)]
                for diff, i in reversed(diffs)]
        sub.add(Table(f"gp-{e}", f"Practices of leading businesses, {economy_name(e)} (%)",
                      ["Practice", f"Advanced/Expert (n={len(leaders)})",
                       f"Others (n={len(others)})", "Difference (points)"], rows))
        shown = [g for g in d.groups("sector") if not g.suppressed]
        if shown:
            labels_s = _labels(pack, "sector")
            top = max(shown, key=lambda g: g.mean or 0)
            sub.add(Paragraph(f"Highest-scoring sector with enough responses: "
                              f"{labels_s.get(top.label, top.label)} (mean {top.mean:.1f}, "
                              f"n={top.n})."))
        verified = [p for p in inputs.packs[e].programmes if p.verified]
        if verified:
            sub.add(BulletList([f"{p.name}" + (f" ({p.organisation})" if p.organisation else "")
                                + (f": {p.url}" if p.url else "") for p in verified]))
    return sec


def method_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("method", f"{number} Methodological guide for replication")
    sec.add(Paragraph(
        "Any economy can regenerate this report with its own data. The steps below use only "
        "the DigiReady command-line tool and the content pack; nothing else is needed."))
    sec.add(BulletList([
        "1. Adapt the content pack: `digiready economy new XX` creates an overlay (language, "
        "currency, local tools, programmes, legislation, priority weights); "
        "`digiready pack validate content/base --economy XX` checks it.",
        "2. Run the field study: `digiready fieldstudy xlsform --pack content/base --economy XX "
        "--out form.xlsx`, load the form in KoboToolbox or ODK, collect offline on tablets.",
        "3. Import answers: `digiready fieldstudy import export.csv --pack content/base "
        "--economy XX`. Every bad row is reported with its row number; nothing is imported "
        "from a file with errors unless `--skip-bad-rows` is given.",
        "4. Online diagnostics from the Open edX XBlock or the LTI tool are stored in the same "
        "tables and counted the same way.",
        "5. Update `content/indicators/` with the latest open data (source, year, licence for "
        "each value; leave unknown values empty).",
        "6. Build the reports: `digiready report needs-assessment --economies XX --out "
        "reports/` (also `final` and `symposium`), in PDF, DOCX, XLSX and HTML.",
    ]))
    sub = sec.sub("method-scoring", "Scoring")
    sub.add(Paragraph(
        "Each dimension scores 50 × share of practices ticked (breadth) + 50 × mean adoption "
        "depth, from 0 to 100, as in the EU Digital Maturity Assessment; 'not applicable' "
        "leaves the denominator. The overall score is the equal-weight mean of the dimensions "
        "answered. Levels follow IDB Chequeo Digital: " + ", ".join(
            f"{lv.title} {lv.min:g}-{lv.max:g}" for lv in _first_pack(inputs).levels) + "."))
    sub = sec.sub("method-privacy", "Privacy and small groups")
    sub.add(Paragraph(
        f"Learners are pseudonymous. Any group of fewer than "
        f"{inputs.data[inputs.economies[0]].min_cell} responses is suppressed in every table "
        "and chart (setting DIGIREADY_MIN_CELL_SIZE)."))
    sub = sec.sub("method-needs", "Ranking needs")
    sub.add(Paragraph("Rank score = gap × prevalence × priority, with the evidence printed "
                      "for each need (see 'Identified needs')."))
    return sec


def conclusions_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("conclusions", f"{number} Conclusions")
    items = []
    for e in inputs.economies:
        d = inputs.data[e]
        needs = inputs.needs[e]
        top = ", ".join(n.title for n in needs[:3]) or NO_DATA
        items.append(f"{economy_name(e)}: {d.n} businesses, mean score "
                     f"{fmt(d.mean_overall())}; first needs: {top}.")
    sec.add(BulletList(items))
    sec.add(Paragraph(
        "Priorities for the next phase follow from the needs: training modules and local "
        "programmes linked to each need, re-assessment of participating businesses, and "
        "regular updates of the open indicators."))
    return sec


def annex_section(report: Report, inputs: Inputs, letter: str, *, answers: bool = True) -> Section:
    sec = report.section("annex", f"Annex {letter}. Data tables")
    sub = sec.sub("annex-dii-items", "Digital Intensity Index items")
    pack = _first_pack(inputs)
    rows = []
    for item in pack.dii_items:
        row = [item.label]
        for e in inputs.economies:
            row.append(fmt(inputs.data[e].dii_item_share().get(item.id, 0.0)))
        rows.append(row)
    sub.add(Table("dii-items", "Share of businesses with each DII item (%)",
                  ["Item", *[economy_name(e) for e in inputs.economies]], rows))
    sub = sec.sub("annex-rules", "Gaps found (all rules)")
    rows = []
    for rule in pack.rules:
        row = [rule.id]
        for e in inputs.economies:
            d = inputs.data[e]
            c = d.rule_counts().get(rule.id, 0)
            row.append("suppressed" if 0 < c < d.min_cell else fmt(pct(c, d.n)))
        rows.append(row)
    sub.add(Table("rules", "Share of businesses for which each rule fired (%)",
                  ["Rule", *[economy_name(e) for e in inputs.economies]], rows))
    if answers:
        for e in inputs.economies:
            answer_tables(sec, inputs, e)
    sub = sec.sub("annex-sources", "Indicator sources and licences")
    sub.add(Table("ind-sources", "Every open indicator value shipped",
                  ["Economy", "Code", "Year", "Value", "Unit", "Source", "Licence"],
                  [[r.economy, r.code, r.year or "", fmt(r.value, 2), r.unit, r.source, r.licence]
                   for r in inputs.indicators]))
    return sec


def answer_tables(sec: Section, inputs: Inputs, economy: str) -> None:
    """Answer distribution per question: the field study's detailed findings."""
    pack = inputs.packs[economy]
    d = inputs.data[economy]
    sub = sec.sub(f"annex-answers-{economy}", f"Answers by question, {economy_name(economy)}")
    rows = []
    for q in pack.questions:
        answered = [r.answers.get(q.id) for r in d.responses if q.id in r.answers]
        n = len(answered)
        if n < d.min_cell:
            rows.append([q.text, n, "suppressed" if n else NO_DATA])
            continue
        counts: Counter = Counter()
        for a in answered:
            for v in (a if isinstance(a, list) else [a]):
                counts[str(v)] += 1
        labels = {o.id: o.label for o in q.options}
        labels.update({"yes": "Yes", "partly": "Partly", "no": "No", "na": "Not applicable"}
                      if q.type == "yesno" else {"na": "Not applicable"})
        if q.type == "scale":
            labels = {str(k): f"{k} {v}" for k, v in pack.scale_labels.items()} | {"na": "Not applicable"}
        dist = "; ".join(f"{labels.get(k, k)} {100 * c / n:.0f}%"
                         for k, c in sorted(counts.items(), key=lambda kv: -kv[1]))
        rows.append([q.text, n, dist])
    sub.add(Table(f"answers-{economy}", f"Answers by question, {economy_name(economy)}",
                  ["Question", "Answered", "Distribution"], rows))


# --------------------------------------------------------------------------- reports
def key_findings(report: Report, inputs: Inputs, summary: Section) -> None:
    """Filled after the other sections, from the facts they computed."""
    items = []
    for e in inputs.economies:
        needs = inputs.needs[e]
        parts = [f"{economy_name(e)}:"]
        gap = report.facts.get(f"{e}.gender_gap")
        if gap is not None:
            parts.append(f"women-led businesses score {abs(gap):.1f} points "
                         f"{'below' if gap > 0 else 'above'} men-led ones;")
        beginner = report.facts.get(f"{e}.level.beginner")
        if beginner is not None:
            parts.append(f"{beginner:.1f}% of businesses are at Beginner level;")
        parts.append("first needs: " + ("; ".join(n.title for n in needs[:3]) or NO_DATA) + ".")
        items.append(" ".join(parts))
    sub = summary.sub("summary-findings", "Key findings")
    sub.add(BulletList(items))


def build_needs_assessment(inputs: Inputs) -> Report:
    report = _new_report("needs-assessment", inputs,
                         "Current status of digitization, field study, needs and recommendations")
    summary = report.section("summary", "Executive summary")
    _synthetic_paragraph(report, summary)
    summary.add(BulletList([
        f"{economy_name(e)}: {inputs.data[e].n} businesses assessed, mean maturity score "
        f"{fmt(inputs.data[e].mean_overall())}/100, {len(inputs.needs[e])} needs identified."
        for e in inputs.economies]))
    status_section(report, inputs, "1.")
    field_study_section(report, inputs, "2.")
    findings_section(report, inputs, "3.")
    needs_section(report, inputs, "4.")
    recommendations_section(report, inputs, "5.")
    annex_section(report, inputs, "A")
    key_findings(report, inputs, summary)
    return report


def build_final(inputs: Inputs) -> Report:
    report = _new_report("final", inputs,
                         "Needs, good practices, trial results, replication guide and conclusions")
    summary = report.section("summary", "Executive summary")
    _synthetic_paragraph(report, summary)
    summary.add(BulletList([
        f"{economy_name(e)}: {inputs.data[e].n} businesses, {inputs.data[e].attempts_total} "
        f"diagnostics, mean score {fmt(inputs.data[e].mean_overall())}, "
        f"{len(inputs.needs[e])} needs." for e in inputs.economies]))
    status_section(report, inputs, "1.")
    trial_section(report, inputs, "2.")
    field_study_section(report, inputs, "3.")
    findings_section(report, inputs, "4.")
    needs_section(report, inputs, "5.")
    good_practices_section(report, inputs, "6.")
    recommendations_section(report, inputs, "7.")
    method_section(report, inputs, "8.")
    conclusions_section(report, inputs, "9.")
    annex_section(report, inputs, "A", answers=False)
    key_findings(report, inputs, summary)
    return report


def build_symposium(inputs: Inputs) -> Report:
    report = _new_report("symposium", inputs,
                         "Evaluation of the virtual international symposium")
    summary = report.section("summary", "Executive summary")
    _synthetic_paragraph(report, summary)
    ev = evaluations.load(inputs.url, inputs.economies, synthetic=inputs.synthetic)
    if ev.synthetic:
        report.synthetic = True
    summary.add(Paragraph(ev.note))
    evaluations.add_sections(report, ev, economy_name)
    sec = report.section("symposium-needs", "3. Needs brought to the symposium")
    for e in inputs.economies:
        needs = inputs.needs[e][:NEEDS_SOUGHT]
        sub = sec.sub(f"sym-needs-{e}", economy_name(e))
        if needs:
            sub.add(BulletList([f"{n.title}: {100 * n.prevalence:.0f}% of businesses"
                                for n in needs]))
        else:
            sub.add(Paragraph(f"No needs supported by the data ({NO_DATA})."))
    conclusions_section(report, inputs, "4.")
    return report


BUILDERS: dict[str, Callable[[Inputs], Report]] = {
    "needs-assessment": build_needs_assessment,
    "final": build_final,
    "symposium": build_symposium,
}
