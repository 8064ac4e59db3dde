"""Seat accounting. Every function that takes or frees a seat locks the event row first, so
capacity holds under any number of concurrent requests (tests/symposium_portal/
test_capacity_race.py runs 50 at once over HTTP on PostgreSQL).

Status changes go through :func:`_set_status`, which keeps the event's ``seats_taken`` and
``waitlisted_count`` counters in step while the lock is held: checking capacity is then one
row read, however many people registered (a ``count(*)`` grows with the table).
"""
from __future__ import annotations

import json
import secrets
import time
from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session, selectinload

from digiready.events.safe import record_quietly
from symposium_portal import audit, mails, outbox, settings
from symposium_portal.db import lock_event, utcnow
from symposium_portal.programme.models import Event
from symposium_portal.registration.models import (
    CONFIRMED,
    EXPIRED,
    HELD,
    INACTIVE_STATUSES,
    PENDING_APPROVAL,
    REJECTED,
    SEAT_STATUSES,
    WAITLISTED,
    WITHDRAWN,
    Registration,
    new_reference,
)

# Inline expiry sweeps (when the event looks full) run at most this often per process; the
# worker (`digiready portal expire-holds`, or send-mail --loop) sweeps regularly anyway.
_INLINE_SWEEP_SECONDS = 60.0
_last_sweep: dict[int, float] = {}


def current_event(session: Session) -> Event:
    event = session.scalars(
        select(Event).where(Event.slug == settings.get("PORTAL_EVENT"))
    ).first()
    if event is None:
        abort(404, description="no-event")
    return event


_event_ids: dict[tuple[str, str], int] = {}


def current_event_id(session: Session) -> int:
    """The event's id, remembered per process and database (an event's id never changes),
    so the registration hot path reads the event row once, under the lock."""
    from digiready.storage.engine import database_url

    key = (database_url(), settings.get("PORTAL_EVENT"))
    if key not in _event_ids:
        _event_ids[key] = current_event(session).id
    return _event_ids[key]


class RegistrationClosed(Exception):
    """Registration was closed by the organisers."""


class RegisteredAgain(Exception):
    """An expired registration cannot come back: the person registered again since, and an
    address has one active registration per event."""


def seats_taken(session: Session, event_id: int) -> int:
    """Counted from the rows (for pages and checks); the lock path uses the counter."""
    return session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == event_id, Registration.status.in_(SEAT_STATUSES)
        )
    ) or 0


def find_active(session: Session, event_id: int, email: str) -> Registration | None:
    return session.scalars(
        select(Registration).where(
            Registration.event_id == event_id,
            func.lower(Registration.email) == email.strip().lower(),
            Registration.status.not_in(INACTIVE_STATUSES),
        )
    ).first()


def waitlist_position(session: Session, reg: Registration) -> int | None:
    if reg.status != WAITLISTED or reg.waitlisted_at is None:
        return None
    ahead = session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == reg.event_id,
            Registration.status == WAITLISTED,
            (Registration.waitlisted_at < reg.waitlisted_at)
            | ((Registration.waitlisted_at == reg.waitlisted_at) & (Registration.id < reg.id)),
        )
    ) or 0
    return ahead + 1


def _set_status(event: Event, reg: Registration, new: str | None) -> None:
    """The one place a registration's status changes (``None``: the row is deleted)."""
    old = reg.status
    if old in SEAT_STATUSES:
        event.seats_taken -= 1
    elif old == WAITLISTED:
        event.waitlisted_count -= 1
    if new in SEAT_STATUSES:
        event.seats_taken += 1
    elif new == WAITLISTED:
        event.waitlisted_count += 1
    if new is not None:
        reg.status = new


def _hold_until(now: datetime) -> datetime:
    return now + timedelta(hours=settings.get_float("PORTAL_HOLD_HOURS"))


def _free(event: Event) -> int:
    return event.capacity - event.seats_taken


_EV = Event.__table__
# Take a seat if one is free. The UPDATE locks the event row until commit (the same lock as
# lock_event) and its WHERE is re-checked after waiting for a concurrent holder, so it
# succeeds for exactly as many registrations as there are seats.
_TAKE_SEAT = (update(_EV).where(_EV.c.id == bindparam("eid"), _EV.c.seats_taken < _EV.c.capacity,
                                _EV.c.registration_open.is_(True))
              .values(seats_taken=_EV.c.seats_taken + 1).returning(_EV.c.seats_taken))
