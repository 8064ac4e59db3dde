"""OAuth 2 access tokens for LTI Advantage services (client_credentials grant with a
``private_key_jwt`` client assertion, 1EdTech Security Framework 4.1). Tokens are cached per
worker until shortly before they expire, so scoring a class does not ask for one per learner.
"""
from __future__ import annotations

import secrets
import threading
import time

import requests
from joserfc import jwt

from lti_tool.keys import signing_key
from lti_tool.models import Registration

_lock = threading.Lock()
_tokens: dict[tuple[str, str, str], tuple[float, str]] = {}


class ServiceError(Exception):
    """A platform service call failed; the message says which and why."""

    def __init__(self, message: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


def client_assertion(registration: Registration) -> str:
    key = signing_key()
    now = int(time.time())
    claims = {"iss": registration.client_id, "sub": registration.client_id,
              "aud": registration.token_url, "iat": now, "exp": now + 300,
              "jti": secrets.token_urlsafe(16)}
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, claims, key)


def access_token(registration: Registration, scopes: list[str]) -> str:
    scope = " ".join(sorted(set(scopes)))
    cache_key = (registration.issuer, registration.client_id, scope)
    with _lock:
        hit = _tokens.get(cache_key)
    if hit and hit[0] > time.time():
        return hit[1]
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": client_assertion(registration),
        "scope": scope,
    }
    try:
        response = requests.post(registration.token_url, data=data, timeout=10,
                                 headers={"Accept": "application/json"})
    except requests.RequestException as exc:
        raise ServiceError(f"token endpoint {registration.token_url} unreachable: {exc}") from exc
    if response.status_code != 200:
        raise ServiceError(f"token endpoint answered {response.status_code}: "
                           f"{response.text[:200]}", response.status_code)
    try:
        body = response.json()
        token = body["access_token"]
        lifetime = int(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as exc:
        raise ServiceError("token endpoint answered without an access_token") from exc
    with _lock:
        _tokens[cache_key] = (time.time() + max(0, lifetime - 60), token)
    return token


def forget_tokens() -> None:
    with _lock:
        _tokens.clear()
