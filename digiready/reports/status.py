"""Section: current status of digitization, from the open indicators shipped in
``content/indicators`` (World Bank WDI / Findex / Enterprise Surveys, ITU, national offices),
each figure with its year and source, and the respondents' Digital Intensity Index bands
beside Eurostat's."""
from __future__ import annotations

from digiready.reports import charts
from digiready.reports.aggregate import DII_BAND_TITLES, DII_BANDS
from digiready.reports.common import economy_name, pct
from digiready.reports.indicators import latest, series
from digiready.reports.model import NO_DATA, Figure, Paragraph, Report, Section, Table

EU_DII_CODES = {"very_low": "DII.EU.SME.VERY_LOW", "low": "DII.EU.SME.LOW",
                "high": "DII.EU.SME.HIGH", "very_high": "DII.EU.SME.VERY_HIGH"}
# Indicators shown for every economy, in this order, with what each says about MSMEs.
STATUS_INDICATORS = {
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


def status_section(report: Report, inputs, number: str) -> Section:
    sec = report.section("status", f"{number} Current status of digitization")
    sec.add(Paragraph(
        "Published figures on connectivity, access to finance and firms, from the World Bank "
        "(World Development Indicators, Global Findex, Enterprise Surveys), ITU and national "
        "statistics offices, shipped with DigiReady in content/indicators with the source, "
        "year and licence of every value. Each figure is the latest year found; where no "
        f"published figure was found the table says \"{NO_DATA}\". Nothing is estimated."))
    names = {**STATUS_INDICATORS, **{r.code: r.name for r in inputs.indicators}}
    for e in inputs.economies:
        sub = sec.sub(f"status-{e}", economy_name(e))
        rows, found = [], 0
        codes = list(STATUS_INDICATORS) + sorted(
            {r.code for r in inputs.indicators if r.economy == e and r.value is not None
             and r.code not in STATUS_INDICATORS and not r.code.startswith("DII.")})
        for code in codes:
            hit = latest(inputs.indicators, e, code)
            if hit is None:
                rows.append([names.get(code, code), NO_DATA, "", ""])
                continue
            found += 1
            rows.append([hit.name or names.get(code, code), hit.value,
                         str(hit.year) if hit.year else "year not stated",
                         hit.source + (f" ({hit.note})" if hit.note else "")])
        sub.add(Table(f"ind-{e}", f"Open indicators, {economy_name(e)} (latest year found)",
                      ["Indicator", "Value", "Year", "Source"], rows))
        report.facts[f"{e}.indicators_found"] = found
        if found:
            sub.add(Paragraph(_status_summary(inputs, e)))
        sub.add(Paragraph(f"{found} of {len(rows)} indicators have a published value for "
                          f"{economy_name(e)}" + (
                              f"; the {len(rows) - found} others are marked \"{NO_DATA}\" until "
                              "an economy team adds them to content/indicators."
                              if found < len(rows) else ".")))
        lines = {}
        for code in ("IT.NET.USER.ZS", "FX.OWN.TOTL.ZS", *codes):
            points = series(inputs.indicators, e, code)
            if len(points) >= 2 and names.get(code, code) not in lines:
                lines[names.get(code, code)] = [(str(p.year), p.value) for p in points]
        if lines:
            title = f"Indicators over time, {economy_name(e)}"
            table = Table(f"ind-series-{e}", title, ["Indicator", "Year", "Value"],
                          [[name, x, v] for name, pts in lines.items() for x, v in pts])
            sub.add(Figure(f"fig-ind-series-{e}", title,
                           charts.line_chart_svg(lines, title=title, chart_id=f"is{e}"),
                           f"Line chart. {title}: " + "; ".join(
                               f"{n}: " + ", ".join(f"{x} {v:g}" for x, v in pts)
                               for n, pts in lines.items()) + ".", table))
    comparators = sorted({r.economy for r in inputs.indicators if r.value is not None}
                         - set(inputs.economies) - {"eu"})
    if comparators:
        sub = sec.sub("status-comparators", "APEC comparators")
        rows = []
        for code in ("IT.NET.USER.ZS", "FX.OWN.TOTL.ZS", "IT.NET.BBND.P2"):
            for e in [*inputs.economies, *comparators]:
                hit = latest(inputs.indicators, e, code)
                rows.append([economy_name(e), names.get(code, code),
                             hit.value if hit else NO_DATA,
                             (str(hit.year) if hit.year else "year not stated") if hit else "",
                             hit.source if hit else ""])
        sub.add(Table("ind-comparators", "Participating economies and APEC comparators",
                      ["Economy", "Indicator", "Value", "Year", "Source"], rows))
    dii_comparison(sec, inputs)
    return sec


def _status_summary(inputs, e: str) -> str:
    """One sentence with the headline figures found, each with its year and source."""
    parts = []
    for code, what in (("IT.NET.USER.ZS", "of people used the Internet"),
                       ("FX.OWN.TOTL.ZS", "of adults owned an account"),
                       ("IC.FRM.FEMM.ZS", "of firms had a female top manager")):
        hit = latest(inputs.indicators, e, code)
        if hit is not None:
            parts.append(f"{hit.value:g}% {what} in {hit.year or 'a year not stated'}")
    national = [r for r in inputs.indicators if r.economy == e and r.value is not None
                and r.code.startswith(("NAT.", "MATURITY."))]
    newest = {}
    for hit in sorted(national, key=lambda r: -(r.year or 0)):
        newest.setdefault(hit.code, hit)
    for hit in list(newest.values())[:2]:
        parts.append(f"{hit.name}: {hit.value:g} {hit.unit} ({hit.year or 'year not stated'})")
    if not parts:
        return f"No headline figure was found for {economy_name(e)}."
    return (f"In {economy_name(e)}, " + "; ".join(parts)
            + ". Sources and licences are listed with each figure and in the annex.")


def dii_comparison(sec: Section, inputs) -> None:
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
        rows_svg.append((economy_name(e), shares))
        rows.append([economy_name(e), d.n, *shares])
    eu = {b: latest(inputs.indicators, "eu", code) for b, code in EU_DII_CODES.items()}
    if all(eu.values()):
        shares = [eu[b].value or 0.0 for b in DII_BANDS]  # type: ignore[union-attr]
        year = eu["very_low"].year  # type: ignore[union-attr]
        rows_svg.append((f"EU SMEs {year}", shares))
        rows.append([f"EU SMEs {year} (Eurostat isoc_e_dii)", NO_DATA, *shares])
    else:
        sub.add(Paragraph(f"Eurostat's DII bands for EU SMEs: {NO_DATA} in content/indicators."))
    titles = [DII_BAND_TITLES[b] for b in DII_BANDS]
    title = "Digital Intensity Index bands: responding businesses and EU SMEs (%)"
    table = Table("dii-bands", title, ["Economy", "Responses", *[f"{t} (%)" for t in titles]],
                  rows)
    sub.add(Figure("fig-dii", title, charts.stacked_bars_svg(rows_svg, titles, title=title,
                                                             chart_id="dii"),
                   "Stacked bar chart. " + "; ".join(
                       f"{label}: " + ", ".join(f"{t} {v:.1f}%" for t, v in zip(titles, vals,
                                                                               strict=True))
                       for label, vals in rows_svg) + ".", table))
    published = [r for r in inputs.indicators if r.code.startswith(("DII.", "MATURITY."))
                 and r.value is not None and r.code not in EU_DII_CODES.values()]
    if published:
        sub.add(Table("dii-published", "Published digital-maturity figures for comparison",
                      ["Economy", "Figure", "Value", "Unit", "Year", "Source"],
                      [[economy_name(r.economy), r.name, r.value, r.unit,
                        str(r.year) if r.year else "year not stated", r.source]
                       for r in published]))