_JOIN_QUEUE = (update(_EV).where(_EV.c.id == bindparam("eid"),
                                 _EV.c.registration_open.is_(True))
               .values(waitlisted_count=_EV.c.waitlisted_count + 1)
               .returning(_EV.c.waitlisted_count))
_REG_COLUMNS = ["event_id", "reference", "email", "full_name", "organisation", "economy",
                "sector", "gender", "role", "timezone", "language", "interests", "bio", "consent_privacy",
                "consent_directory", "consent_contact", "consents_updated_at", "status",
                "hold_expires_at", "waitlisted_at", "hidden_by_moderator", "link_nonce",
                "session_nonce", "created_at", "updated_at"]
_PG_INSERT_WITH_MAIL = text(
    "WITH new_reg AS (INSERT INTO portal_registration (" + ", ".join(_REG_COLUMNS) + ") "
    "VALUES (" + ", ".join("CAST(:interests AS JSON)" if c == "interests" else f":{c}"
                           for c in _REG_COLUMNS) + ") RETURNING id) "
    "INSERT INTO portal_outbox (kind, registration_id, to_email, to_name, subject, body, "
    "status, attempts, last_error, created_at) "
    "SELECT :o_kind, id, :email, :full_name, :o_subject, :o_body, 'queued', 0, '', :o_created "
    "FROM new_reg RETURNING registration_id"
)

_SNAPSHOT_SECONDS = 2.0
_snapshots: dict[tuple[str, int], tuple[float, Event | None]] = {}


def _snapshot(event_id: int) -> Event | None:
    """The event with its programme, read at most every two seconds per process and kept
    detached: enough to write the email and predict the outcome before taking the lock.
    Nothing that decides a seat is read from it; the locked UPDATEs decide."""
    from digiready.storage.engine import database_url
    from symposium_portal.db import new_session
    from symposium_portal.programme.models import Day

    key = (database_url(), event_id)
    hit = _snapshots.get(key)
    if hit and time.monotonic() - hit[0] < _SNAPSHOT_SECONDS:
        return hit[1]
    with new_session() as s:
        event = s.scalars(select(Event).where(Event.id == event_id).options(
            selectinload(Event.days).selectinload(Day.sessions))).first()
    _snapshots[key] = (time.monotonic(), event)
    return event


POSITION = "\u2063POSITION\u2063"  # placeholder for the waiting-list position


