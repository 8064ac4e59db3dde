"""Every check an LTI 1.3 launch must pass (1EdTech Security Framework 5.1.3, LTI Core 5.3).

:func:`validate_launch` is pure protocol: given the posted ``id_token`` and ``state`` and the
pending login they answer, it returns the verified claims or raises :class:`LaunchError`
naming the failed check. It stores nothing except, as its very last step, the nonce, so a
rejected launch leaves no trace but a log line. (:func:`check_launch` and :func:`claim_nonce`
are its two halves, for the launch view, which groups its writes at the end.) The order
follows the spec: what the token is, who signed it, whether it is for us and current, then
the LTI message itself.
"""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from lti_tool import claims as C
from lti_tool import settings
from lti_tool.launch import login_state, nonces, platform_keys
from lti_tool.launch.login_state import LoginState
from lti_tool.models import Deployment, Registration

# Real id_tokens are a few KB (Moodle's about 3 KB; many custom parameters and service
# claims stay under 20 KB). A larger one is refused by name before it is decoded.
MAX_ID_TOKEN_BYTES = 128 * 1024


class LaunchError(Exception):
    """A rejected launch. ``check`` names the failed check (shown on the 4xx page, logged)."""

    def __init__(self, check: str, message: str, status: int = 400) -> None:
        self.check = check
        self.message = message
        self.status = status
        super().__init__(f"{check}: {message}")


@dataclass(frozen=True)
class Platform:
    """What a launch needs of its registration, read in one light query (no ORM object,
    no stored key set)."""

    id: int
    issuer: str
    client_id: str
    jwks_url: str
    economy: str | None
    language: str | None
    auth_login_url: str
    economies: str | None = None  # the economies its learners may choose ("pe ph", "any")


@dataclass
class VerifiedLaunch:
    claims: dict[str, Any]
    registration: Platform
    deployment_id: str
    message_type: str
    target_link_uri: str
    # The nonce to use up, and until when it must be remembered (see :func:`claim_nonce`).
    nonce: str = ""
    nonce_expires_at: datetime | None = None


def _b64json(segment: str, what: str) -> dict:
    try:
        padded = segment + "=" * (-len(segment) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError) as exc:
        raise LaunchError("jwt_format", f"the id_token {what} is not base64url JSON") from exc
    if not isinstance(value, dict):
        raise LaunchError("jwt_format", f"the id_token {what} is not a JSON object")
    return value


def pending_login(secret: str, state: str | None) -> LoginState:
    if not state:
        raise LaunchError("state", "the launch carries no state")
    login = login_state.verify(secret, state)
    if login is None:
        raise LaunchError("state", "the state was not issued by our login step, or it has "
                                   "expired; launch again from the course")
    return login


# Built once (building and keying a statement costs more than running it on SQLite).
_PLATFORM_AND_DEPLOYMENT = select(
    Registration.id, Registration.issuer, Registration.client_id, Registration.jwks_url,
    Registration.economy, Registration.language, Registration.auth_login_url,
    Registration.economies, Deployment.id,
).outerjoin(Deployment, and_(Deployment.registration_id == Registration.id,
                             Deployment.deployment_id == bindparam("deployment_id"))
            ).where(Registration.id == bindparam("registration_id"))


# How long a worker keeps a registration and deployment found by a launch that checks them
# again in its write (``cached=True``: PostgreSQL's one-statement launch, whose statement
# stores nothing when the deployment is gone; see lti_tool.launch.one_statement).
LAUNCH_LOOKUP_SECONDS = 10.0
_lookups: dict[tuple, tuple[float, Platform, int]] = {}


def forget() -> None:
    """Registrations were changed in this process: read them again at the next launch."""
    _lookups.clear()


