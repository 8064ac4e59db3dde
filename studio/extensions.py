"""Flask extensions shared by the Studio's areas (initialised in app.create_app)."""
from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from studio import settings

csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)


def form_limit() -> str:
    """Read per request so tests can change it without code changes."""
    return settings.get("STUDIO_RATELIMIT")
