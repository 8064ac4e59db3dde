"""Section: current status of digitization, from the open indicators shipped in
``content/indicators`` (World Bank WDI / Findex / Enterprise Surveys, ITU, national offices),
each figure with its year and source, and the respondents' Digital Intensity Index bands
beside Eurostat's."""
from __future__ import annotations

from digiready.reports import charts
from digiready.reports.aggregate import DII_BAND_TITLES, DII_BANDS
from digiready.reports.common import economy_name, pct
from digiready.reports.indicators import Indicator, latest, series
from digiready.reports.model import NO_DATA, BulletList, Figure, Paragraph, Report, Section, Table
from digiready.reports.needs import sentence_case

# How far DigiReady's count compares with Eurostat's (content/base/dii.yaml, docs/diagnostic-method.md).
DII_COMPARABILITY = (
    "DigiReady counts 12 technologies modelled on Eurostat's Digital Intensity Index "
    "(isoc_e_dii) and uses its bands: very low 0-3, low 4-6, high 7-9, very high 10-12. The "
    "count is only partly comparable with Eurostat's: the bands and the idea (a count of 12 "
    "technologies) are the same, but Eurostat's items come from its survey of ICT use in "
    "enterprises with 10 or more persons employed and change between survey years, while "
    "DigiReady's items are adapted for micro businesses and cooperatives and derived from the "
    "owner's answers. Read a DigiReady band next to Eurostat's as an orientation, not as a "
    "statistically comparable value.")
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


