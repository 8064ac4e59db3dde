"""The symposium as the portal recorded it, handed to the core's symposium report as plain
records (:class:`digiready.symposium.SymposiumData`): the programme, registrations reduced to
their categories, and the anonymous evaluation answers. Registered as a symposium source in
:mod:`symposium_portal.adapter`; the core never reads the portal's tables itself.
"""
from __future__ import annotations

from sqlalchemy import func, select

from digiready import symposium
from digiready.storage import session_scope

# Registration categories -> the public/private breakdown the funder asks for.
ORG_TYPE = {"ministry": "public", "chamber": "private", "msme": "private",
            "cooperative": "private", "other": "other"}
# Marker the demo data put at the start of a synthetic evaluation's free text (the response
# table is anonymous and has no other column for it), and the reserved domain of synthetic
# registrants' placeholder addresses.
SYNTHETIC_MARKER = "[synthetic] "
SYNTHETIC_EMAIL_DOMAIN = "@synthetic.invalid"


def _lower(code: str | None) -> str | None:
    return code.lower() if code else None


def load_symposium(url: str | None = None) -> symposium.SymposiumData | None:
    from sqlalchemy import inspect

    from digiready.storage import get_engine
    from symposium_portal import settings, vocab
    from symposium_portal.evaluation.models import (
        EvaluationResponse,
        EvaluationSubmission,
        LearningObjective,
    )
    from symposium_portal.network.models import MeetingRequest
    from symposium_portal.programme.models import Attendance, Event
    from symposium_portal.registration.models import CONFIRMED, Registration

    if Event.__tablename__ not in inspect(get_engine(url) if url else get_engine()).get_table_names():
        return None  # the portal's tables were never created in this database
    with session_scope(url) as db:
        event = db.scalars(select(Event).where(Event.slug == settings.get("PORTAL_EVENT"))).first()
        if event is None:
            return None
        days = [symposium.Day(d.number, d.date, d.title) for d in event.days]
        day_of = {d.id: d.number for d in event.days}
        sessions = [symposium.Session(id=str(s.id), day=day_of.get(s.day_id, 0), title=s.title,
                                      kind=s.kind, starts_at=s.starts_at, ends_at=s.ends_at,
                                      speakers=tuple(p.name for p in s.speakers))
                    for s in event.sessions]
        speakers = {}
        for s in event.sessions:
            for p in s.speakers:
                speakers[p.id] = symposium.Speaker(p.name, p.position, p.organisation,
                                                   _lower(p.economy))
        objectives = {str(o.id): o.text for o in db.scalars(
            select(LearningObjective).where(LearningObjective.event_id == event.id)
            .order_by(LearningObjective.position, LearningObjective.id))}
        # Sessions each registrant joined through the portal's join link (portal_attendance).
        joined: dict[int, set[str]] = {}
        for reg_id, session_id in db.execute(
                select(Attendance.registration_id, Attendance.session_id)
                .join(Registration, Registration.id == Attendance.registration_id)
                .where(Registration.event_id == event.id)):
            joined.setdefault(reg_id, set()).add(str(session_id))
        registrations = []
        for r in db.execute(select(Registration.id, Registration.economy, Registration.sector,
                                   Registration.gender, Registration.status, Registration.email)
                            .where(Registration.event_id == event.id)):
            registrations.append(symposium.Registration(
                economy=_lower(r.economy), sector=r.sector, sector_label=vocab.sector_name(r.sector),
                org_type=ORG_TYPE.get(r.sector, "other"),
                gender=r.gender if r.gender in symposium.GENDERS else "undisclosed",
                status=r.status, sessions_joined=frozenset(joined.get(r.id, ())),
                synthetic=r.email.endswith(SYNTHETIC_EMAIL_DOMAIN)))
        evaluations = []
        for e in db.scalars(select(EvaluationResponse).where(
                EvaluationResponse.event_id == event.id)):
            text = e.recommendations or ""
            synthetic = text.startswith(SYNTHETIC_MARKER)
            evaluations.append(symposium.EvaluationAnswer(
                economy=_lower(e.economy), sector=e.sector, satisfaction=e.satisfaction,
                relevance=e.relevance, speakers=e.speakers, nps=e.nps,
                ratings={k: (int(v[0]), int(v[1])) for k, v in (e.ratings or {}).items()
                         if isinstance(v, list | tuple) and len(v) == 2},
                recommendation=text.removeprefix(SYNTHETIC_MARKER).strip(), synthetic=synthetic))
        confirmed = db.scalar(select(func.count()).select_from(Registration).where(
            Registration.event_id == event.id, Registration.status == CONFIRMED)) or 0
        submitted = db.scalar(select(func.count()).select_from(EvaluationSubmission).where(
            EvaluationSubmission.event_id == event.id)) or 0
        meetings = dict(db.execute(select(MeetingRequest.status, func.count())
                                   .join(Registration, MeetingRequest.requester_id == Registration.id)
                                   .where(Registration.event_id == event.id)
                                   .group_by(MeetingRequest.status)).all())
        listed = db.scalar(select(func.count()).select_from(Registration).where(
            Registration.event_id == event.id, Registration.status == CONFIRMED,
            Registration.consent_directory.is_(True))) or 0
        return symposium.SymposiumData(
            title=event.title, description=event.description or "", timezone=event.timezone,
            days=days, sessions=sessions, speakers=list(speakers.values()),
            objectives=objectives, registrations=registrations, evaluations=evaluations,
            # Deleted accounts leave their anonymous answer: count them as invited too.
            invited=max(confirmed, submitted, len(evaluations)),
            sector_labels={k: str(v) for k, v in vocab.SECTORS.items()},
            networking={"listed in the directory": listed,
                        **{f"meeting requests {k}": int(v) for k, v in meetings.items()}},
            capacity=event.capacity, evaluation_open=bool(event.evaluation_open),
            source="the symposium portal")
