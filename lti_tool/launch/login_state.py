"""The OIDC ``state``: what our login step promised, signed so that the launch can check it
without a database row or a cookie.

The state names the registration, the nonce and the target_link_uri the login sent the
browser off with, and when it expires; an HMAC with the app's secret makes it unforgeable.
Nothing is written at login (a platform can send many logins that never launch), every
worker and host can check it, and third-party-cookie blocking in the LMS iframe does not
matter. Single use comes from the nonce store: the id_token must carry this state's nonce,
and a nonce is accepted once.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class LoginState:
    registration_id: int
    nonce: str
    target_link_uri: str
    expires_at: float


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _sign(secret: str, body: str) -> str:
    return _b64(hmac.new(secret.encode(), b"lti-state\n" + body.encode(), hashlib.sha256).digest())


def issue(secret: str, registration_id: int, target_link_uri: str, ttl: int) -> tuple[str, str]:
    """A new (state, nonce) pair for this login."""
    nonce = secrets.token_urlsafe(24)
    body = _b64(json.dumps([registration_id, nonce, target_link_uri, int(time.time()) + ttl],
                           separators=(",", ":")).encode())
    return f"{body}.{_sign(secret, body)}", nonce


def verify(secret: str, state: str) -> LoginState | None:
    """The login this state stands for, or None when it is forged, damaged or expired."""
    body, _, signature = (state or "").partition(".")
    if not body or not signature or len(state) > 4096:
        return None
    if not hmac.compare_digest(signature, _sign(secret, body)):
        return None
    try:
        registration_id, nonce, target, expires = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except (ValueError, TypeError):
        return None
    if expires < time.time():
        return None
    return LoginState(int(registration_id), str(nonce), str(target), float(expires))
