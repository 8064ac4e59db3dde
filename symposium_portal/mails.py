"""Email texts, rendered in the recipient's language and time zone at the moment of queueing.

Subjects differ per action and carry the reference, so inbox threading never merges
"confirm your address" with "your seat is confirmed". Links use DIGIREADY_PORTAL_BASE_URL,
never the request's Host header (which an attacker controls).
"""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from symposium_portal import outbox, settings, timez
from symposium_portal.programme.models import Event
from symposium_portal.registration.models import Registration
from symposium_portal.security import make_link_token


def manage_url(reg: Registration) -> str:
    token = make_link_token("manage", reg.id, reg.link_nonce)
    return settings.get("PORTAL_BASE_URL").rstrip("/") + f"/r/{token}"


def _subject(kind: str, reg: Registration, **ctx: object) -> str:
    ref = reg.reference
    subjects = {
        "received_held": _("Confirm your email address to keep your seat – %(ref)s", ref=ref),
        "received_waitlisted": _("You are on the waiting list (position %(n)s) – %(ref)s",
                                 n=ctx.get("position"), ref=ref),
        "confirmed": _("Your seat is confirmed – %(ref)s", ref=ref),
        "pending_approval": _("Email confirmed, awaiting the organisers' approval – %(ref)s",
                              ref=ref),
        "approved": _("Your registration is approved – %(ref)s", ref=ref),
        "rejected": _("Your registration was not approved – %(ref)s", ref=ref),
        "promoted_confirmed": _("A seat is now yours – %(ref)s", ref=ref),
        "promoted_held": _("A seat is free for you: confirm your email to take it – %(ref)s",
                           ref=ref),
        "waitlist_confirmed": _("Email confirmed; you remain on the waiting list (position "
                                "%(n)s) – %(ref)s", n=ctx.get("position"), ref=ref),
        "withdrawn": _("Your registration is withdrawn – %(ref)s", ref=ref),
        "updated": _("Your registration details were changed – %(ref)s", ref=ref),
        "expired": _("Your held seat has expired – %(ref)s", ref=ref),
        "already_registered": _("You are already registered: your link – %(ref)s", ref=ref),
        "sign_in": _("Your sign-in link – %(ref)s", ref=ref),
    }
    return subjects[kind]


def schedule_lines(event: Event, tz: str) -> list[str]:
    """One line per day: the day's span in the recipient's zone, then in event time."""
    lines = []
    for day in event.days:
        if not day.sessions:
            continue
        start, end = day.sessions[0].starts_at, max(s.ends_at for s in day.sessions)
        line = f"{day.title}: {timez.plain_range(start, end, tz)}"
        if tz != event.timezone:
            line += " = " + timez.plain_range(start, end, event.timezone)
        lines.append(line)
    return lines


def registration_mail(session: Session, event: Event, reg: Registration, kind: str,
                      **ctx: object) -> outbox.OutboxMessage:
    with force_locale(reg.language or "en"):
        subject = _subject(kind, reg, **ctx)
        body = render_template(
            f"email/{kind}.txt", event=event, reg=reg, link=manage_url(reg),
            schedule=schedule_lines(event, reg.timezone),
            hold_hours=settings.get("PORTAL_HOLD_HOURS"),
            hold_until=(timez.plain_time(reg.hold_expires_at, reg.timezone)
                        if reg.hold_expires_at else None),
            **ctx,
        )
    return outbox.queue(session, kind=kind, to_email=reg.email, to_name=reg.full_name,
                        subject=subject, body=body, registration_id=reg.id)


def meeting_mail(session: Session, kind: str, to: Registration, other: Registration,
                 subject: str, **ctx: object) -> outbox.OutboxMessage:
    """Meeting emails: slot times in the recipient's zone and in the other person's."""
    with force_locale(to.language or "en"):
        body = render_template(
            f"email/{kind}.txt", to=to, other=other,
            base_url=settings.get("PORTAL_BASE_URL").rstrip("/"), timez=timez, **ctx,
        )
    return outbox.queue(session, kind=kind, to_email=to.email, to_name=to.full_name,
                        subject=subject, body=body, registration_id=to.id)
