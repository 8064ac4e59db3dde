"""Who is looking: a registrant (signed in through a link from their email) or a staff member.

Registrants have no password: their email link is the key, and the session remembers it
(with the registration's link nonce, so "sign out everywhere" ends every session at once).

The session is a signed cookie, so signing out by forgetting it on this browser would leave
a copy of the cookie valid. Each registrant and staff account has a ``session_nonce`` that
the cookie must carry; signing out rotates it, which ends every session of that person
server-side (the row is read on every request anyway, so this costs nothing).
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy.orm import Session as DbSession

from symposium_portal.admin.models import Staff
from symposium_portal.db import db
from symposium_portal.registration.models import CONFIRMED, Registration
from symposium_portal.security import role_at_least

SESSION_KEYS = ("rid", "rn", "rs", "staff_id", "ss")


def sign_in_registrant(reg: Registration) -> None:
    session.pop("staff_id", None)
    session.pop("ss", None)
    session["rid"] = reg.id
    session["rn"] = reg.link_nonce
    session["rs"] = reg.session_nonce


def sign_in_staff(staff: Staff) -> None:
    session.clear()
    session["staff_id"] = staff.id
    session["ss"] = staff.session_nonce


def sign_out(end_sessions: bool = False) -> None:
    """Forget who is signed in on this browser; with ``end_sessions`` also end their
    sessions everywhere (copied cookies included), committed at once."""
    if end_sessions:
        people = [p for p in (current_registrant(), current_staff()) if p is not None]
        for person in people:
            person.end_sessions()
        if people:
            db().commit()
    for key in SESSION_KEYS:
        session.pop(key, None)
    g.pop("registrant", None)
    g.pop("staff", None)


def current_registrant(dbs: DbSession | None = None) -> Registration | None:
    if "registrant" in g:
        return g.registrant
    reg = None
    rid = session.get("rid")
    if rid is not None:
        reg = (dbs or db()).get(Registration, rid)
        if reg is None or reg.link_nonce != session.get("rn") \
                or reg.session_nonce != session.get("rs"):
            reg = None
    g.registrant = reg
    return reg


def registrant_required(confirmed: bool = False):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            reg = current_registrant()
            if reg is None:
                return redirect(url_for("registration.sign_in", next=request.path))
            if confirmed and reg.status != CONFIRMED:
                abort(403, description="not-confirmed")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def current_staff() -> Staff | None:
    if "staff" in g:
        return g.staff
    staff = None
    sid = session.get("staff_id")
    if sid is not None:
        staff = db().get(Staff, sid)
        if staff is not None and (not staff.active or staff.session_nonce != session.get("ss")):
            staff = None
    g.staff = staff
    return staff


def staff_required(role: str = "viewer"):
    """Anonymous visitors go to the login page; staff below the role get 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                return redirect(url_for("admin.login", next=request.path))
            if not role_at_least(staff.role, role):
                abort(403, description="role")
            return view(*args, **kwargs)
        return wrapped
    return decorator
