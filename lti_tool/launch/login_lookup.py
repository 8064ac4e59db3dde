"""Which registration a login means, looked up at most every few seconds per worker.

A platform sends an OIDC login before every launch, and the registration lookup (a session, a
query, a commit) is most of the login step's cost. Only a registration found is kept; the
launch reads its registration from the database again, so a removed platform's logins fail
at the launch, and at the login once the entry is :data:`LOGIN_LOOKUP_SECONDS` old, while a
new platform's first login works at once. Changes made in this process (dynamic
registration, ``service.add``/``remove``) forget the entries at once.
"""
from __future__ import annotations

import time

from sqlalchemy import bindparam, select

from digiready.storage import session_scope
from digiready.storage.engine import database_url
from lti_tool.models import Registration

LOGIN_LOOKUP_SECONDS = 10.0

# Built once: constructing a statement and its cache key costs more than running it.
_login_columns = select(Registration.id, Registration.client_id, Registration.auth_login_url)
_PLATFORM_BY_ISSUER = _login_columns.where(Registration.issuer == bindparam("issuer")).limit(2)
_PLATFORM_BY_CLIENT = _login_columns.where(
    Registration.issuer == bindparam("issuer"), Registration.client_id == bindparam("client_id")
).limit(2)

_lookups: dict[tuple, tuple[float, list]] = {}


def login_platforms(issuer: str, client_id: str | None) -> list:
    """The registrations (id, client_id, auth_login_url) a login from ``issuer`` (and
    ``client_id``, when the platform sends it) can mean: none, one, or several."""
    key = (database_url(), issuer, client_id)
    now = time.monotonic()
    kept = _lookups.get(key)
    if kept is not None and now - kept[0] < LOGIN_LOOKUP_SECONDS:
        return kept[1]
    with session_scope() as s:
        found = s.connection().execute(_PLATFORM_BY_CLIENT if client_id else _PLATFORM_BY_ISSUER,
                                       {"issuer": issuer, "client_id": client_id}).all()
    if len(found) == 1:
        if len(_lookups) >= 1000:  # many issuers, or junk logins: start over
            _lookups.clear()
        _lookups[key] = (now, found)
    return found


def forget() -> None:
    _lookups.clear()
