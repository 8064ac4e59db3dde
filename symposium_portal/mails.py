"""Email texts, rendered in the recipient's language and time zone at the moment of queueing.

Subjects differ per action and carry the reference, so inbox threading never merges
"confirm your address" with "your seat is confirmed". Links use DIGIREADY_PORTAL_BASE_URL,
never the request's Host header (which an attacker controls).
"""
from __future__ import annotations

import time

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from symposium_portal import outbox, settings, timez
from symposium_portal.programme.models import Event
from symposium_portal.programme.texts import day_heading
from symposium_portal.registration.models import Registration
from symposium_portal.security import make_link_token


def N_(text: str) -> str:
    """Mark for extraction; translated when the email is rendered."""
    return text


def _render(name: str, **context: object) -> str:
    """Render a text template straight from the Jinja environment: emails need none of the
    page context processors (signed-in user, vocabularies), and this runs on every
    registration."""
    return current_app.jinja_env.get_template(name).render(**context)


def manage_url(reg: Registration) -> str:
    token = make_link_token("manage", reg.reference, reg.link_nonce)
    return settings.get("PORTAL_BASE_URL").rstrip("/") + f"/r/{token}"


SUBJECTS = {
    "received_held": N_("Confirm your email address to keep your seat – %(ref)s"),
    "received_waitlisted": N_("You are on the waiting list (position %(n)s) – %(ref)s"),
    "confirmed": N_("Your seat is confirmed – %(ref)s"),
    "pending_approval": N_("Email confirmed, awaiting the organisers' approval – %(ref)s"),
    "approved": N_("Your registration is approved – %(ref)s"),
    "rejected": N_("Your registration was not approved – %(ref)s"),
    "promoted_confirmed": N_("A seat is now yours – %(ref)s"),
    "promoted_held": N_("A seat is free for you: confirm your email to take it – %(ref)s"),
    "waitlist_confirmed": N_("Email confirmed; you remain on the waiting list (position "
                             "%(n)s) – %(ref)s"),
    "withdrawn": N_("Your registration is withdrawn – %(ref)s"),
    "updated": N_("Your registration details were changed – %(ref)s"),
    "expired": N_("Your held seat has expired – %(ref)s"),
    "already_registered": N_("You are already registered: your link – %(ref)s"),
    "sign_in": N_("Your sign-in link – %(ref)s"),
}


def _subject(kind: str, reg: Registration, **ctx: object) -> str:
    return _(SUBJECTS[kind], ref=reg.reference, n=ctx.get("position"))


_SCHEDULE_TTL = 60.0
_schedule_cache: dict[tuple, tuple[float, list[str]]] = {}


def schedule_lines(event: Event, tz: str) -> list[str]:
    """One line per day: the day's span in the recipient's zone, then in event time, in the
    language of the email being rendered.

    Cached per process for a minute: every registration email carries it, and the
    programme changes rarely (an edit shows in emails within a minute)."""
    from digiready.storage.engine import database_url

    key = (database_url(), event.id, event.timezone, tz, timez.language())
    hit = _schedule_cache.get(key)
    if hit and time.monotonic() - hit[0] < _SCHEDULE_TTL:
        return hit[1]
    lines = _schedule_lines(event, tz)
    _schedule_cache[key] = (time.monotonic(), lines)
    return lines


def _schedule_lines(event: Event, tz: str) -> list[str]:
    lines = []
    for day in event.days:
        if not day.sessions:
            continue
        start, end = day.sessions[0].starts_at, max(s.ends_at for s in day.sessions)
        line = f"{day_heading(day)}: {timez.plain_range(start, end, tz)}"
        if tz != event.timezone:
            line += " = " + timez.plain_range(start, end, event.timezone)
        lines.append(line)
    return lines


def render_registration_mail(event: Event, reg: Registration, kind: str,
                             **ctx: object) -> tuple[str, str]:
    """Subject and body, in the registrant's language and time zone."""
    with force_locale(reg.language or "en"):
        subject = _subject(kind, reg, **ctx)
        body = _render(
            f"email/{kind}.txt", event=event, reg=reg, link=manage_url(reg),
            schedule=schedule_lines(event, reg.timezone),
            hold_hours=settings.get("PORTAL_HOLD_HOURS"),
            hold_until=(timez.plain_time(reg.hold_expires_at, reg.timezone)
                        if reg.hold_expires_at else None),
            **ctx,
        )
    return subject, body


def queue_registration_mail(session: Session, reg: Registration, kind: str, subject: str,
                            body: str, registration_id: int) -> None:
    outbox.queue(session, kind=kind, to_email=reg.email, to_name=reg.full_name,
                 subject=subject, body=body, registration_id=registration_id)


def registration_mail(session: Session, event: Event, reg: Registration, kind: str,
                      **ctx: object) -> None:
    subject, body = render_registration_mail(event, reg, kind, **ctx)
    queue_registration_mail(session, reg, kind, subject, body, reg.id)


def meeting_mail(session: Session, kind: str, to: Registration, other: Registration,
                 subject: str, **ctx: object) -> None:
    """Meeting emails: slot times in the recipient's zone and in the other person's, in the
    recipient's language (``subject`` is a msgid, marked with N_, naming ``%(name)s``: the
    other person)."""
    with force_locale(to.language or "en"):
        subject = _(subject, name=other.full_name)
        body = _render(
            f"email/{kind}.txt", to=to, other=other,
            base_url=settings.get("PORTAL_BASE_URL").rstrip("/"), timez=timez, **ctx,
        )
    outbox.queue(session, kind=kind, to_email=to.email, to_name=to.full_name,
                 subject=subject, body=body, registration_id=to.id,
                 about_registration_id=other.id)
