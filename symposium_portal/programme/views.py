"""Programme pages: every time in event time and in the viewer's zone, named."""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, url_for
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from digiready.events.safe import record_quietly
from symposium_portal import settings, timez
from symposium_portal.auth import current_registrant
from symposium_portal.db import db
from symposium_portal.programme import ics
from symposium_portal.programme.models import Attendance, Day, Session, Speaker
from symposium_portal.registration import service
from symposium_portal.validators import safe_url
from symposium_portal.viewing import viewer_zone

bp = Blueprint("programme", __name__, template_folder="templates")


def _ranges(session: Session, event_tz: str, viewer_tz: str | None):
    ev = timez.shown_range(session.starts_at, session.ends_at, event_tz)
    vw = timez.shown_range(session.starts_at, session.ends_at, viewer_tz) if viewer_tz else None
    return ev, vw


def join_url(session: Session, event) -> str | None:
    """The room a session is joined in, only if its URL may be shown (https, or http on
    localhost; rows stored before the rules may hold anything). A session with a room of its
    own that is not valid gets no link rather than the event's general room."""
    if session.room_url:
        return safe_url(session.room_url)
    return safe_url(event.virtual_room_url)


def _can_join() -> bool:
    reg = current_registrant()
    return reg is not None and reg.is_confirmed


def _viewed(path: str) -> None:
    """A signed-in registrant's page view, for the visits indicators (pseudonymous)."""
    reg = current_registrant()
    if reg is not None:
        record_quietly("viewed", platform="portal", user=reg.analytics_user, object_id=path,
                       economy=reg.economy, source="portal")


@bp.get("/programme")
def programme():
    dbs = db()
    event = service.current_event(dbs)
    vz = viewer_zone()
    days = dbs.scalars(
        select(Day).where(Day.event_id == event.id).order_by(Day.number)
        .options(selectinload(Day.sessions).selectinload(Session.speakers))
    ).all()
    rows = [(day, [(s, *_ranges(s, event.timezone, vz.name)) for s in day.sessions])
            for day in days]
    _viewed("/programme")
    return render_template("programme/programme.html", event=event, days=rows, vz=vz,
                           zones=timez.all_zones(), can_join=_can_join())


@bp.get("/programme/session/<int:session_id>")
def session_detail(session_id: int):
    dbs = db()
    event = service.current_event(dbs)
    session = dbs.get(Session, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    vz = viewer_zone()
    ev, vw = _ranges(session, event.timezone, vz.name)
    # The page links to the join route (which records attendance), never straight to the room.
    link = (url_for("programme.join_session", session_id=session.id)
            if _can_join() and join_url(session, event) else None)
    _viewed(f"/programme/session/{session.id}")
    return render_template("programme/session.html", event=event, s=session, ev=ev, vw=vw,
                           vz=vz, join_url=link, registrant_status=(
                               current_registrant().status if current_registrant() else None))


@bp.get("/programme/session/<int:session_id>/join")
def join_session(session_id: int):
    """Record that a confirmed, signed-in registrant opened the session's room (attendance
    per session, once per person and session) and send them to it. Anyone else goes back
    to the session's page, which says why there is no link."""
    dbs = db()
    event = service.current_event(dbs)
    session = dbs.get(Session, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    room = join_url(session, event)
    reg = current_registrant()
    if room is None or reg is None or not reg.is_confirmed:
        return redirect(url_for("programme.session_detail", session_id=session.id), 303)
    seen = dbs.get(Attendance, (reg.id, session.id))
    if seen is None:
        dbs.add(Attendance(registration_id=reg.id, session_id=session.id))
    else:
        seen.joins += 1
    try:
        dbs.commit()
    except IntegrityError:  # the same person's second click raced the first: one row
        dbs.rollback()
    _viewed(f"/programme/session/{session.id}/join")
    return redirect(room, 303)


@bp.get("/programme/session/<int:session_id>.ics")
def session_calendar(session_id: int):
    dbs = db()
    event = service.current_event(dbs)
    session = dbs.get(Session, session_id)
    if session is None or session.event_id != event.id:
        abort(404)
    body = ics.session_ics(event, session, settings.get("PORTAL_BASE_URL").rstrip("/"))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="session-{session.id}.ics"'})


@bp.get("/programme/event.ics")
def event_calendar():
    dbs = db()
    event = service.current_event(dbs)
    sessions = dbs.scalars(select(Session).where(Session.event_id == event.id)
                           .order_by(Session.starts_at)).all()
    body = ics.event_ics(event, list(sessions), settings.get("PORTAL_BASE_URL").rstrip("/"))
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{event.slug}.ics"'})


@bp.get("/speakers")
def speakers():
    dbs = db()
    event = service.current_event(dbs)
    people = dbs.scalars(select(Speaker).where(Speaker.event_id == event.id)
                         .order_by(Speaker.name)).all()
    return render_template("programme/speakers.html", event=event, speakers=people)


@bp.get("/speakers/<int:speaker_id>")
def speaker(speaker_id: int):
    dbs = db()
    event = service.current_event(dbs)
    person = dbs.get(Speaker, speaker_id)
    if person is None or person.event_id != event.id:
        abort(404)
    vz = viewer_zone()
    sessions = [(s, *_ranges(s, event.timezone, vz.name)) for s in person.sessions]
    return render_template("programme/speaker.html", event=event, p=person, sessions=sessions)


def photo_url(person: Speaker) -> str:
    return safe_url(person.photo_url) or url_for("programme.speaker_photo",
                                                 speaker_id=person.id)


@bp.app_context_processor
def _helpers() -> dict:
    # join_url and safe_url for every template that shows an organiser-entered link.
    return {"speaker_photo_url": photo_url, "join_url": join_url, "safe_url": safe_url}


@bp.get("/speakers/<int:speaker_id>/photo.svg")
def speaker_photo(speaker_id: int):
    """A light initials portrait for speakers without a photo (no broken images)."""
    person = db().get(Speaker, speaker_id)
    if person is None:
        abort(404)
    initials = "".join(w[0] for w in person.name.split()[:2]).upper()
    hue = (person.id * 67) % 360
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">'
           f'<rect width="96" height="96" fill="hsl({hue},45%,30%)"/>'
           f'<text x="48" y="58" font-family="sans-serif" font-size="34" fill="#fff" '
           f'text-anchor="middle">{escape(initials)}</text></svg>')
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})
