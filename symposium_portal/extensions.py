"""Flask extensions shared by the areas (created here, initialised in app.create_app)."""
from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from symposium_portal import settings

csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def form_limit() -> str:
    """Read per request so that tests and benchmarks can raise it without code changes."""
    return settings.get("PORTAL_RATELIMIT")


def post_only() -> bool:
    """Exempt GET/HEAD: reading the form must never be rate limited, submitting it is."""
    return request.method not in ("POST", "PUT", "DELETE")
