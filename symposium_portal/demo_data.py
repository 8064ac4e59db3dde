"""The portal's part of ``digiready demo-data``: synthetic evaluation answers stored in the
portal's own tables, so the portal's results page and the symposium report read the same rows.

The answers come from the core (:mod:`digiready.demo.symposium`); this module only stores
them. An event that has not ended yet gets no evaluations: nobody can have answered one.
The response table is anonymous and has no "synthetic" column, so synthetic answers carry
:data:`~symposium_portal.report_data.SYNTHETIC_MARKER` at the start of their free text.
"""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Any

from digiready.demo import DemoContext, register
from symposium_portal.report_data import SYNTHETIC_EMAIL_DOMAIN, SYNTHETIC_MARKER


def _portal_ready(url: str) -> bool:
    from sqlalchemy import inspect

    from digiready.storage import get_engine
    from symposium_portal.evaluation.models import EvaluationResponse

    return EvaluationResponse.__tablename__ in inspect(get_engine(url)).get_table_names()


def clear_evaluations(ctx: DemoContext) -> None:
    if not _portal_ready(ctx.url):
        return
    from sqlalchemy import delete

    from digiready.storage import session_scope
    from symposium_portal.evaluation.models import EvaluationResponse
    from symposium_portal.registration.models import Registration

    with session_scope(ctx.url) as session:
        synthetic = (Registration.economy.in_([e.upper() for e in ctx.economies]),
                     Registration.email.endswith(SYNTHETIC_EMAIL_DOMAIN))
        # Their attendance first: a database without foreign-key enforcement keeps orphans.
        from sqlalchemy import select

        from symposium_portal.programme.models import Attendance

        session.execute(delete(Attendance).where(Attendance.registration_id.in_(
            select(Registration.id).where(*synthetic))))
        session.execute(delete(Registration).where(*synthetic))
        session.execute(delete(EvaluationResponse).where(
            EvaluationResponse.economy.in_([e.upper() for e in ctx.economies]
                                           + list(ctx.economies)),
            EvaluationResponse.recommendations.startswith(SYNTHETIC_MARKER)))


# When demo data create the event, it took place this many days before the data's end.
HELD_DAYS_AGO = 40


def demo_event(session, as_of: date):
    """The portal's event; when there is none yet, the demo programme held
    :data:`HELD_DAYS_AGO` days before ``as_of`` (so that it can have been evaluated). An
    existing event (a real one, or ``portal seed-demo``'s upcoming one) is left as it is."""
    from sqlalchemy import select

    from symposium_portal import settings
    from symposium_portal.programme.models import Event
    from symposium_portal.seed import demo_programme, load_programme

    event = session.scalars(select(Event).where(Event.slug == settings.get("PORTAL_EVENT"))).first()
    if event is not None:
        return event
    data = demo_programme()
    first = as_of - timedelta(days=HELD_DAYS_AGO)
    for day in data["days"]:
        when = first + timedelta(days=day["number"] - 1)
        day["date"] = when.isoformat()
    return load_programme(session, data)


@register("evaluations", order=30, clear=clear_evaluations)
def generate_evaluations(ctx: DemoContext) -> dict[str, Any]:
    from digiready.demo.symposium import responses_per_economy, synthetic_evaluations

    if not _portal_ready(ctx.url):
        return {"stored": 0, "note": "portal tables absent (run `digiready db upgrade`)"}
    from sqlalchemy import insert, select

    from digiready.storage import session_scope
    from symposium_portal.evaluation.models import EvaluationResponse, LearningObjective

    today = datetime.now(timezone.utc).date()
    with session_scope(ctx.url) as session:
        event = demo_event(session, today)
        registrations = _store_registrations(session, event, ctx)
        last_day = max((d.date for d in event.days), default=None)
        if last_day is None or last_day >= today:
            return {"registrations": registrations, "stored": 0,
                    "note": f"the event {event.slug} has not ended yet: no evaluations"}
        objective_ids = [str(i) for i in session.scalars(
            select(LearningObjective.id).where(LearningObjective.event_id == event.id)
            .order_by(LearningObjective.position, LearningObjective.id))]
        answers = synthetic_evaluations(ctx.economies, responses_per_economy(ctx.responses),
                                        ctx.seed, objective_ids)
        rng = random.Random(f"{ctx.seed}/evaluation-ids")
        rows = [{"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                 "event_id": event.id, "economy": (a.economy or "").upper() or None,
                 "sector": a.sector,
                 "satisfaction": a.satisfaction, "relevance": a.relevance,
                 "speakers": a.speakers, "nps": a.nps,
                 "ratings": {k: list(v) for k, v in a.ratings.items()},
                 "recommendations": SYNTHETIC_MARKER + a.recommendation} for a in answers]
        session.execute(insert(EvaluationResponse), rows)
    ctx.progress("demo evaluations", ",".join(ctx.economies), 100)
    return {"registrations": registrations, "stored": len(rows), "event": event.slug}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _store_registrations(session, event, ctx: DemoContext) -> int:
    """Synthetic registrants (core records, placeholder identities under a reserved domain,
    which is how they are recognised and replaced)."""
    from sqlalchemy import func, select

    from digiready.demo.symposium import responses_per_economy, synthetic_registrations
    from symposium_portal.programme.models import Attendance
    from symposium_portal.registration.models import CONFIRMED, Registration

    now = datetime.now(timezone.utc)
    held = [s for s in event.sessions if s.ends_at is not None and _utc(s.ends_at) <= now]
    people = synthetic_registrations(ctx.economies, 2 * responses_per_economy(ctx.responses),
                                     ctx.seed, [str(s.id) for s in held])
    starts = {str(s.id): _utc(s.starts_at) for s in held}
    stored = []
    for i, person in enumerate(people):
        reg = Registration(
            event_id=event.id, email=f"registrant-{person.economy}-{i:05d}{SYNTHETIC_EMAIL_DOMAIN}",
            full_name=f"Synthetic registrant {i + 1}", organisation="Synthetic organisation",
            economy=(person.economy or "").upper(), sector=person.sector,
            gender=person.gender, timezone=event.timezone, consent_privacy=True,
            status=person.status)
        session.add(reg)
        stored.append((reg, person))
    session.flush()
    # Their joins of the sessions already held (attendance per session), a few minutes in.
    session.add_all(Attendance(registration_id=reg.id, session_id=int(sid),
                               first_joined_at=starts[sid] + timedelta(minutes=2))
                    for reg, person in stored for sid in sorted(person.sessions_joined))
    session.flush()
    event.seats_taken = session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id, Registration.status == CONFIRMED)) or 0
    return len(people)
