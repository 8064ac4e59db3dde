"""Who can see whom, and suggestions from shared interests."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from symposium_portal.network.models import PENDING, Block, MeetingRequest
from symposium_portal.registration.models import CONFIRMED, Registration


def blocked_ids(session: Session, reg_id: int) -> set[int]:
    """Both directions: blocking hides each from the other."""
    rows = session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(Block.blocker_id == reg_id, Block.blocked_id == reg_id))
    ).all()
    return {b if a == reg_id else a for a, b in rows}


def pending_between(session: Session, me: int, other: int) -> str | None:
    """Why a new meeting request from ``me`` to ``other`` is refused: ``"sent"`` (one of
    theirs is still pending: a duplicate), ``"received"`` (the other asked first: answer
    it), or None."""
    rows = session.execute(select(MeetingRequest.requester_id).where(
        MeetingRequest.status == PENDING,
        or_((MeetingRequest.requester_id == me) & (MeetingRequest.recipient_id == other),
            (MeetingRequest.requester_id == other) & (MeetingRequest.recipient_id == me)),
    )).scalars().all()
    if me in rows:
        return "sent"
    return "received" if rows else None


def listed(session: Session, viewer: Registration) -> list[Registration]:
    hidden = blocked_ids(session, viewer.id) | {viewer.id}
    people = session.scalars(
        select(Registration).where(
            Registration.event_id == viewer.event_id,
            Registration.status == CONFIRMED,
            Registration.consent_directory.is_(True),
            Registration.hidden_by_moderator.is_(False),
        ).order_by(Registration.full_name)
    ).all()
    return [p for p in people if p.id not in hidden]


def visible_person(session: Session, viewer: Registration, person_id: int) -> Registration | None:
    return next((p for p in listed(session, viewer) if p.id == person_id), None)


def filter_people(people: list[Registration], q: str | None, economy: str | None,
                  sector: str | None, interest: str | None) -> list[Registration]:
    q = (q or "").strip().lower()
    out = []
    for p in people:
        if economy and p.economy != economy:
            continue
        if sector and p.sector != sector:
            continue
        if interest and interest not in (p.interests or []):
            continue
        if q and q not in p.full_name.lower() and q not in p.organisation.lower():
            continue
        out.append(p)
    return out


def suggestions(viewer: Registration, people: list[Registration], limit: int = 5):
    """People sharing the most interests with the viewer; ties favour other economies,
    because the symposium's aim is a network *across* APEC."""
    mine = set(viewer.interests or [])
    scored = []
    for p in people:
        shared = mine & set(p.interests or [])
        if shared:
            scored.append((len(shared), p.economy != viewer.economy, p, sorted(shared)))
    scored.sort(key=lambda t: (-t[0], not t[1], t[2].full_name))
    return [(p, shared) for _n, _x, p, shared in scored[:limit]]


def organisations(people: list[Registration]) -> list[dict]:
    orgs: dict[tuple[str, str], dict] = {}
    for p in people:
        key = (p.organisation.strip().lower(), p.economy)
        org = orgs.setdefault(key, {"name": p.organisation.strip(), "economy": p.economy,
                                    "sector": p.sector, "people": [], "interests": set()})
        org["people"].append(p)
        org["interests"].update(p.interests or [])
    return sorted(orgs.values(), key=lambda o: o["name"].lower())