def _registration_and_deployment(session: Session, registration_id: int,
                                 deployment_id: str | None, *, cached: bool = False,
                                 ) -> tuple[Platform | None, int | None]:
    """The registration, and the id of its deployment ``deployment_id`` if registered.
    ``cached``: a pair found in the last :data:`LAUNCH_LOOKUP_SECONDS` may be reused (only
    for a caller whose write checks that the deployment still exists)."""
    if cached and deployment_id:
        key = (registration_id, deployment_id, session.get_bind().url)
        kept = _lookups.get(key)
        now = time.monotonic()
        if kept is not None and now - kept[0] < LAUNCH_LOOKUP_SECONDS:
            return kept[1], kept[2]
    row = session.connection().execute(_PLATFORM_AND_DEPLOYMENT, {
        "registration_id": registration_id, "deployment_id": deployment_id or ""}).first()
    if row is None:
        return None, None
    platform, deployment = Platform(*row[:8]), (row[8] if deployment_id else None)
    if cached and deployment is not None:  # only what was found is kept
        if len(_lookups) >= 1000:  # many platforms, or junk: start over
            _lookups.clear()
        _lookups[key] = (now, platform, deployment)
    return platform, deployment


def validate_launch(session: Session, id_token: str | None, state: str | None, *,
                    secret: str, now: float | None = None) -> VerifiedLaunch:
    """The verified launch with its nonce used up, or :class:`LaunchError`.

    ``state`` must be one our login step issued (signed with ``secret``) and not expired.
    It is checked by its signature, not against a cookie: inside an LMS iframe the browser
    may drop third-party cookies; the id_token's nonce binds the launch to that login."""
    verified = check_launch(session, id_token, state, secret=secret, now=now)
    claim_nonce(session, verified)
    return verified


