"""Synthetic symposium evaluations.

When the symposium portal's tables exist (``portal_evaluation_response``), the demo event is
seeded with the portal's own ``seed_demo`` and answers are written there, so the portal's
results page and the symposium report read the same rows. Otherwise nothing is stored and the
symposium report generates the same answers into its data model only, saying so.

The portal's response table has no "synthetic" column (it is anonymous by design), so
synthetic answers carry :data:`MARKER` at the start of their free-text field: that is how
``clear`` finds them and how the report knows it is reading synthetic data.
"""
from __future__ import annotations

import random
from typing import Any

from digiready.demo import DemoContext, register

MARKER = "[synthetic] "
COMMENTS = [
    "More time for questions from small businesses.",
    "Share the recordings with captions in our language.",
    "Invite more cooperatives and women-led businesses as speakers.",
    "A session on QR payments for market sellers would help.",
    "Keep the sessions short: connections are slow in rural areas.",
    "Follow up with a clinic on e-invoicing.",
    "",
]
DEFAULT_OBJECTIVES = [
    "Assess the digital maturity of a small business with the DigiReady diagnostic",
    "Choose digital payment and e-commerce tools that fit a business and an economy",
    "Explain e-invoicing and data-protection duties for small firms",
    "Find financing and support programmes for digital adoption",
]
SECTORS = ["g", "i", "c", "a", "s", "m", "j"]


def responses_per_economy(responses: int) -> int:
    return max(20, min(150, responses // 20))


def synthetic_evaluations(economies: list[str], per_economy: int, seed: int,
                          objective_ids: list[int]) -> list[dict[str, Any]]:
    """Plausible answers: mostly satisfied, knowledge up after the sessions."""
    out = []
    for economy in economies:
        rng = random.Random(f"{seed}/evaluations/{economy}")
        mood = {"pe": 0.2, "ph": 0.1, "vn": 0.0, "id": 0.1, "pg": -0.2}.get(economy, 0.0)
        def rating(rng: random.Random = rng, mood: float = mood, shift: float = 0.0) -> int:
            return max(1, min(5, round(rng.gauss(4.0 + mood + shift, 0.8))))

        for _ in range(per_economy):
            ratings = {}
            for oid in objective_ids:
                before = max(1, min(5, round(rng.gauss(2.4, 0.9))))
                ratings[str(oid)] = [before, max(before, min(5, before + rng.choice([0, 1, 1, 2])))]
            out.append({
                "economy": economy, "sector": rng.choice(SECTORS),
                "satisfaction": rating(), "relevance": rating(shift=0.1), "speakers": rating(shift=-0.1),
                "nps": max(0, min(10, round(rng.gauss(8.0 + mood, 1.6)))),
                "ratings": ratings,
                "recommendations": MARKER + rng.choice(COMMENTS),
            })
    return out


def _portal_ready(url: str) -> bool:
    from sqlalchemy import inspect

    from digiready.storage import get_engine

    try:
        import symposium_portal.seed  # noqa: F401  (needs Flask: the portal extra)
    except ImportError:
        return False
    return "portal_evaluation_response" in inspect(get_engine(url)).get_table_names()


def clear_evaluations(ctx: DemoContext) -> None:
    if not _portal_ready(ctx.url):
        return
    from sqlalchemy import delete

    from digiready.storage import session_scope
    from symposium_portal.evaluation.models import EvaluationResponse

    with session_scope(ctx.url) as session:
        session.execute(delete(EvaluationResponse).where(
            EvaluationResponse.economy.in_(ctx.economies),
            EvaluationResponse.recommendations.startswith(MARKER)))


@register("evaluations", order=30, clear=clear_evaluations)
def generate_evaluations(ctx: DemoContext) -> dict[str, Any]:
    per = responses_per_economy(ctx.responses)
    if not _portal_ready(ctx.url):
        return {"stored": 0, "note": "portal tables absent; the symposium report generates "
                                     "its evaluations in memory"}
    from sqlalchemy import insert, select

    from digiready.storage import session_scope
    from symposium_portal.evaluation.models import EvaluationResponse, LearningObjective
    from symposium_portal.seed import seed_demo

    with session_scope(ctx.url) as session:
        event = seed_demo(session)
        objective_ids = list(session.scalars(
            select(LearningObjective.id).where(LearningObjective.event_id == event.id)
            .order_by(LearningObjective.position, LearningObjective.id)))
        rows = synthetic_evaluations(ctx.economies, per, ctx.seed, objective_ids)
        rng = random.Random(f"{ctx.seed}/evaluation-ids")
        import uuid
        for row in rows:
            row["event_id"] = event.id
            row["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        session.execute(insert(EvaluationResponse), rows)
    ctx.progress("demo evaluations", ",".join(ctx.economies), 100)
    return {"stored": len(rows), "event": event.slug}
