"""One-time dynamic-registration addresses.

Dynamic Registration lets whoever opens the tool's registration page register a platform,
so the page only opens through an address an admin created for one platform: a random
secret in the path, stored hashed, that expires and is spent by the registration it allowed.
The secret has 256 bits, so a plain SHA-256 (not a slow password hash) is enough to keep a
copy of the database from being usable to register.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_tool.models import RegistrationInvite

DEFAULT_LIFETIME = timedelta(days=1)
LONGEST_LIFETIME = timedelta(days=30)
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class InviteError(ValueError):
    """The registration address cannot be used; ``reason`` is ``unknown``, ``used`` or
    ``expired``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Invite:
    id: int
    economy: str | None
    language: str | None
    expires_at: datetime
    economies: str | None = None  # the economies learners may choose ("pe ph", "any")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_lifetime(text: str) -> timedelta:
    """``30m``, ``12h`` or ``7d`` (at most 30 days)."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhd])\s*", text or "")
    if not match:
        raise ValueError(f"expected a number and a unit, such as 30m, 12h or 7d; got {text!r}")
    lifetime = timedelta(**{_UNITS[match[2]]: int(match[1])})
    if not timedelta(minutes=1) <= lifetime <= LONGEST_LIFETIME:
        raise ValueError(f"must be between 1 minute and {LONGEST_LIFETIME.days} days; got {text!r}")
    return lifetime


def create(session: Session, economy: str | None, language: str | None,
           lifetime: timedelta = DEFAULT_LIFETIME, economies: str | None = None
           ) -> tuple[str, Invite]:
    """A new invite; returns its secret (shown once, never stored) and the invite.
    ``economies``: the economies the registration's learners may choose (checked already)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(timezone.utc)
    row = RegistrationInvite(token_hash=token_hash(token), economy=economy, language=language,
                             economies=economies or None, created_at=now,
                             expires_at=now + lifetime)
    session.add(row)
    session.flush()
    return token, _invite(row)


def _invite(row: RegistrationInvite) -> Invite:
    return Invite(row.id, row.economy, row.language, _aware(row.expires_at), row.economies)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes (stored as UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def find(session: Session, token: str) -> Invite:
    """The invite this secret opens, if it can still be used."""
    row = session.scalars(select(RegistrationInvite).where(
        RegistrationInvite.token_hash == token_hash(token))).first() if token else None
    if row is None:
        raise InviteError("unknown")
    if row.used_at is not None:
        raise InviteError("used")
    if _aware(row.expires_at) <= datetime.now(timezone.utc):
        raise InviteError("expired")
    return _invite(row)


def claim(session: Session, token: str) -> Invite:
    """Take the invite for one registration attempt. One statement decides, so of two
    attempts at the same moment only one gets it; call it in its own transaction."""
    invite = find(session, token)
    taken = session.execute(
        update(RegistrationInvite)
        .where(RegistrationInvite.id == invite.id, RegistrationInvite.used_at.is_(None))
        .values(used_at=datetime.now(timezone.utc))
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise InviteError("used")
    return invite


def release(session: Session, invite_id: int) -> None:
    """Give an invite back after an attempt the platform did not record (it refused, or could
    not be reached): the admin can try again with the same address."""
    session.execute(update(RegistrationInvite)
                    .where(RegistrationInvite.id == invite_id,
                           RegistrationInvite.registration_id.is_(None))
                    .values(used_at=None).execution_options(synchronize_session=False))


def spend(session: Session, invite_id: int, registration_id: int) -> None:
    session.execute(update(RegistrationInvite).where(RegistrationInvite.id == invite_id)
                    .values(registration_id=registration_id)
                    .execution_options(synchronize_session=False))
