"""Who is looking: a registrant (signed in through a link from their email) or a staff member.

Registrants have no password: their email link is the key, and the session remembers it
(with the registration's link nonce, so "sign out everywhere" ends every session at once).
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy.orm import Session as DbSession

from symposium_portal.admin.models import Staff
from symposium_portal.db import db
from symposium_portal.registration.models import CONFIRMED, Registration
from symposium_portal.security import role_at_least


def sign_in_registrant(reg: Registration) -> None:
    session.pop("staff_id", None)
    session["rid"] = reg.id
    session["rn"] = reg.link_nonce


def sign_out() -> None:
    for key in ("rid", "rn", "staff_id"):
        session.pop(key, None)


def current_registrant(dbs: DbSession | None = None) -> Registration | None:
    if "registrant" in g:
        return g.registrant
    reg = None
    rid = session.get("rid")
    if rid is not None:
        reg = (dbs or db()).get(Registration, rid)
        if reg is None or reg.link_nonce != session.get("rn"):
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
        if staff is not None and not staff.active:
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
