"""Evaluation results for the final report.

"Increased knowledge" per objective = share of respondents whose "now" rating exceeds their
"before" rating. NPS = % promoters (9–10) − % detractors (0–6). Breakdowns by economy and
sector follow the one small-group rule of every area (:mod:`digiready.disclosure`,
DIGIREADY_MIN_CELL_SIZE): groups smaller than it are hidden, and enough other groups with them
that no hidden group can be worked out from the overall figures, so nobody is singled out.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from digiready import disclosure
from digiready.symposium import nps
from symposium_portal import vocab
from symposium_portal.evaluation.models import (
    EvaluationResponse,
    EvaluationSubmission,
    LearningObjective,
)
from symposium_portal.programme.models import Event
from symposium_portal.registration.models import CONFIRMED, Registration


@dataclass
class GroupStats:
    label: str
    n: int
    hidden: bool = False
    satisfaction: float | None = None
    relevance: float | None = None
    speakers: float | None = None
    nps: float | None = None
    increased: dict[int, float | None] = field(default_factory=dict)


@dataclass
class Results:
    event: Event
    objectives: list[LearningObjective]
    invited: int
    responses: int
    response_rate: float | None
    overall: GroupStats
    by_economy: list[GroupStats]
    by_sector: list[GroupStats]
    min_group: int
    recommendations: list[str]
    objective_means: dict[int, tuple[float | None, float | None]]


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def increased_share(rows: list[EvaluationResponse], objective_id: int) -> float | None:
    pairs = [r.ratings.get(str(objective_id)) for r in rows]
    pairs = [p for p in pairs if p and len(p) == 2]
    if not pairs:
        return None
    return round(100 * sum(1 for before, now in pairs if now > before) / len(pairs), 1)


def _stats(label: str, rows: list[EvaluationResponse], objectives, hidden: bool) -> GroupStats:
    stats = GroupStats(label=label, n=len(rows))
    if hidden:
        stats.hidden = True
        return stats
    stats.satisfaction = _mean([r.satisfaction for r in rows])
    stats.relevance = _mean([r.relevance for r in rows])
    stats.speakers = _mean([r.speakers for r in rows])
    stats.nps = nps([r.nps for r in rows])
    stats.increased = {o.id: increased_share(rows, o.id) for o in objectives}
    return stats


def compute(session: Session, event: Event) -> Results:
    min_group = disclosure.threshold()
    objectives = list(session.scalars(
        select(LearningObjective).where(LearningObjective.event_id == event.id)
        .order_by(LearningObjective.position, LearningObjective.id)))
    rows = list(session.scalars(select(EvaluationResponse).where(
        EvaluationResponse.event_id == event.id)))
    invited = session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.status == CONFIRMED)) or 0
    submitted = session.scalar(select(func.count()).select_from(EvaluationSubmission).where(
        EvaluationSubmission.event_id == event.id)) or 0
    # Deleted accounts leave their anonymous answer: count them as invited too.
    invited = max(invited, submitted, len(rows))
    groups_e: dict[str, list] = {}
    groups_s: dict[str, list] = {}
    for r in rows:
        groups_e.setdefault(r.economy or "", []).append(r)
        groups_s.setdefault(r.sector or "", []).append(r)
    # Each breakdown adds up to the overall figures: hide small groups and their complements.
    hidden_e = disclosure.protect({k: len(v) for k, v in groups_e.items()}, min_group)
    hidden_s = disclosure.protect({k: len(v) for k, v in groups_s.items()}, min_group)
    means = {}
    for o in objectives:
        pairs = [r.ratings.get(str(o.id)) for r in rows]
        pairs = [p for p in pairs if p and len(p) == 2]
        means[o.id] = (_mean([p[0] for p in pairs]), _mean([p[1] for p in pairs]))
    return Results(
        event=event, objectives=objectives, invited=invited, responses=len(rows),
        response_rate=round(100 * len(rows) / invited, 1) if invited else None,
        overall=_stats("all", rows, objectives, disclosure.is_small(len(rows), min_group)),
        by_economy=sorted((_stats(vocab.economy_name(k), v, objectives, k in hidden_e)
                           for k, v in groups_e.items()), key=lambda g: g.label),
        by_sector=sorted((_stats(vocab.sector_name(k), v, objectives, k in hidden_s)
                          for k, v in groups_s.items()), key=lambda g: g.label),
        min_group=min_group,
        recommendations=sorted(r.recommendations for r in rows if r.recommendations.strip()),
        objective_means=means,
    )


def table(results: Results) -> tuple[list[str], list[list]]:
    """The results as one table (for CSV/XLSX): one row per group."""
    header = ["breakdown", "group", "responses", "satisfaction_mean", "relevance_mean",
              "speakers_mean", "nps"] + [f"increased_knowledge_pct: {o.text}"
                                          for o in results.objectives]
    rows = []
    for kind, groups in (("all", [results.overall]), ("economy", results.by_economy),
                         ("sector", results.by_sector)):
        for g in groups:
            if g.hidden:
                rows.append([kind, g.label, "hidden", "hidden", "hidden",
                             "hidden", "hidden"] + ["hidden"] * len(results.objectives))
            else:
                rows.append([kind, g.label, g.n, g.satisfaction, g.relevance, g.speakers,
                             g.nps] + [g.increased.get(o.id) for o in results.objectives])
    rows.append(["response_rate_pct", "", results.responses, results.response_rate, "", "",
                 ""] + [""] * len(results.objectives))
    return header, rows
