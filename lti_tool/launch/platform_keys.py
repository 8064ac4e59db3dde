"""Platform public keys: fetched from the registration's JWKS URL, parsed once and cached per
worker (and in the database, so a new worker starts without a fetch), refetched once when
an id_token names a ``kid`` we do not know (platforms such as D2L rotate keys hourly).

A refetch per registration happens at most every ``DIGIREADY_LTI_JWKS_MIN_REFETCH_SECONDS``,
so forged tokens with random kids cannot turn the tool into a request amplifier. Cached keys
also expire: after the ``max-age`` of the JWKS response's ``Cache-Control`` (bounded to
[the minimum refetch interval, 24 h]; one hour when the platform sends none, or for the copy
kept in the database), so that a key the platform withdrew stops being accepted. When the
platform cannot be reached at expiry, the keys we have stay in use (a platform outage must
not block every launch) and the next try waits for the minimum refetch interval.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import requests
from joserfc.jwk import KeySet
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from digiready.storage import session_scope
from digiready.storage.engine import serialized_commit
from lti_tool import settings
from lti_tool.models import Registration

log = logging.getLogger("lti_tool.launch")

DEFAULT_MAX_AGE = 3600.0
LONGEST_MAX_AGE = 86400.0

_lock = threading.Lock()


@dataclass(frozen=True)
class _Cached:
    jwks_url: str
    keys: dict  # kid -> parsed key
    fetched: float  # monotonic time of our last fetch (0.0: loaded from the database)
    expires: float  # monotonic time after which the keys are fetched again


# registration id -> its keys
_cache: dict[int, _Cached] = {}


class KeyFetchError(Exception):
    """The platform's JWKS could not be fetched or read."""


def _index(document: dict) -> dict:
    keys = {}
    for jwk in (document or {}).get("keys", []):
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
            continue
        if jwk.get("use", "sig") != "sig":
            continue
        try:
            keyset = KeySet.import_key_set({"keys": [jwk]})
        except Exception:  # a malformed key in the set must not hide the good ones
            continue
        keys[jwk.get("kid")] = keyset.keys[0]
    return keys


def max_age(cache_control: str | None) -> float:
    """Seconds the platform lets us keep its keys, from a ``Cache-Control`` header, bounded."""
    floor = settings.jwks_min_refetch()
    value = (cache_control or "").lower()
    if "no-store" in value or "no-cache" in value:
        return floor
    found = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", value)
    if not found:
        return max(floor, DEFAULT_MAX_AGE)
    return min(max(float(found.group(1)), floor), LONGEST_MAX_AGE)


def fetch(url: str) -> tuple[dict, float]:
    """The key set at ``url`` and how long it may be kept (seconds)."""
    try:
        response = requests.get(url, timeout=5, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise KeyFetchError(f"platform JWKS {url} could not be read: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise KeyFetchError(f"platform JWKS {url} is not a key set")
    return document, max_age(response.headers.get("Cache-Control"))


def _refresh(registration_id: int, jwks_url: str) -> dict:
    document, keep_for = fetch(jwks_url)
    # Kept in the database for the next worker that starts, in a short transaction of its
    # own: the launch's transaction writes only at its end, in one serialized step (a write
    # here would hold SQLite's write lock while the launch waits for that step).
    with session_scope() as own, serialized_commit(own):
        own.execute(update(Registration).where(Registration.id == registration_id).values(
            jwks=document, jwks_fetched_at=datetime.now(timezone.utc)))
    keys = _index(document)
    now = time.monotonic()
    with _lock:
        _cache[registration_id] = _Cached(jwks_url, keys, now, now + keep_for)
    return keys


def _from_database(session: Session, registration_id: int, jwks_url: str) -> _Cached | None:
    row = session.execute(select(Registration.jwks, Registration.jwks_fetched_at)
                          .where(Registration.id == registration_id)).first()
    keys = _index(row[0]) if row is not None and row[0] else None
    if not keys:
        return None
    fetched_at = row[1]
    if fetched_at is not None and fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=timezone.utc)
    age = ((datetime.now(timezone.utc) - fetched_at).total_seconds()
           if fetched_at is not None else DEFAULT_MAX_AGE)
    cached = _Cached(jwks_url, keys, 0.0, time.monotonic() + DEFAULT_MAX_AGE - age)
    with _lock:
        _cache[registration_id] = cached
    return cached


def key_for(session: Session, registration_id: int, jwks_url: str, kid: str):
    """The platform key with this kid, or None after one refetch (the caller rejects).

    ``session`` reads the stored copy on a cold cache (a refetch is stored in a transaction
    of its own)."""
    with _lock:
        cached = _cache.get(registration_id)
    if cached is None or cached.jwks_url != jwks_url:
        cached = _from_database(session, registration_id, jwks_url)
        if cached is None:
            return _refresh(registration_id, jwks_url).get(kid)
    now = time.monotonic()
    may_refetch = now - cached.fetched >= settings.jwks_min_refetch()
    if now >= cached.expires and may_refetch:
        try:
            return _refresh(registration_id, jwks_url).get(kid)
        except KeyFetchError as exc:
            log.warning("%s; keeping the keys fetched before for now", exc)
            with _lock:  # try again after the minimum interval, not at every launch
                _cache[registration_id] = _Cached(jwks_url, cached.keys, now, cached.expires)
            may_refetch = False
    if kid in cached.keys:
        return cached.keys[kid]
    if not may_refetch:
        return None
    return _refresh(registration_id, jwks_url).get(kid)


def forget(registration_id: int | None = None) -> None:
    with _lock:
        if registration_id is None:
            _cache.clear()
        else:
            _cache.pop(registration_id, None)
