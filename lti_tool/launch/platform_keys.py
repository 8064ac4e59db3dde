"""Platform public keys: fetched from the registration's JWKS URL, cached per worker and in
the database, refetched once when an id_token names a ``kid`` we do not know (platforms such
as D2L rotate keys hourly). A refetch per registration happens at most every
``DIGIREADY_LTI_JWKS_MIN_REFETCH_SECONDS``, so forged tokens with random kids cannot turn
the tool into a request amplifier."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

import requests
from joserfc.jwk import KeySet

from lti_tool import settings
from lti_tool.models import Registration

_lock = threading.Lock()
# registration id -> (jwks_url, {kid: key}, monotonic time of the last fetch)
_cache: dict[int, tuple[str, dict, float]] = {}


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


def fetch(url: str) -> dict:
    try:
        response = requests.get(url, timeout=5, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise KeyFetchError(f"platform JWKS {url} could not be read: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise KeyFetchError(f"platform JWKS {url} is not a key set")
    return document


def _refresh(registration: Registration) -> dict:
    document = fetch(registration.jwks_url)
    registration.jwks = document
    registration.jwks_fetched_at = datetime.now(timezone.utc)
    keys = _index(document)
    with _lock:
        _cache[registration.id] = (registration.jwks_url, keys, time.monotonic())
    return keys


def key_for(registration: Registration, kid: str):
    """The platform key with this kid, or None after one refetch (the caller rejects)."""
    with _lock:
        cached = _cache.get(registration.id)
    if cached is None or cached[0] != registration.jwks_url:
        keys = _index(registration.jwks) if registration.jwks else None
        if keys:
            with _lock:
                _cache[registration.id] = (registration.jwks_url, keys, 0.0)
            cached = _cache[registration.id]
        else:
            keys = _refresh(registration)
            return keys.get(kid)
    url, keys, fetched = cached
    if kid in keys:
        return keys[kid]
    if time.monotonic() - fetched < settings.jwks_min_refetch():
        return None
    return _refresh(registration).get(kid)


def forget(registration_id: int | None = None) -> None:
    with _lock:
        if registration_id is None:
            _cache.clear()
        else:
            _cache.pop(registration_id, None)