def check_launch(session: Session, id_token: str | None, state: str | None, *,
                 secret: str, now: float | None = None,
                 cached_registration: bool = False) -> VerifiedLaunch:
    """Every check but the nonce's single use, reading only: :func:`validate_launch` without
    its final write, for a caller that groups the writes (then it calls :func:`claim_nonce`
    before storing anything). ``cached_registration``: the registration and deployment may
    come from this worker's last seconds (see :func:`_registration_and_deployment`); the
    caller's write must then check that the deployment is still registered."""
    now = time.time() if now is None else now
    leeway = settings.leeway()
    login = pending_login(secret, state)

    # 1. What the token is.
    if not id_token or not isinstance(id_token, str):
        raise LaunchError("jwt_format", "no id_token was posted")
    if len(id_token) > MAX_ID_TOKEN_BYTES:
        raise LaunchError("id_token_size", f"the id_token is {len(id_token) // 1024} KB; it may be "
                                           f"at most {MAX_ID_TOKEN_BYTES // 1024} KB", 413)
    parts = id_token.split(".")
    if len(parts) != 3:
        raise LaunchError("jwt_format", "the id_token is not a JWT (three dot-separated parts)")
    header = _b64json(parts[0], "header")
    unverified = _b64json(parts[1], "payload")
    if header.get("alg") != "RS256":
        raise LaunchError("alg", f"the id_token must be signed with RS256, not {header.get('alg')!r}")
    kid = header.get("kid")
    if not kid or not isinstance(kid, str):
        raise LaunchError("kid", "the id_token header has no kid")

    # 2. Who signed it: the issuer we registered, with a key from its JWKS. The deployment
    # the payload names is looked up in the same query (one round trip instead of two);
    # it is only trusted after the signature verifies, in step 4.
    claimed_deployment = unverified.get(C.DEPLOYMENT_ID)
    if not isinstance(claimed_deployment, str):
        claimed_deployment = None
    registration, known_deployment = _registration_and_deployment(
        session, login.registration_id, claimed_deployment, cached=cached_registration)
    issuer = unverified.get("iss")
    if registration is None:
        raise LaunchError("registration", "the platform this login started with is no longer "
                                          "registered (it was removed after the login began); "
                                          "ask the tool's administrator (digiready lti platform "
                                          "list)", 404)
    if issuer != registration.issuer:
        raise LaunchError("iss", f"issuer {issuer!r} is not the platform this login started with")
    try:
        key = platform_keys.key_for(session, registration.id, registration.jwks_url, kid)
    except platform_keys.KeyFetchError as exc:
        raise LaunchError("kid", str(exc), status=502) from exc
    if key is None:
        raise LaunchError("kid", f"kid {kid!r} is not in the platform's JWKS (even after a refetch)")
    try:
        token = jws.deserialize_compact(id_token, key, algorithms=["RS256"])
    except JoseError as exc:
        raise LaunchError("signature", f"the id_token signature does not verify ({exc.error})") from exc
    claims = json.loads(token.payload)

    # 3. Is it for us, and current?
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if registration.client_id not in audiences:
        raise LaunchError("aud", f"the id_token is not addressed to our client_id {registration.client_id!r}")
    azp = claims.get("azp")
    if len(audiences) > 1 and azp is None:
        raise LaunchError("azp", "several audiences but no azp claim")
    if azp is not None and azp != registration.client_id:
        raise LaunchError("azp", f"azp {azp!r} is not our client_id")
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise LaunchError("exp", "the id_token has no exp")
    if exp + leeway < now:
        raise LaunchError("exp", f"the id_token expired {int(now - exp)} s ago (leeway {leeway} s)")
    if not isinstance(iat, int | float) or isinstance(iat, bool):
        raise LaunchError("iat", "the id_token has no iat")
    if iat - leeway > now:
        raise LaunchError("iat", f"the id_token is issued {int(iat - now)} s in the future "
                                 f"(leeway {leeway} s): check the platform's clock")
    nonce = claims.get("nonce")
    if not nonce or not isinstance(nonce, str):
        raise LaunchError("nonce", "the id_token has no nonce")
    if nonce != login.nonce:
        raise LaunchError("nonce", "the nonce is not the one our login step issued")

    # 4. The LTI message.
    if claims.get(C.VERSION) != "1.3.0":
        raise LaunchError("version", f"LTI version {claims.get(C.VERSION)!r} is not 1.3.0")
    message_type = claims.get(C.MESSAGE_TYPE)
    if message_type not in C.MESSAGE_TYPES:
        raise LaunchError("message_type", f"message type {message_type!r} is not supported")
    deployment_id = claims.get(C.DEPLOYMENT_ID)
    if not deployment_id or not isinstance(deployment_id, str):
        raise LaunchError("deployment_id", "the launch has no deployment_id")
    if deployment_id != claimed_deployment:  # cannot happen: the payload was verified as is
        known_deployment = session.scalar(select(Deployment.id).where(
            Deployment.registration_id == registration.id,
            Deployment.deployment_id == deployment_id))
    if known_deployment is None:
        raise LaunchError("deployment_id", f"deployment {deployment_id!r} is not registered for "
                                           f"this platform (digiready lti platform add)", 403)
    target = claims.get(C.TARGET_LINK_URI)
    if target != login.target_link_uri:
        raise LaunchError("target_link_uri", f"target_link_uri {target!r} differs from the one "
                                             f"requested at login ({login.target_link_uri!r})")
    roles = claims.get(C.ROLES)
    if not isinstance(roles, list):
        raise LaunchError("roles", "the roles claim is missing (it may be empty, not absent)")
    if message_type == C.RESOURCE_LINK_REQUEST:
        link = claims.get(C.RESOURCE_LINK)
        if not isinstance(link, dict) or not link.get("id"):
            raise LaunchError("resource_link_id", "a resource link launch needs resource_link.id")
        if not claims.get("sub"):
            # Anonymous launches exist in the spec, but attempts are saved per learner.
            raise LaunchError("sub", "the launch names no user (sub); DigiReady saves each "
                                     "learner's answers, so it needs one")
    else:
        dl = claims.get(C.DL_SETTINGS)
        if not isinstance(dl, dict) or not dl.get("deep_link_return_url"):
            raise LaunchError("deep_linking_settings",
                              "a deep linking request needs deep_link_return_url")

    # 5. Left to claim_nonce, first of the writes, so a rejected launch stores nothing.
    expires_at = datetime.fromtimestamp(exp + leeway, timezone.utc) + timedelta(seconds=1)
    return VerifiedLaunch(claims, registration, deployment_id, message_type, target,
                          nonce=nonce, nonce_expires_at=expires_at)


def claim_nonce(session: Session, verified: VerifiedLaunch) -> None:
    """The last check: use the nonce up, or :class:`LaunchError` when it was used before
    (by any worker or host). Call it in the transaction that stores the launch."""
    if not nonces.claim(session, verified.registration.issuer, verified.nonce,
                        verified.nonce_expires_at):
        raise LaunchError("nonce", "this id_token was already used (replayed nonce)")
