"""Symposium evaluation results for the symposium report.

The symposium's data come from the event adapter that registered a symposium source
(:mod:`digiready.adapters`, :mod:`digiready.symposium`); the reports know nothing of how it
stores them. Without one (no portal installed, or no event yet) the report says "no data".
"""
from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from digiready.reports import charts
from digiready.reports.aggregate import min_cell
from digiready.reports.model import BulletList, Figure, Paragraph, Report, Table
from digiready.symposium import SymposiumData


@dataclass
class Evaluations:
    rows: list[dict[str, Any]]
    objectives: dict[str, str]
    synthetic: bool
    stored: bool
    note: str
    min_cell: int = field(default_factory=min_cell)


def load_symposium(url: str | None) -> SymposiumData | None:
    """The symposium from the first registered source that has one."""
    from digiready.adapters import registry

    for _adapter, source in registry().symposium_sources:
        data = source(url)
        if data is not None:
            return data
    return None


def load(url: str | None, economies: list[str], *, synthetic: bool) -> Evaluations:
    data = load_symposium(url)
    if data is not None:
        rows = [{"economy": a.economy, "sector": a.sector, "satisfaction": a.satisfaction,
                 "relevance": a.relevance, "speakers": a.speakers, "nps": a.nps,
                 "ratings": {k: list(v) for k, v in a.ratings.items()},
                 "recommendations": a.recommendation}
                for a in data.evaluations if a.economy in economies]
        if rows:
            return Evaluations(rows, data.objectives, data.synthetic, True,
                               f"{len(rows)} anonymous evaluation responses from "
                               f"{data.source}.")
    return Evaluations([], {}, False, False,
                       "No symposium evaluation data (no data): no evaluation responses "
                       "have been recorded for these economies.")


def _mean(values: list[int]) -> float | None:
    return round(statistics.fmean(values), 2) if values else None


def nps(scores: list[int]) -> float | None:
    """% promoters (9-10) minus % detractors (0-6), as the portal computes it."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores), 1)


def _fmt(v: Any) -> str:
    return "no data" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))


def add_sections(report: Report, ev: Evaluations, name: Callable[[str], str]) -> None:
    sec = report.section("symposium-participation", "1. Participation and response")
    sec.add(Paragraph(ev.note))
    if not ev.rows:
        report.section("symposium-evaluation", "2. Evaluation results").add(
            Paragraph("No evaluation results to report (no data)."))
        return
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in ev.rows:
        groups[r.get("economy") or ""].append(r)
    sec.add(Table("sym-responses", "Evaluation responses by economy",
                  ["Economy", "Responses"],
                  [[name(e), len(v) if len(v) >= ev.min_cell else f"<{ev.min_cell}"]
                   for e, v in sorted(groups.items())]))
    sec = report.section("symposium-evaluation", "2. Evaluation results")
    all_rows = ev.rows
    overall = {
        "satisfaction": _mean([r["satisfaction"] for r in all_rows]),
        "relevance": _mean([r["relevance"] for r in all_rows]),
        "speakers": _mean([r["speakers"] for r in all_rows]),
        "nps": nps([r["nps"] for r in all_rows]),
    }
    report.facts.update({f"symposium.{k}": v for k, v in overall.items()})
    report.facts["symposium.responses"] = len(all_rows)
    rows = [["All", len(all_rows), *[_fmt(overall[k]) for k in ("satisfaction", "relevance",
                                                               "speakers", "nps")]]]
    points = []
    for e, v in sorted(groups.items()):
        if len(v) < ev.min_cell:
            rows.append([name(e), f"<{ev.min_cell}", "suppressed", "suppressed", "suppressed",
                         "suppressed"])
            continue
        sat = _mean([r["satisfaction"] for r in v])
        rows.append([name(e), len(v), _fmt(sat), _fmt(_mean([r["relevance"] for r in v])),
                     _fmt(_mean([r["speakers"] for r in v])), _fmt(nps([r["nps"] for r in v]))])
        points.append((name(e), sat or 0.0))
    title = "Mean satisfaction by economy (1-5)"
    sec.add(Figure("fig-sym-satisfaction", title,
                   charts.bar_chart_svg(points, title=title, max_value=5, chart_id="sym-sat",
                                        width=520),
                   f"Bar chart. {title}: " + "; ".join(f"{t} {v:.2f}" for t, v in points) + ".",
                   Table("sym-results", "Evaluation results (means 1-5; NPS -100 to 100)",
                         ["Group", "Responses", "Satisfaction", "Relevance", "Speakers", "NPS"],
                         rows)))
    sub = sec.sub("symposium-objectives", "Learning objectives (before and after)")
    orow, opoints = [], []
    for oid, text in ev.objectives.items():
        pairs = [r["ratings"].get(oid) for r in all_rows if isinstance(r.get("ratings"), dict)]
        pairs = [p for p in pairs if p and len(p) == 2]
        if not pairs:
            orow.append([text, 0, "no data", "no data", "no data"])
            continue
        before = _mean([p[0] for p in pairs])
        after = _mean([p[1] for p in pairs])
        up = round(100 * sum(1 for b, a in pairs if a > b) / len(pairs), 1)
        orow.append([text, len(pairs), _fmt(before), _fmt(after), f"{up:.1f}"])
        opoints.append((text[:44], up))
    title = "Share of participants whose knowledge increased, by objective (%)"
    sub.add(Figure("fig-sym-objectives", title,
                   charts.bar_chart_svg(opoints, title=title, chart_id="sym-obj", width=520,
                                        unit="%"),
                   f"Bar chart. {title}: " + "; ".join(f"{t} {v:.1f}%" for t, v in opoints) + ".",
                   Table("sym-objectives", "Self-rated knowledge before and after (1-5)",
                         ["Objective", "Responses", "Before", "After", "Increased %"], orow)))
    comments = sorted({str(r.get("recommendations") or "").strip() for r in all_rows} - {""})
    if comments:
        sub = sec.sub("symposium-comments", "Participants' recommendations")
        sub.add(BulletList(comments[:15]))