def register(session: Session, event_id: int, data: dict) -> Registration:
    """Create a registration holding a seat, or on the waiting list when the event is full,
    and record its analytics event in the same transaction.

    A second active registration with the same address (any case) is stopped by the unique
    index: the caller catches the IntegrityError, which also covers two requests racing.
    The waiting-list position of a new entry is left on ``reg.position``.

    This is the busiest write and the event lock serialises it, so the time under the lock
    is kept to two statements and the commit (on PostgreSQL): the conditional seat UPDATE
    (which takes the lock) and one INSERT for the row and its email. The email is written
    *before* the lock, for the outcome a recent event snapshot predicts, and re-written
    under the lock only when the prediction was wrong (right at the capacity boundary).
    """
    event = _snapshot(event_id)
    if event is None:  # the event was re-created (seed-demo --force): look it up again
        _event_ids.clear()
        event = _snapshot(current_event_id(session))
    if not event.registration_open:
        raise RegistrationClosed()
    now = utcnow()
    # Python-side defaults are set here, not left to the insert: the email needs the
    # reference and the link nonce that the row will hold.
    reg = Registration(event_id=event.id, reference=new_reference(),
                       link_nonce=secrets.token_hex(8), session_nonce=secrets.token_hex(8),
                       created_at=now, updated_at=now,
                       consents_updated_at=now, hidden_by_moderator=False,
                       **{"bio": "", "role": "", "interests": [], "language": "en",
                          **{k: v for k, v in data.items() if v is not None}})

    def outcome(free: bool) -> tuple[str, str, str]:
        if free:
            reg.status, reg.hold_expires_at, reg.waitlisted_at = HELD, _hold_until(now), None
            kind = "received_held"
        else:
            reg.status, reg.hold_expires_at, reg.waitlisted_at = WAITLISTED, None, now
            kind = "received_waitlisted"
        return (kind, *mails.render_registration_mail(event, reg, kind, position=POSITION))

    guess = outcome(_free(event) > 0)
    if _free(event) <= 0 and time.monotonic() - _last_sweep.get(event.id, -1e9) > \
            _INLINE_SWEEP_SECONDS:
        _last_sweep[event.id] = time.monotonic()
        event = lock_event(session, event.id)
        if _expire_holds_locked(session, event, now):
            promote(session, event)
            session.flush()
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # Before the seat UPDATE takes the event-row lock, so that the lock is held for the
        # two seat statements and the commit only. (SQLite's first write takes the whole
        # database lock anyway, and a read before it could fail with SQLITE_BUSY: there the
        # event is written after the registration row.)
        _record_registered(session, reg)
    # Core statements on the session's connection: the ORM's execute adds nothing here but
    # CPU on the busiest write.
    conn = session.connection()
    free = conn.execute(_TAKE_SEAT, {"eid": event.id}).first() is not None
    position = None
    if not free:
        position = conn.execute(_JOIN_QUEUE, {"eid": event.id}).scalar()
        if position is None:  # closed meanwhile (checked under the lock)
            raise RegistrationClosed()
    kind, subject, body = guess if (guess[0] == "received_held") == free else outcome(free)
    subject = subject.replace(POSITION, str(position))
    body = body.replace(POSITION, str(position))
    table = Registration.__table__
    values = {c.key: getattr(reg, c.key) for c in table.columns
              if c.key != "id" and getattr(reg, c.key) is not None}
    if session.get_bind().dialect.name == "postgresql":
        # One round trip for both rows, with a statement built once (building SQLAlchemy
        # constructs per request cost more CPU than the database work).
        params = {c: getattr(reg, c) for c in _REG_COLUMNS}
        params["interests"] = json.dumps(reg.interests or [])
        params.update(o_kind=kind, o_subject=subject, o_body=body, o_created=now)
        reg.id = conn.execute(_PG_INSERT_WITH_MAIL, params).scalar_one()
    else:
        reg.id = session.execute(
            insert(table).values(values).returning(table.c.id)).scalar_one()
        mails.queue_registration_mail(session, reg, kind, subject, body, reg.id)
        _record_registered(session, reg)
    reg.position = position  # type: ignore[attr-defined]
    return reg


def _record_registered(session: Session, reg: Registration) -> None:
    """The analytics event, in the registration's transaction (a savepoint): stored exactly
    when the registration commits, and a failure to record it never fails the registration.
    Pseudonymous: the user maps to an opaque actor."""
    record_quietly("registered", platform="portal", user=reg.analytics_user,
                   object_id=f"symposium/{reg.event_id}", economy=reg.economy,
                   source="portal", data={"role": "attendee"}, db=session, new_user=True)


def confirm_email(session: Session, event: Event, reg: Registration) -> None:
    """The registrant proved they read the address. A held seat now counts."""
    event = lock_event(session, event.id)
    session.refresh(reg)
    now = utcnow()
    if reg.email_confirmed_at is None:
        reg.email_confirmed_at = now
    if reg.status == HELD:
        _seat_confirmed(session, event, reg, "confirmed")
    elif reg.status == EXPIRED:
        # Came back after the hold lapsed: a free seat if there is one, else the queue;
        # unless they registered again meanwhile (their newer registration is the one).
        newer = find_active(session, event.id, reg.email)
        if newer is not None and newer.id != reg.id:
            raise RegisteredAgain()
        if _free(event) > 0:
            _seat_confirmed(session, event, reg, "confirmed")
        else:
            _set_status(event, reg, WAITLISTED)
            reg.waitlisted_at = now
            session.flush()
            mails.registration_mail(session, event, reg, "waitlist_confirmed",
                                    position=waitlist_position(session, reg))
    elif reg.status == WAITLISTED:
        mails.registration_mail(session, event, reg, "waitlist_confirmed",
                                position=waitlist_position(session, reg))
    audit.record(session, f"registrant:{reg.id}", "registration.email_confirmed",
                 f"registration:{reg.id}", status=reg.status)


def _seat_confirmed(session: Session, event: Event, reg: Registration, kind: str) -> None:
    reg.hold_expires_at = None
    if event.requires_approval:
        _set_status(event, reg, PENDING_APPROVAL)
        mails.registration_mail(session, event, reg, "pending_approval")
    else:
        _set_status(event, reg, CONFIRMED)
        mails.registration_mail(session, event, reg, kind)


