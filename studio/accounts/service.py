"""Accounts and invitations, shared by the web pages and ``digiready studio user ...``."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from digiready.authoring import store
from digiready.authoring.models import utcnow
from studio import settings
from studio.accounts.models import ROLES, StudioInvitation, StudioMembership, StudioUser
from studio.auth import MIN_PASSWORD, hash_password, new_nonce


class AccountError(ValueError):
    """A mistake the person can fix (the message says which)."""


def user_by_email(session: Session, email: str) -> StudioUser | None:
    return session.scalars(select(StudioUser).where(
        func.lower(StudioUser.email) == email.strip().lower())).first()


def add_user(session: Session, email: str, password: str, name: str = "", *,
             is_admin: bool = False, actor: str = "system") -> StudioUser:
    if user_by_email(session, email) is not None:
        raise AccountError(f"an account for {email} already exists")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
    user = StudioUser(email=email.strip(), name=name or email.split("@")[0],
                      password_hash=hash_password(password), is_admin=is_admin,
                      session_nonce=new_nonce())
    session.add(user)
    session.flush()
    store.audit(session, actor, "", "user.created", f"user:{user.id}", admin=is_admin)
    return user


def set_role(session: Session, user: StudioUser, economy: str, role: str | None,
             actor: str) -> None:
    """Give ``user`` ``role`` in ``economy`` (None removes their membership)."""
    if role is not None and role not in ROLES:
        raise AccountError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    found = next((m for m in user.memberships if m.economy == economy), None)
    if role is None:
        if found is not None:
            user.memberships.remove(found)
    elif found is None:
        user.memberships.append(StudioMembership(economy=economy, role=role))
    else:
        found.role = role
    store.audit(session, actor, economy, "member.role", f"user:{user.id}", role=role)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(session: Session, email: str, economy: str, role: str, actor: str) -> str:
    """A new invitation; returns the link to send (only its hash is stored)."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}")
    token = secrets.token_urlsafe(32)
    days = float(settings.get("STUDIO_INVITATION_DAYS") or 7)
    session.add(StudioInvitation(token_hash=_hash(token), email=email.strip(), economy=economy,
                                 role=role, created_by=actor,
                                 expires_at=utcnow() + timedelta(days=days)))
    store.audit(session, actor, economy, "member.invited", email.strip(), role=role)
    return f"{settings.get('STUDIO_BASE_URL').rstrip('/')}/invitation/{token}"


def invitation(session: Session, token: str) -> StudioInvitation | None:
    """The open invitation for ``token``, or None (unknown, used or expired)."""
    found = session.scalars(select(StudioInvitation).where(
        StudioInvitation.token_hash == _hash(token))).first()
    if found is None or found.accepted_at is not None:
        return None
    expires = found.expires_at if found.expires_at.tzinfo else \
        found.expires_at.replace(tzinfo=utcnow().tzinfo)
    return found if expires > utcnow() else None


def accept(session: Session, found: StudioInvitation, name: str, password: str) -> StudioUser:
    user = user_by_email(session, found.email)
    if user is None:
        user = add_user(session, found.email, password, name, actor="invitation")
    set_role(session, user, found.economy, found.role, f"user:{user.id}")
    found.accepted_at = utcnow()
    return user
