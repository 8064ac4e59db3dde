"""Flask extensions shared by the areas (created here, initialised in app.create_app)."""
from __future__ import annotations

import logging

from flask import g, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from digiready import config
from symposium_portal import settings
from symposium_portal.config_checks import limit_problem

log = logging.getLogger(__name__)

csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def _limit(name: str) -> str:
    """A limit setting, read per request (tests and benchmarks raise it without code
    changes). A value Flask-Limiter cannot parse would mean *no* limit at all: the default
    applies instead, and the log says so (``digiready check-config`` reports it as an error)."""
    value = settings.get(name)
    if limit_problem(value) is None:
        return value
    default = config.SETTINGS[name].default
    log.error("DIGIREADY_%s=%r is not a rate limit; using the default %s", name, value, default)
    return default


def form_limit() -> str:
    return _limit("PORTAL_RATELIMIT")


def meeting_limit() -> str:
    return _limit("PORTAL_MEETING_RATELIMIT")


def meeting_recipient_limit() -> str:
    return _limit("PORTAL_MEETING_RECIPIENT_RATELIMIT")


def report_limit() -> str:
    return _limit("PORTAL_REPORT_RATELIMIT")


def by_registrant() -> str:
    """Counts per signed-in registrant, wherever they connect from (anonymous: per IP). By
    reference, not row id: ids repeat between two portals that share one Redis server."""
    from symposium_portal.auth import current_registrant

    reg = current_registrant()
    return f"registrant:{reg.reference}" if reg is not None else get_remote_address()


def by_person_addressed() -> str:
    """Counts per registrant addressed in the URL, whoever sends: their inbox is protected."""
    from symposium_portal.db import db
    from symposium_portal.registration.models import Registration

    person = db().get(Registration, (request.view_args or {}).get("person_id", 0))
    return f"addressed:{person.reference if person is not None else '-'}"


def done(response) -> bool:
    """Only what was done counts against a limit (a redirect after success), not a form
    with an error or a refused duplicate (a view sets ``g.not_counted``)."""
    return response.status_code == 303 and not g.get("not_counted")


def post_only() -> bool:
    """Exempt GET/HEAD: reading the form must never be rate limited, submitting it is."""
    return request.method not in ("POST", "PUT", "DELETE")
