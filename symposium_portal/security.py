"""Signed links and staff roles.

Links in emails are bearer tokens, so they carry the registration's ``link_nonce`` (rotated
by "sign out everywhere", withdrawal and account deletion) and expire after
``DIGIREADY_PORTAL_LINK_MAX_AGE_HOURS``. An expired link gets a page that offers a fresh one,
not a dead end.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from symposium_portal import settings

ROLE_RANK = {"viewer": 1, "moderator": 2, "organiser": 3}


class LinkExpired(Exception):
    """The link was genuine but is too old."""


class LinkInvalid(Exception):
    """The link was tampered with, is for another purpose, or was revoked."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal-{purpose}")


@dataclass(frozen=True)
class LinkPayload:
    reference: str
    nonce: str


def make_link_token(purpose: str, reference: str, nonce: str,
                    issued_at: float | None = None) -> str:
    """A link names the registration by its reference, not its row id: the email can be
    written before the row is inserted (outside the seat lock), and ids reveal nothing about
    how many people registered. ``issued_at`` lets tests mint an old token."""
    ser = _serializer(purpose)
    if issued_at is None:
        return ser.dumps([reference, nonce])
    signer = ser.make_signer(ser.salt)
    signer.get_timestamp = lambda: int(issued_at)  # type: ignore[method-assign]
    payload = ser.dump_payload([reference, nonce])
    return signer.sign(payload).decode()


def read_link_token(purpose: str, token: str, max_age_hours: float | None = None) -> LinkPayload:
    hours = settings.get_float("PORTAL_LINK_MAX_AGE_HOURS") if max_age_hours is None \
        else max_age_hours
    try:
        reference, nonce = _serializer(purpose).loads(token, max_age=int(hours * 3600))
    except SignatureExpired as exc:
        raise LinkExpired() from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise LinkInvalid() from exc
    return LinkPayload(str(reference), str(nonce))


def now() -> float:
    return time.time()


def role_at_least(role: str | None, needed: str) -> bool:
    return ROLE_RANK.get(role or "", 0) >= ROLE_RANK[needed]
