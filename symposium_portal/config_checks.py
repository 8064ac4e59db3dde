"""The portal's part of ``digiready check-config`` (registered in :mod:`symposium_portal.adapter`).

Plain number ranges (hold hours, link lifetime) are declared with the settings and checked by
the core; here is what only the portal knows: its rate limits must be limits Flask-Limiter can
read (an unreadable one meant *no* limit), and in production its public URL must be a real
https address (an http one drops the cookies' Secure flag and sends every emailed link, a
bearer token, in clear). No Flask import: ``check-config`` runs on any install.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from digiready import config
from digiready.ops.checks import Problem

LIMIT_SETTINGS = ("PORTAL_RATELIMIT", "PORTAL_MEETING_RATELIMIT",
                  "PORTAL_MEETING_RECIPIENT_RATELIMIT", "PORTAL_REPORT_RATELIMIT")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def limit_problem(value: str) -> str | None:
    """Why a value is not a Flask-Limiter limit (``10/minute;100/hour``), or None."""
    from limits import parse_many

    try:
        parsed = parse_many(value)
    except ValueError as exc:
        return str(exc) or "not a rate limit"
    return None if parsed else "no limit given"


def check_portal_settings() -> list[Problem]:
    problems = []
    for name in LIMIT_SETTINGS:
        value = config.get(name) or ""
        problem = limit_problem(value)
        if problem:
            env = config.PREFIX + name
            problems.append(Problem(
                "error", env, f"{env} {value!r} is not a rate limit ({problem}): write e.g. "
                f"{config.SETTINGS[name].default!r} (a number per second/minute/hour/day, "
                "several separated by ';')"))
    if config.get("ENV") == "production":
        env = config.PREFIX + "PORTAL_BASE_URL"
        base = config.get("PORTAL_BASE_URL") or ""
        parts = urlsplit(base)
        if (parts.hostname or "") in LOOPBACK:
            problems.append(Problem(
                "error", env, f"{env} is {base} in production: emailed links would point at "
                "the server itself; set the portal's public URL"))
        elif parts.scheme != "https":
            problems.append(Problem(
                "error", env, f"{env} is {base} in production: with http the session cookie "
                "loses its Secure flag and the links in emails travel in clear; serve the "
                "portal over https and set its https:// address"))
    return problems
