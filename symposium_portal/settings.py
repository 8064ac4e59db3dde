"""The portal's settings, declared once beside the code that reads them (see digiready.config).

Declared at import time so that ``digiready check-config`` and docs/configuration.md list them
whenever the portal is installed.
"""
from __future__ import annotations

from digiready import config

config.declare("PORTAL_EVENT", "symposium", "Slug of the event the portal serves.")
config.declare(
    "PORTAL_BASE_URL",
    "http://127.0.0.1:8001",
    "Public base URL of the portal, used in emails (never taken from the Host header).",
)
config.declare(
    "PORTAL_RATELIMIT",
    "10/minute;100/hour",
    "Flask-Limiter limits per client IP on registration and sign-in forms.",
)
config.declare(
    "PORTAL_MEETING_RATELIMIT",
    "5/hour;20/day",
    "Meeting requests one registrant may send (Flask-Limiter syntax; requests refused for "
    "another reason do not count).",
)
config.declare(
    "PORTAL_MEETING_RECIPIENT_RATELIMIT",
    "5/hour;15/day",
    "Meeting requests one registrant may receive, from everyone together: each is an email "
    "to them.",
)
config.declare(
    "PORTAL_REPORT_RATELIMIT",
    "5/hour;20/day",
    "Reports one registrant may send to the moderators.",
)
config.declare(
    "PORTAL_TRUSTED_PROXIES",
    "0",
    "Number of reverse proxies in front of the portal whose X-Forwarded-For is trusted.",
    minimum=0,
)
config.declare(
    "PORTAL_HOLD_HOURS",
    "48",
    "Hours a seat is held for a new registrant until they confirm their email address.",
    minimum=1,
)
config.declare(
    "PORTAL_LINK_MAX_AGE_HOURS",
    "720",
    "Lifetime of the signed links in emails (manage registration / sign in), in hours.",
    minimum=1,
)
config.declare("PORTAL_MAIL_FROM", "symposium@digiready.example", "Sender of portal emails.")
config.declare("SMTP_HOST", "127.0.0.1", "SMTP server for `digiready portal send-mail`.")
config.declare("SMTP_PORT", "25", "SMTP port.", minimum=1)
config.declare("SMTP_USER", None, "SMTP user name (optional).")
config.declare("SMTP_PASSWORD", None, "SMTP password (optional).", secret=True)
config.declare("SMTP_STARTTLS", "0", "`1` to use STARTTLS.")


def get(name: str) -> str:
    """A portal setting as a string (every portal setting has a default except SMTP auth)."""
    return config.get(name) or ""


def get_int(name: str) -> int:
    return int(float(get(name)))


def get_float(name: str) -> float:
    return float(get(name))
