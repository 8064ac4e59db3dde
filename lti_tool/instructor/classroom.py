"""The class behind an instructor's launch: learners who launched in the same course
(context) of the same platform, with their latest attempt, and the aggregates the dashboard
shows. Learners are matched to the NRPS roster by their LTI ``sub``."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from digiready.storage.models import Attempt, Learner
from lti_tool.claims import is_instructor
from lti_tool.models import Launch


@dataclass
class Row:
    user_id: str
    name: str | None
    status: str  # completed | in_progress | not_started
    attempt: Attempt | None


def class_rows(session, launch: Launch) -> list[Row]:
    launches = session.execute(
        select(Launch.sub, Launch.name, Launch.learner_id, Launch.roles)
        .where(Launch.registration_id == launch.registration_id,
               Launch.context_id == launch.context_id, Launch.learner_id.is_not(None))
        .order_by(Launch.created_at)).all()
    people: dict[str, tuple[str | None, int]] = {}
    for sub, name, learner_id, roles in launches:
        if is_instructor(roles):  # staff trying the tool are not part of the class
            continue
        people[sub] = (name or people.get(sub, (None, 0))[0], learner_id)
    rows = []
    for sub, (name, learner_id) in people.items():
        attempts = session.scalars(select(Attempt).where(Attempt.learner_id == learner_id)
                                   .order_by(Attempt.number.desc())).all()
        completed = next((a for a in attempts if a.status == "completed"), None)
        status = "completed" if completed else "in_progress" if attempts else "not_started"
        rows.append(Row(sub, name, status, completed or (attempts[0] if attempts else None)))
    return rows


def summary(rows: list[Row], pack) -> dict[str, Any]:
    completed = [r.attempt for r in rows if r.status == "completed" and r.attempt.result]
    sums: dict[str, list[float]] = {}
    for attempt in completed:
        for d in attempt.result.get("dimensions", []):
            if d.get("score") is not None:
                sums.setdefault(d["id"], []).append(d["score"])
    averages = [{"id": d.id, "title": d.title,
                 "score": round(sum(sums[d.id]) / len(sums[d.id]), 1), "n": len(sums[d.id])}
                for d in pack.dimensions if sums.get(d.id)]
    levels = Counter(a.level for a in completed)
    distribution = [{"id": lv.id, "title": lv.title, "count": levels.get(lv.id, 0)}
                    for lv in pack.levels]
    overall = [a.overall_score for a in completed if a.overall_score is not None]
    return {"completed": len(completed), "total": len(rows), "averages": averages,
            "levels": distribution,
            "overall": round(sum(overall) / len(overall), 1) if overall else None}


def learner_of(session, platform: str, sub: str) -> Learner | None:
    return session.scalars(select(Learner).where(Learner.platform == platform,
                                                 Learner.external_id == sub)).first()
