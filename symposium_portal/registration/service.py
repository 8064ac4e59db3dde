"""Seat accounting. Every function that takes or frees a seat locks the event row first, so
capacity holds under any number of concurrent requests (tests/symposium_portal/
test_capacity_race.py runs 50 at once over HTTP on PostgreSQL)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from symposium_portal import audit, mails, settings
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
)


class AlreadyRegistered(Exception):
    def __init__(self, existing: Registration | None):
        super().__init__("already registered")
        self.existing = existing


def current_event(session: Session) -> Event:
    event = session.scalars(
        select(Event).where(Event.slug == settings.get("PORTAL_EVENT"))
    ).first()
    if event is None:
        abort(404, description="no-event")
    return event


def seats_taken(session: Session, event_id: int) -> int:
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


def _hold_until(now: datetime) -> datetime:
    return now + timedelta(hours=settings.get_float("PORTAL_HOLD_HOURS"))


def register(session: Session, event: Event, data: dict) -> Registration:
    """Create a registration holding a seat, or on the waiting list when the event is full.

    Raises :class:`AlreadyRegistered` for an active registration with the same address (any
    case); the unique index catches the same thing when two requests race past this check.
    """
    lock_event(session, event.id)
    existing = find_active(session, event.id, data["email"])
    if existing is not None:
        raise AlreadyRegistered(existing)
    now = utcnow()
    reg = Registration(event_id=event.id, **data)
    if seats_taken(session, event.id) < event.capacity:
        reg.status, reg.hold_expires_at = HELD, _hold_until(now)
    else:
        if _expire_holds_locked(session, event, now) and \
                seats_taken(session, event.id) < event.capacity:
            reg.status, reg.hold_expires_at = HELD, _hold_until(now)
        else:
            reg.status, reg.waitlisted_at = WAITLISTED, now
    session.add(reg)
    session.flush()
    position = waitlist_position(session, reg) if reg.status == WAITLISTED else None
    mails.registration_mail(session, event, reg,
                            "received_held" if reg.status == HELD else "received_waitlisted",
                            position=position)
    return reg


def confirm_email(session: Session, event: Event, reg: Registration) -> None:
    """The registrant proved they read the address. A held seat now counts."""
    lock_event(session, event.id)
    session.refresh(reg)
    now = utcnow()
    if reg.email_confirmed_at is None:
        reg.email_confirmed_at = now
    if reg.status == HELD:
        _seat_confirmed(session, event, reg, "confirmed")
    elif reg.status == EXPIRED:
        # Came back after the hold lapsed: a free seat if there is one, else the queue.
        if seats_taken(session, event.id) < event.capacity:
            _seat_confirmed(session, event, reg, "confirmed")
        else:
            reg.status, reg.waitlisted_at = WAITLISTED, now
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
        reg.status = PENDING_APPROVAL
        mails.registration_mail(session, event, reg, "pending_approval")
    else:
        reg.status = CONFIRMED
        mails.registration_mail(session, event, reg, kind)


def promote(session: Session, event: Event) -> list[Registration]:
    """Fill free seats from the waiting list, oldest first. Caller holds the event lock."""
    free = event.capacity - seats_taken(session, event.id)
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
            reg.status, reg.hold_expires_at = HELD, _hold_until(now)
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
        reg.status = EXPIRED
        mails.registration_mail(session, event, reg, "expired")
        audit.record(session, "system", "registration.expired", f"registration:{reg.id}")
    return len(expired)


def expire_holds(session: Session, event: Event) -> int:
    """Release seats held by people who never confirmed, then promote the waiting list."""
    lock_event(session, event.id)
    count = _expire_holds_locked(session, event, utcnow())
    if count:
        promote(session, event)
    return count


def withdraw(session: Session, event: Event, reg: Registration, actor: str) -> None:
    lock_event(session, event.id)
    session.refresh(reg)
    if reg.status in INACTIVE_STATUSES:
        return
    reg.status, reg.hold_expires_at, reg.waitlisted_at = WITHDRAWN, None, None
    mails.registration_mail(session, event, reg, "withdrawn")
    audit.record(session, actor, "registration.withdrawn", f"registration:{reg.id}")
    promote(session, event)


def decide(session: Session, event: Event, reg: Registration, approve: bool,
           actor: str) -> None:
    lock_event(session, event.id)
    session.refresh(reg)
    if reg.status != PENDING_APPROVAL:
        abort(409, description="not-pending")
    if approve:
        reg.status = CONFIRMED
        mails.registration_mail(session, event, reg, "approved")
    else:
        reg.status = REJECTED
        mails.registration_mail(session, event, reg, "rejected")
        promote(session, event)
    audit.record(session, actor, "registration.approved" if approve else "registration.rejected",
                 f"registration:{reg.id}")


def set_capacity(session: Session, event: Event, capacity: int, actor: str) -> None:
    lock_event(session, event.id)
    session.refresh(event)
    old, event.capacity = event.capacity, capacity
    audit.record(session, actor, "event.capacity", f"event:{event.id}", old=old, new=capacity)
    promote(session, event)


def delete_registration(session: Session, event: Event, reg: Registration) -> None:
    """Erase a registrant and everything linked to them; the anonymous evaluation answer
    stays because nothing links it to them."""
    lock_event(session, event.id)
    session.refresh(reg)
    reg_id, held = reg.id, reg.holds_seat
    session.delete(reg)
    session.flush()
    audit.record(session, f"registrant:{reg_id}", "registration.deleted",
                 f"registration:{reg_id}")
    if held:
        promote(session, event)
