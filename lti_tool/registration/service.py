"""Adding, listing and removing platform registrations (used by the CLI and by Dynamic
Registration). A registration maps one (issuer, client_id) to an economy overlay and a
language; it may hold several deployments. It may also let its learners choose among several
economies (``economies``: "pe ph", or "any"): their answer to the economy question then picks
the overlay (decided by the core, :func:`digiready.packs.paths.overlay_for`)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from digiready.packs.paths import ANY_ECONOMY, allowed_economies
from lti_tool.launch import login_lookup, platform_keys, validation
from lti_tool.models import Deployment, Registration

# Where each value is stored, and its column's size (a longer value would fail on PostgreSQL
# only after the platform has recorded the registration).
LIMITS = {"issuer": 255, "client_id": 255, "deployment_ids": 255, "auth_login_url": 1024,
          "token_url": 1024, "jwks_url": 1024, "title": 255}
URL_FIELDS = ("issuer", "auth_login_url", "token_url", "jwks_url")


class RegistrationError(ValueError):
    """A registration that cannot be saved. ``field`` (a :class:`PlatformInput` attribute) and
    ``problem`` say what is wrong, so each adapter words it for its reader; ``str()`` is the
    CLI's wording, with the option's name."""

    def __init__(self, field: str, problem: str, value: str | None = None,
                 limit: int | None = None, known: tuple[str, ...] = ()) -> None:
        self.field, self.problem, self.value, self.limit = field, problem, value, limit
        self.known = known  # for "no_overlay": the economies that have one
        super().__init__(self._cli_message())

    def _cli_message(self) -> str:
        flag = "--" + {"deployment_ids": "deployment_id"}.get(self.field, self.field).replace("_", "-")
        return {
            "not_absolute": f"{flag} must be an absolute URL, got {self.value!r}",
            "not_https": f"{flag} must use https (http is only allowed for localhost)",
            "empty": f"{flag} must not be empty",
            "too_long": f"{flag} is longer than {self.limit} characters",
            "not_economy": f"{flag} must be a two-letter code such as pe, got {self.value!r}",
            "no_overlay": f"{flag}: there is no economy overlay {self.value!r}; choose among "
                          f"{', '.join(self.known) or '(none installed)'}, or {ANY_ECONOMY}",
            "not_language": f"{flag} must be a language code such as es or fil, got {self.value!r}",
            "exists": f"{self.value} is already registered",
        }[self.problem]


@dataclass
class PlatformInput:
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    token_url: str
    jwks_url: str
    # None keeps what the registration has; "" clears it (the base pack; the learner's
    # LMS language; no choice of economy).
    economy: str | None = None
    language: str | None = None
    title: str | None = None
    # The economies learners may choose: "pe ph", "pe,ph" or "any" (see
    # :func:`normalise_economies`).
    economies: str | None = None


def normalise_economies(value: str | None) -> str | None:
    """How ``economies`` is stored: None (keep) and "" (clear) as they are, else the codes in
    lower case separated by one space, or ``any``."""
    if value is None or not value.strip():
        return value if value is None else ""
    allowed = allowed_economies(value)
    return allowed if allowed == ANY_ECONOMY else " ".join(allowed)


def _check_url(name: str, value: str, *, allow_http_hosts=("localhost", "127.0.0.1")) -> None:
    parts = urlsplit(value or "")
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise RegistrationError(name, "not_absolute", value)
    if parts.scheme == "http" and parts.hostname not in allow_http_hosts:
        raise RegistrationError(name, "not_https", value)


def _check_length(name: str, value: str | None) -> None:
    if value and len(value) > LIMITS[name]:
        raise RegistrationError(name, "too_long", value, LIMITS[name])


def validate(data: PlatformInput) -> None:
    """Every value that will be stored, checked before anything is stored."""
    validate_platform(data)
    validate_client(data)


def validate_client(data: PlatformInput) -> None:
    """What the platform assigns (Dynamic Registration learns it only from its answer)."""
    if not (data.client_id or "").strip():
        raise RegistrationError("client_id", "empty")
    _check_length("client_id", data.client_id)
    for deployment_id in data.deployment_ids:
        _check_length("deployment_ids", deployment_id)


def validate_platform(data: PlatformInput) -> None:
    """What the platform's configuration and the admin give: checked before Dynamic
    Registration sends anything to the platform."""
    for name in URL_FIELDS:
        _check_url(name, getattr(data, name))
        _check_length(name, getattr(data, name))
    _check_length("title", data.title)
    if data.economy and not re.fullmatch(r"[a-z]{2}", data.economy):
        raise RegistrationError("economy", "not_economy", data.economy)
    check_economies(data.economies)
    if data.language and not re.fullmatch(r"[a-z]{2,3}([-_][A-Za-z]{2,4})?", data.language):
        raise RegistrationError("language", "not_language", data.language)


def check_economies(value: str | None) -> None:
    """Every economy a registration lets its learners choose has an overlay the tool can
    serve (``any`` needs none)."""
    allowed = allowed_economies(value)
    if not allowed or allowed == ANY_ECONOMY:
        return
    from lti_tool.content import available_economies

    known = available_economies()
    for code in allowed:
        if code not in known:
            raise RegistrationError("economies", "no_overlay", code, known=tuple(known))


def _existing(session: Session, issuer: str, client_id: str) -> Registration | None:
    return session.scalars(select(Registration).where(
        Registration.issuer == issuer, Registration.client_id == client_id)).first()


def add(session: Session, data: PlatformInput) -> tuple[Registration, bool]:
    """Create the registration, or update it and add deployments if it exists (the admin's
    path, ``digiready lti platform add``). Returns (registration, created)."""
    validate(data)
    row = _existing(session, data.issuer, data.client_id)
    created = row is None
    if row is None:
        row = Registration(issuer=data.issuer, client_id=data.client_id)
        session.add(row)
    _store(session, row, data)
    return row, created


def create(session: Session, data: PlatformInput) -> Registration:
    """A new registration only (Dynamic Registration's path): an existing (issuer, client_id)
    is never changed this way, whatever the platform answered."""
    validate(data)
    if _existing(session, data.issuer, data.client_id) is not None:
        raise RegistrationError("client_id", "exists", f"{data.issuer} client_id={data.client_id}")
    row = Registration(issuer=data.issuer, client_id=data.client_id)
    session.add(row)
    _store(session, row, data)
    return row


def _store(session: Session, row: Registration, data: PlatformInput) -> None:
    row.auth_login_url = data.auth_login_url
    row.token_url = data.token_url
    if row.jwks_url != data.jwks_url:
        row.jwks, row.jwks_fetched_at = None, None
    row.jwks_url = data.jwks_url
    if data.economy is not None:
        row.economy = data.economy or None
    if data.language is not None:
        row.language = data.language or None
    if data.economies is not None:
        row.economies = normalise_economies(data.economies) or None
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
    validation.forget()


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
        validation.forget()
        return count
    for row in rows:
        platform_keys.forget(row.id)
        session.delete(row)
    login_lookup.forget()
    validation.forget()
    return len(rows)
