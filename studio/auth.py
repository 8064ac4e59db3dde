"""Who is signed in, and what they may do in an economy.

Passwords are hashed with Werkzeug's scrypt (``werkzeug.security``), as the portal does. The
session keeps the user id and the account's ``session_nonce``; changing the password rotates
the nonce, which ends every other session.
"""
from __future__ import annotations

import secrets
from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from digiready.authoring import store
from studio.accounts.models import StudioUser
from studio.db import db

# Compared against when the email is unknown, so the response time does not tell.
_DUMMY_HASH = generate_password_hash("not-a-password")
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def new_nonce() -> str:
    return secrets.token_hex(16)


def authenticate(email: str, password: str) -> StudioUser | None:
    user = db().scalars(select(StudioUser).where(
        func.lower(StudioUser.email) == email.strip().lower(), StudioUser.active.is_(True))).first()
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    return user if user and ok else None


def sign_in(user: StudioUser) -> None:
    session.clear()
    session["uid"] = user.id
    session["un"] = user.session_nonce


def current_user() -> StudioUser | None:
    if "user" in g:
        return g.user
    user = None
    uid = session.get("uid")
    if uid is not None:
        user = db().get(StudioUser, uid)
        if user is None or not user.active or user.session_nonce != session.get("un"):
            user = None
    g.user = user
    return user


def actor() -> str:
    user = current_user()
    return f"user:{user.id}" if user else "anonymous"


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped


def economy_permission(permission: str):
    """The view's ``code`` names an economy; the user needs ``permission`` there (403 if
    not; 404 if the economy does not exist). The economy row is passed as ``economy``."""
    def decorator(view):
        @wraps(view)
        def wrapped(code: str, *args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
            row = store.economy(db(), code)
            if row is None:
                abort(404)
            if not user.can(code, permission):
                abort(403)
            g.economy = row
            return view(code, *args, economy=row, **kwargs)
        return wrapped
    return decorator


def allowed_economy(code: str, permission: str):
    """The economy row when the signed-in user has ``permission`` there, else None. For
    pages rendered outside a view (the "too large" pages answer before any view runs)."""
    user = current_user()
    row = store.economy(db(), code)
    if user is None or row is None or not user.can(code, permission):
        return None
    g.economy = row
    return row
