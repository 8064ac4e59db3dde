"""The three reports, built from the database, the packs and the shipped indicators into one
:class:`~digiready.reports.model.Report`.

Builders compute; renderers (HTML/PDF, DOCX, XLSX) only lay out. Every number in a report
comes from :mod:`digiready.reports.aggregate` or from ``content/indicators``; a missing
figure prints as "no data".
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from digiready.packs.model import Pack
from digiready.reports import aggregate, evaluations
from digiready.reports.advice import good_practices_section, needs_section, recommendations_section
from digiready.reports.aggregate import EconomyData
from digiready.reports.annex import annex_section
from digiready.reports.common import economy_name, fmt
from digiready.reports.findings import findings_section
from digiready.reports.indicators import Indicator, load_indicators
from digiready.reports.method import (
    data_origin,
    methodology_brief,
    methodology_section,
    replication_guide,
)
from digiready.reports.model import NO_DATA, BulletList, Paragraph, Report, Section
from digiready.reports.needs import NEEDS_SOUGHT, Need, rank_needs
from digiready.reports.status import status_section
from digiready.reports.trial import indicators_section, trial_section

KINDS = {
    "needs-assessment": "Needs assessment report",
    "final": "Final report",
    "symposium": "Symposium report",
}

ProgressFn = Callable[[str, str, float], None]


class ReportDataError(ValueError):
    """The data cannot make this report (an unknown economy, no responses): said plainly."""


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
    as_of: date = field(default_factory=lambda: datetime.now(timezone.utc).date())
    min_cell: int = 10

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


def check_economies(economies: list[str], pack_path: str | None = None) -> None:
    """Refuse an economy code that is neither an APEC economy DigiReady knows nor one with a
    content overlay: a typo would otherwise give an empty report."""
    from digiready.economies import UnknownEconomy, check

    try:
        check(economies, pack_path)
    except UnknownEconomy as exc:
        raise ReportDataError(str(exc)) from None


# The reports that read the learning events' indicators (the others skip loading them).
USES_USAGE = {"final"}


def load_inputs(url: str | None, economies: list[str], *, pack_path: str | None = None,
                progress: ProgressFn | None = None, as_of: date | None = None,
                usage: bool = True) -> Inputs:
    """Everything the reports read, loaded once. ``usage=False`` skips the learning events'
    indicators (only the final report prints them)."""
    progress = progress or (lambda *_: None)
    check_economies(economies, pack_path)
    from digiready.reports.trial import TargetError, check_targets

    try:
        check_targets(economies)
    except TargetError as exc:
        raise ReportDataError(str(exc)) from None
    from concurrent.futures import ThreadPoolExecutor

    progress("load data", ",".join(economies), 0)
    # The usage indicators are SQL aggregates (the database works while Python waits), so
    # they run beside the loading of attempts and packs.
    with ThreadPoolExecutor(max_workers=1) as pool:
        usage_future = (pool.submit(aggregate.load_usage, url, economies) if usage else None)
        packs = {e: english_pack(pack_path, e) for e in economies}
        data = aggregate.load(url, economies)
        progress("load data", ",".join(economies), 60)
        try:
            indicators = load_indicators()
        except FileNotFoundError:
            indicators = []
        usage_data = (usage_future.result() if usage_future is not None else
                      aggregate.UsageData(False, note="not read for this report"))
    inputs = Inputs(url, economies, packs, data, indicators, usage_data,
                    as_of=as_of or datetime.now(timezone.utc).date(),
                    min_cell=aggregate.min_cell())
    for i, e in enumerate(economies):
        inputs.needs[e] = rank_needs(packs[e], data[e])
        progress("rank needs", e, 100 * (i + 1) / len(economies))
    return inputs


# --------------------------------------------------------------------------- reports
def _new_report(kind: str, inputs: Inputs, subtitle: str) -> Report:
    names = ", ".join(economy_name(e) for e in inputs.economies)
    report = Report(kind=kind, title=f"DigiReady {KINDS[kind].lower()}: {names}",
                    subtitle=subtitle, economies=inputs.economies, synthetic=inputs.synthetic,
                    generated_at=datetime.now(timezone.utc))
    report.mixed = inputs.synthetic and any(d.synthetic_count < d.n
                                            for d in inputs.data.values())
    report.facts["as_of"] = inputs.as_of.isoformat()
    report.facts["origin"] = data_origin(inputs)
    return report


def _require_responses(inputs: Inputs) -> None:
    empty = [e for e in inputs.economies if inputs.data[e].n == 0]
    if empty:
        raise ReportDataError(
            f"no completed diagnostic for {', '.join(economy_name(e) for e in empty)}: a needs "
            "assessment needs responses (import the field study with 'digiready fieldstudy "
            "import', or generate a demonstration with 'digiready demo-data')")


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
        parts.append("first needs: " + ("; ".join(
            f"{n.title.lower()} ({100 * n.prevalence:.0f}%)" for n in needs[:3]) or NO_DATA)
            + ".")
        items.append(" ".join(parts))
    sub = summary.sub("summary-findings", "Key findings")
    sub.add(BulletList(items))


def _summary(report: Report, inputs: Inputs) -> Section:
    summary = report.section("summary", "Executive summary")
    summary.add(Paragraph(data_origin(inputs), emphasis=inputs.synthetic))
    summary.add(BulletList([
        f"{economy_name(e)}: {inputs.data[e].n} businesses assessed, mean maturity score "
        f"{fmt(inputs.data[e].mean_overall())}/100, {len(inputs.needs[e])} needs identified."
        for e in inputs.economies]))
    return summary


def build_needs_assessment(inputs: Inputs) -> Report:
    _require_responses(inputs)
    report = _new_report("needs-assessment", inputs,
                         "Current status of digitization, field study, needs and recommendations")
    summary = _summary(report, inputs)
    status_section(report, inputs, "1.")
    methodology_section(report, inputs, "2.")
    findings_section(report, inputs, "3.")
    needs_section(report, inputs, "4.")
    recommendations_section(report, inputs, "5.")
    annex_section(report, inputs, "A")
    key_findings(report, inputs, summary)
    return report


def build_final(inputs: Inputs) -> Report:
    _require_responses(inputs)
    report = _new_report("final", inputs,
                         "Needs, good practices, trial results, replication guide and conclusions")
    summary = _summary(report, inputs)
    intro = report.section("introduction", "1. Introduction and project summary")
    intro.add(Paragraph(
        "DigiReady helps micro, small and medium enterprises and cooperatives in APEC "
        "developing economies find their digital-skills gaps and close them: a self-diagnostic "
        "of digital maturity, short training videos, and recommendations of tools and local "
        "programmes, delivered inside the learning platforms the economies already run (Open "
        "edX, Moodle, Canvas). Version 1 was launched for the trial period in "
        + ", ".join(economy_name(e) for e in inputs.economies)
        + "; the trial's results led to version 2. This report gives the needs found, good "
          "practices, the trial's results and lessons, a guide for other economies, and the "
          "conclusions."))
    brief = report.section("assessment", "2. The needs assessment in brief")
    brief.add(Paragraph(
        "The needs assessment report gives the current status of digitization, the field "
        "study's methodology and the main findings in full; this section gives their "
        "headline figures."))
    status_section(report, inputs, "", within=brief)
    methodology_brief(report, inputs, brief)
    findings_section(report, inputs, "", within=brief)
    needs_section(report, inputs, "3.")
    good_practices_section(report, inputs, "4.")
    indicators_section(report, inputs, "5.", summary=summary)
    trial_section(report, inputs, "6.")
    replication_guide(report, inputs, "7.")
    recommendations_section(report, inputs, "8.")
    conclusions_section(report, inputs, "9.")
    annex_section(report, inputs, "A", answers=False)
    key_findings(report, inputs, summary)
    return report


def conclusions_section(report: Report, inputs: Inputs, number: str) -> Section:
    sec = report.section("conclusions", f"{number} Conclusions")
    items = []
    for e in inputs.economies:
        d = inputs.data[e]
        needs = inputs.needs[e]
        change = report.facts.get(f"{e}.mean_change")
        items.append(
            f"{economy_name(e)}: {d.n} businesses, mean score {fmt(d.mean_overall())}; "
            + (f"first needs {', '.join(n.title.lower() for n in needs[:3])}; " if needs else "")
            + (f"re-assessed businesses changed by {change:+.1f} points."
               if change is not None else "too few re-assessments to measure change yet."))
    sec.add(BulletList(items))
    return sec


def build_symposium(inputs: Inputs) -> Report:
    report = _new_report("symposium", inputs,
                         "The virtual international symposium: programme, participation, "
                         "evaluation and the participants' recommendations")
    data = evaluations.load_symposium(inputs.url)
    if data is not None and data.synthetic:
        report.synthetic = True
    summary = report.section("summary", "Executive summary")
    k = inputs.min_cell
    if data is None:
        summary.add(Paragraph(f"No symposium data ({NO_DATA}): no event adapter holds an event "
                              "for this database (the symposium portal is not installed, or "
                              "its event is not created)."))
        evaluations.conclusions(report, None)
        return report
    summary.add(Paragraph(
        f"{data.title}, {len(data.days)} days from {data.starts_on:%d %B %Y}, "
        f"{len(data.sessions)} sessions, {len(data.speakers)} speakers, "
        f"{sum(1 for r in data.registrations if r.confirmed)} confirmed registrants. Data: "
        f"{data.source}" + ("; the registrations and evaluations are synthetic "
                            "(demonstration)." if data.synthetic else ".")))
    held = data.held_by(inputs.as_of)
    evaluations.event_section(report, data, inputs.as_of)
    evaluations.participation_section(report, data, k, held)
    evaluations.evaluation_section(report, data, k, held)
    sec = report.section("symposium-needs", "4. Needs brought to the symposium")
    for e in inputs.economies:
        needs = inputs.needs[e][:NEEDS_SOUGHT]
        sub = sec.sub(f"sym-needs-{e}", economy_name(e))
        if needs:
            sub.add(BulletList([f"{n.title}: {100 * n.prevalence:.0f}% of businesses below "
                                "Competent" for n in needs]))
        else:
            sub.add(Paragraph(f"No needs supported by the diagnostic data ({NO_DATA})."))
    evaluations.conclusions(report, data)
    if report.facts.get("symposium.satisfaction") is not None:
        summary.add(Paragraph(
            f"Evaluation: {report.facts['symposium.responses']} responses "
            f"({report.facts['symposium.response_rate']}% of confirmed participants), "
            f"satisfaction {report.facts['symposium.satisfaction']:.2f}/5, NPS "
            f"{report.facts['symposium.nps']:+.0f}."))
    return report


BUILDERS: dict[str, Callable[[Inputs], Report]] = {
    "needs-assessment": build_needs_assessment,
    "final": build_final,
    "symposium": build_symposium,
}
