"""Our public URLs, as a platform admin enters them and as the launch checks compare them.

Behind a TLS proxy the request arrives over plain HTTP, so the public base comes from
``DIGIREADY_LTI_BASE_URL`` when set, else from the request with ProxyFix applied (see
:func:`lti_tool.app.create_app`)."""
from __future__ import annotations

from flask import request

from digiready import config

PATHS = {
    "login": "/lti/login",
    "launch": "/lti/launch",
    "deep_linking": "/lti/launch",
    "jwks": "/.well-known/jwks.json",
    "register": "/lti/register",
}


def base_url() -> str:
    configured = config.get("LTI_BASE_URL")
    if configured:
        return configured.rstrip("/")
    return request.url_root.rstrip("/")


def url(name: str, base: str | None = None) -> str:
    return (base or base_url()) + PATHS[name]


def registration_url(base: str, secret: str) -> str:
    """A one-time Dynamic Registration address (see :mod:`lti_tool.registration.invites`)."""
    return f"{base.rstrip('/')}{PATHS['register']}/{secret}"


def all_urls(base: str) -> dict[str, str]:
    return {
        "OIDC login initiation URL": url("login", base),
        "Redirect URI (launch)": url("launch", base),
        "Target link URI (launch)": url("launch", base),
        "Deep linking URL": url("deep_linking", base),
        "Public keyset (JWKS) URL": url("jwks", base),
    }