class SourceList:
    """Numbered sources: each figure cites "[n]", the list under the section gives the
    source (an address or a publication), so a figure keeps its source on one short line."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}

    def cite(self, hit: Indicator) -> str:
        return f"[{self.numbers.setdefault(hit.source, len(self.numbers) + 1)}]"

    def figure(self, hit: Indicator | None) -> str:
        """"51 (2021) [3]": value, year and source of one published figure."""
        if hit is None:
            return NO_DATA
        year = str(hit.year) if hit.year else "year not stated"
        return f"{hit.value:g} ({year}) {self.cite(hit)}"

    def items(self) -> list[str]:
        return [f"[{n}] {source}" for source, n in self.numbers.items()]


def status_section(report: Report, inputs, number: str, *, within: Section | None = None
                   ) -> Section:
    """The full section (needs assessment), or with ``within`` its brief version inside
    another section (final report): key figures of every economy side by side, DII bands,
    sources."""
    title = f"{number} Current status of digitization".strip()
    sec = within.sub("status", title) if within else report.section("status", title)
    sec.add(Paragraph(
        "Published figures on connectivity, access to finance and firms, from the World Bank "
        "(World Development Indicators, Global Findex, Enterprise Surveys), ITU and national "
        "statistics offices, shipped with DigiReady in content/indicators with the source, "
        "year and licence of every value. Each figure is the latest year found, with its year "
        "and its source (numbered, listed at the end of this section); nothing is estimated. "
        "Indicators with no published figure are named once per economy."))
    names = {**STATUS_INDICATORS, **{r.code: r.name for r in inputs.indicators}}
    sources = SourceList()
    for e in [] if within else inputs.economies:
        sub = sec.sub(f"status-{e}", economy_name(e))
        codes = list(STATUS_INDICATORS) + sorted(
            {r.code for r in inputs.indicators if r.economy == e and r.value is not None
             and r.code not in STATUS_INDICATORS and not r.code.startswith("DII.")})
        rows, missing = [], []
        for code in codes:
            hit = latest(inputs.indicators, e, code)
            if hit is None:
                missing.append(names.get(code, code))
                continue
            rows.append([hit.name or names.get(code, code), hit.value,
                         str(hit.year) if hit.year else "year not stated", sources.cite(hit)])
        found = len(rows)
        report.facts[f"{e}.indicators_found"] = found
        if rows:
            sub.add(Table(f"ind-{e}", f"Published figures, {economy_name(e)} (latest year found)",
                          ["Indicator", "Value", "Year", "Source"], rows))
            sub.add(Paragraph(_status_summary(inputs, e, sources)))
        sub.add(Paragraph(
            f"{found} of {len(codes)} indicators have a published value for {economy_name(e)}"
            + (f". No published figure was found ({NO_DATA}) for: "
               + "; ".join(m[0].lower() + m[1:] for m in missing)
               + ". An economy team adds them to content/indicators." if missing else ".")))
        lines = {}
        for code in ("IT.NET.USER.ZS", "FX.OWN.TOTL.ZS", *codes):
            points = series(inputs.indicators, e, code)
            if len(points) >= 2 and names.get(code, code) not in lines:
                lines[names.get(code, code)] = [(str(p.year), p.value) for p in points]
        if lines:
            title = f"Indicators over time, {economy_name(e)}"
            years = sorted({x for pts in lines.values() for x, _v in pts})
            table = Table(f"ind-series-{e}", title, ["Indicator", *years],
                          [[name, *[dict(pts).get(y, "") for y in years]]
                           for name, pts in lines.items()])
            sub.add(Figure(f"fig-ind-series-{e}", title,
                           charts.line_chart_svg(lines, title=title, chart_id=f"is{e}"),
                           f"Line chart. {title}: " + "; ".join(
                               f"{n}: " + ", ".join(f"{x} {v:g}" for x, v in pts)
                               for n, pts in lines.items()) + ".", table))
    comparators = sorted({r.economy for r in inputs.indicators if r.value is not None}
                         - set(inputs.economies) - {"eu"})
    if within:
        sec.add(BulletList([_status_summary(inputs, e, sources) for e in inputs.economies]))
    if comparators or within:
        sub = sec.sub("status-comparators", "APEC comparators") if not within else sec
        key_codes = ("IT.NET.USER.ZS", "FX.OWN.TOTL.ZS", "IT.NET.BBND.P2")
        sub.add(Table("ind-comparators", "Participating economies and APEC comparators: "
                      "value (year) [source]",
                      ["Economy", *[names.get(c, c) for c in key_codes]],
                      [[economy_name(e), *[sources.figure(latest(inputs.indicators, e, c))
                                           for c in key_codes]]
                       for e in [*inputs.economies, *comparators]]))
    dii_comparison(sec, inputs, sources, brief=within is not None)
    sub = sec.sub("status-sources", "Sources of the published figures")
    sub.add(BulletList(sources.items() or [NO_DATA]))
    sheet = report.to_annex(Table(
        "ind-sources", "Every open indicator value shipped, with its source and licence",
        ["Economy", "Code", "Indicator", "Year", "Value", "Unit", "Source", "Licence", "Note"],
        [[economy_name(r.economy), r.code, r.name, str(r.year) if r.year else "year not stated",
          r.value if r.value is not None else NO_DATA, r.unit, r.source, r.licence, r.note]
         for r in inputs.indicators], digits=2))
    sub.add(Paragraph(f"Every value shipped, with its licence and notes: {sheet}."))
    return sec


def _status_summary(inputs, e: str, sources: SourceList) -> str:
    """One sentence with the headline figures found, each with its year and source."""
    parts = []
    for code, what in (("IT.NET.USER.ZS", "of people used the Internet"),
                       ("FX.OWN.TOTL.ZS", "of adults owned an account"),
                       ("IC.FRM.FEMM.ZS", "of firms had a female top manager")):
        hit = latest(inputs.indicators, e, code)
        if hit is not None:
            parts.append(f"{hit.value:g}% {what} in {hit.year or 'a year not stated'} "
                         f"{sources.cite(hit)}")
    national = [r for r in inputs.indicators if r.economy == e and r.value is not None
                and r.code.startswith(("NAT.", "MATURITY."))]
    newest = {}
    for hit in sorted(national, key=lambda r: -(r.year or 0)):
        newest.setdefault(hit.code, hit)
    for hit in list(newest.values())[:2]:
        parts.append(f"{sentence_case(hit.name)}: {hit.value:g} {hit.unit} "
                     f"({hit.year or 'year not stated'}) {sources.cite(hit)}")
    if not parts:
        return f"No headline figure was found for {economy_name(e)} ({NO_DATA})."
    return f"In {economy_name(e)}, " + "; ".join(parts) + "."


def dii_comparison(sec: Section, inputs, sources: SourceList, *, brief: bool = False) -> None:
    """Digital Intensity Index bands of respondents, next to published DII-style figures."""
    sub = sec if brief else sec.sub("status-dii", "Digital Intensity Index comparison")
    sub.add(Paragraph(DII_COMPARABILITY + " The chart shows the share of responding businesses "
                      "in each band."))
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
                 and r.value is not None and r.code not in EU_DII_CODES.values()
                 and r.economy not in inputs.economies]
    if published and not brief:
        sub.add(Table("dii-published", "Published digital-maturity figures elsewhere, for "
                      "comparison", ["Economy", "Figure", "Value (year) [source]"],
                      [[economy_name(r.economy), f"{r.name} ({r.unit})", sources.figure(r)]
                       for r in published]))