def promote(session: Session, event: Event) -> list[Registration]:
    """Fill free seats from the waiting list, oldest first. Caller holds the event lock."""
    free = _free(event)
    if free <= 0:
        return []
    waiting = session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)
        .limit(free)
    ).all()
    now = utcnow()
    for reg in waiting:
        reg.waitlisted_at = None
        if reg.email_confirmed_at is not None:
            _seat_confirmed(session, event, reg, "promoted_confirmed")
        else:
            _set_status(event, reg, HELD)
            reg.hold_expires_at = _hold_until(now)
            mails.registration_mail(session, event, reg, "promoted_held")
        audit.record(session, "system", "registration.promoted", f"registration:{reg.id}",
                     status=reg.status)
    return list(waiting)


def _expire_holds_locked(session: Session, event: Event, now: datetime) -> int:
    expired = session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status == HELD,
            Registration.hold_expires_at < now,
        )
    ).all()
    for reg in expired:
        _set_status(event, reg, EXPIRED)
        mails.registration_mail(session, event, reg, "expired")
        audit.record(session, "system", "registration.expired", f"registration:{reg.id}")
    return len(expired)


def expire_holds(session: Session, event: Event) -> int:
    """Release seats held by people who never confirmed, then promote the waiting list."""
    event = lock_event(session, event.id)
    count = _expire_holds_locked(session, event, utcnow())
    if count:
        promote(session, event)
    return count


def withdraw(session: Session, event: Event, reg: Registration, actor: str) -> None:
    event = lock_event(session, event.id)
    session.refresh(reg)
    if reg.status in INACTIVE_STATUSES:
        return
    _set_status(event, reg, WITHDRAWN)
    reg.hold_expires_at, reg.waitlisted_at = None, None
    # Links sent before no longer open the registration (a forwarded link, an old email);
    # the "withdrawn" email carries a fresh one.
    reg.revoke_links()
    mails.registration_mail(session, event, reg, "withdrawn")
    audit.record(session, actor, "registration.withdrawn", f"registration:{reg.id}")
    promote(session, event)


def decide(session: Session, event: Event, reg: Registration, approve: bool,
           actor: str) -> None:
    event = lock_event(session, event.id)
    session.refresh(reg)
    if reg.status != PENDING_APPROVAL:
        abort(409, description="not-pending")
    if approve:
        _set_status(event, reg, CONFIRMED)
        mails.registration_mail(session, event, reg, "approved")
    else:
        _set_status(event, reg, REJECTED)
        mails.registration_mail(session, event, reg, "rejected")
        promote(session, event)
    audit.record(session, actor, "registration.approved" if approve else "registration.rejected",
                 f"registration:{reg.id}")


class CapacityBelowTaken(ValueError):
    """A capacity lower than the seats already held (people would hold seats that do not
    exist)."""

    def __init__(self, taken: int):
        super().__init__(f"capacity below the {taken} seats already taken")
        self.taken = taken


def set_capacity(session: Session, event: Event, capacity: int, actor: str) -> None:
    event = lock_event(session, event.id)
    if capacity < event.seats_taken:
        # Checked again under the lock: a registration may have taken a seat since the form.
        raise CapacityBelowTaken(event.seats_taken)
    old, event.capacity = event.capacity, capacity
    audit.record(session, actor, "event.capacity", f"event:{event.id}", old=old, new=capacity)
    promote(session, event)


def delete_registration(session: Session, event: Event, reg: Registration) -> None:
    """Erase a registrant and everything linked to them, including their name and words in
    other people's emails (queued or sent); the anonymous evaluation answer stays because
    nothing links it to them."""
    event = lock_event(session, event.id)
    session.refresh(reg)
    reg_id, held = reg.id, reg.holds_seat
    outbox.scrub_about(session, reg_id, reg.full_name)
    _set_status(event, reg, None)
    session.delete(reg)
    session.flush()
    audit.record(session, f"registrant:{reg_id}", "registration.deleted",
                 f"registration:{reg_id}")
    if held:
        promote(session, event)


def recount(session: Session, event: Event) -> tuple[int, int]:
    """Rebuild the counters from the rows (``digiready portal expire-holds --recount``)."""
    event = lock_event(session, event.id)
    event.seats_taken = seats_taken(session, event.id)
    event.waitlisted_count = session.scalar(
        select(func.count()).select_from(Registration).where(
            Registration.event_id == event.id, Registration.status == WAITLISTED)) or 0
    return event.seats_taken, event.waitlisted_count
