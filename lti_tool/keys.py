"""Our RSA signing keys: created on first use, rotated by ``digiready lti keys rotate``.

The newest unretired key signs deep-linking responses and client assertions; keys retired
less than ``DIGIREADY_LTI_KEY_OVERLAP_HOURS`` ago stay in the published JWKS, so a platform
that cached our old key set still verifies messages signed just before the rotation.
Keys live in the database (not on a worker's disk) so that every worker and host signs with
the same key. Each worker caches them for a few seconds.
"""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

from joserfc.jwk import RSAKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool import settings
from lti_tool.models import ToolKey

_CACHE_SECONDS = 10.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, object]] = {}


def _new_key(session: Session) -> ToolKey:
    key = RSAKey.generate_key(2048, auto_kid=True)
    public = dict(key.as_dict(private=False), alg="RS256", use="sig")
    row = ToolKey(kid=key.kid, private_pem=key.as_pem(private=True).decode(), public_jwk=public)
    session.add(row)
    session.flush()
    return row


def active_key(session: Session) -> ToolKey:
    """The key that signs now; the first call on an empty database creates it (two workers
    racing both try, one insert wins, the other reads it)."""
    row = session.scalars(select(ToolKey).where(ToolKey.retired_at.is_(None))
                          .order_by(ToolKey.id.desc())).first()
    if row is None:
        try:
            with session.begin_nested():
                row = _new_key(session)
        except IntegrityError:
            row = session.scalars(select(ToolKey).where(ToolKey.retired_at.is_(None))
                                  .order_by(ToolKey.id.desc())).first()
    return row


def rotate(session: Session) -> tuple[ToolKey, list[ToolKey]]:
    """Create a new signing key and retire the others; returns (new, retired)."""
    now = datetime.now(timezone.utc)
    retired = list(session.scalars(select(ToolKey).where(ToolKey.retired_at.is_(None))))
    for row in retired:
        row.retired_at = now
    new = _new_key(session)
    clear_cache()
    return new, retired


def published(session: Session) -> list[dict]:
    """Public JWKs to publish: active keys plus keys retired within the overlap period."""
    active_key(session)
    cutoff = datetime.now(timezone.utc) - timedelta(hours=settings.key_overlap_hours())
    rows = session.scalars(select(ToolKey).order_by(ToolKey.id.desc())).all()
    keys = []
    for row in rows:
        retired = row.retired_at
        if retired is not None and retired.tzinfo is None:
            retired = retired.replace(tzinfo=timezone.utc)
        if retired is None or retired > cutoff:
            keys.append(row.public_jwk)
    return keys


def _cached(name: str, build):
    now = time.monotonic()
    with _lock:
        hit = _cache.get(name)
        if hit and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    value = build()
    with _lock:
        _cache[name] = (now, value)
    return value


def signing_key() -> RSAKey:
    """The active key as a joserfc key (kid set), cached per worker."""
    from digiready.storage import session_scope

    def build() -> RSAKey:
        with session_scope() as s:
            row = active_key(s)
            return RSAKey.import_key(row.private_pem, {"kid": row.kid, "alg": "RS256",
                                                        "use": "sig"})
    return _cached("signing", build)


def jwks_document() -> dict:
    from digiready.storage import session_scope

    def build() -> dict:
        with session_scope() as s:
            return {"keys": published(s)}
    return _cached("jwks", build)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
