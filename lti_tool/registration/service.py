"""Adding, listing and removing platform registrations (used by the CLI and by Dynamic
Registration). A registration maps one (issuer, client_id) to an economy overlay and a
language; it may hold several deployments."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.launch import login_lookup, platform_keys
from lti_tool.models import Deployment, Registration


class RegistrationError(ValueError):
    """A registration that cannot be saved; the message says which field and why."""


@dataclass
class PlatformInput:
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    token_url: str
    jwks_url: str
    economy: str | None = None
    language: str | None = None
    title: str | None = None


def _check_url(name: str, value: str, *, allow_http_hosts=("localhost", "127.0.0.1")) -> None:
    parts = urlsplit(value or "")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise RegistrationError(f"--{name} must be an absolute URL, got {value!r}")
    if parts.scheme == "http" and parts.hostname not in allow_http_hosts:
        raise RegistrationError(f"--{name} must use https (http is only allowed for localhost)")


def validate(data: PlatformInput) -> None:
    _check_url("issuer", data.issuer)
    for name in ("auth-login-url", "token-url", "jwks-url"):
        _check_url(name, getattr(data, name.replace("-", "_")))
    if not data.client_id.strip():
        raise RegistrationError("--client-id must not be empty")
    if data.economy and not re.fullmatch(r"[a-z]{2}", data.economy):
        raise RegistrationError(f"--economy must be a two-letter code such as pe, got {data.economy!r}")
    if data.language and not re.fullmatch(r"[a-z]{2,3}([-_][A-Za-z]{2,4})?", data.language):
        raise RegistrationError(f"--language must be a language code such as es or fil, "
                                f"got {data.language!r}")


def add(session: Session, data: PlatformInput) -> tuple[Registration, bool]:
    """Create the registration, or update it and add deployments if it exists.
    Returns (registration, created)."""
    validate(data)
    row = session.scalars(select(Registration).where(
        Registration.issuer == data.issuer, Registration.client_id == data.client_id)).first()
    created = row is None
    if row is None:
        row = Registration(issuer=data.issuer, client_id=data.client_id)
        session.add(row)
    row.auth_login_url = data.auth_login_url
    row.token_url = data.token_url
    if row.jwks_url != data.jwks_url:
        row.jwks, row.jwks_fetched_at = None, None
    row.jwks_url = data.jwks_url
    row.economy = data.economy or row.economy
    row.language = data.language or row.language
    row.title = data.title or row.title
    session.flush()
    known = {d.deployment_id for d in row.deployments}
    for deployment_id in data.deployment_ids:
        if deployment_id and deployment_id not in known:
            row.deployments.append(Deployment(deployment_id=deployment_id))
            known.add(deployment_id)
    session.flush()
    platform_keys.forget(row.id)
    login_lookup.forget()
    return row, created


def listing(session: Session) -> list[Registration]:
    return list(session.scalars(select(Registration).order_by(Registration.id)))


def remove(session: Session, issuer: str, client_id: str | None = None,
           deployment_id: str | None = None) -> int:
    """Remove a deployment, or whole registrations; returns how many rows went."""
    query = select(Registration).where(Registration.issuer == issuer)
    if client_id:
        query = query.where(Registration.client_id == client_id)
    rows = list(session.scalars(query))
    if deployment_id:
        count = 0
        for row in rows:
            for d in list(row.deployments):
                if d.deployment_id == deployment_id:
                    session.delete(d)
                    count += 1
        return count
    for row in rows:
        platform_keys.forget(row.id)
        session.delete(row)
    login_lookup.forget()
    return len(rows)
