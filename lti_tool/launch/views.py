"""OIDC login initiation, the launch endpoint and our JWKS.

The login step signs into the state the nonce and the target it sent the browser off with;
the launch step checks the id_token against exactly that, then stores the launch and sends
the browser straight to its page with the launch id in the URL.
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from digiready.attempts import get_or_create_learner
from digiready.storage import session_scope
from lti_tool import claims as C
from lti_tool import events, settings, urls
from lti_tool.keys import jwks_document
from lti_tool.launch import login_state
from lti_tool.launch.validation import LaunchError, VerifiedLaunch, validate_launch
from lti_tool.models import Launch, Registration

bp = Blueprint("launch", __name__)
log = logging.getLogger("lti_tool.launch")


def reject(check: str, message: str, status: int = 400):
    log.warning("launch rejected: %s: %s (from %s)", check, message, request.remote_addr)
    return render_template("error.html", status=status, title="Launch refused", check=check,
                           message=message), status


@bp.route("/lti/login", methods=["GET", "POST"])
def login():
    """Third-party initiated login: remember what we sent, redirect to the platform."""
    params = request.values
    issuer = params.get("iss")
    login_hint = params.get("login_hint")
    target = params.get("target_link_uri")
    if not issuer:
        return reject("iss", "the login request names no issuer (iss)")
    if not login_hint:
        return reject("login_hint", "the login request has no login_hint")
    base = urls.base_url()
    ours = urlsplit(base)
    wanted = urlsplit(target or "")
    if not target or (wanted.scheme, wanted.netloc) != (ours.scheme, ours.netloc):
        return reject("target_link_uri", f"target_link_uri {target!r} is not a URL of this tool "
                                         f"({base})")
    client_id = params.get("client_id")
    with session_scope() as s:
        query = select(Registration).where(Registration.issuer == issuer)
        if client_id:
            query = query.where(Registration.client_id == client_id)
        found = s.scalars(query.limit(2)).all()
        if not found:
            return reject("iss", f"no platform is registered with issuer {issuer!r}"
                                 + (f" and client_id {client_id!r}" if client_id else "")
                                 + " (digiready lti platform add)", 404)
        if len(found) > 1:
            return reject("client_id", "several registrations share this issuer; the platform "
                                       "must send client_id")
        registration = found[0]
        state, nonce = login_state.issue(current_app.config["SECRET_KEY"], registration.id,
                                         target[:1024], settings.login_ttl())
        query_args = {
            "scope": "openid", "response_type": "id_token", "response_mode": "form_post",
            "prompt": "none", "client_id": registration.client_id, "redirect_uri": target,
            "login_hint": login_hint, "state": state, "nonce": nonce,
        }
        if params.get("lti_message_hint"):
            query_args["lti_message_hint"] = params["lti_message_hint"]
        auth = registration.auth_login_url
    separator = "&" if "?" in auth else "?"
    return redirect(auth + separator + urlencode(query_args), code=302)


def _services(claims: dict) -> dict:
    services: dict = {}
    ags = claims.get(C.AGS_ENDPOINT)
    if isinstance(ags, dict):
        services["ags"] = {k: ags.get(k) for k in ("scope", "lineitems", "lineitem")}
    nrps = claims.get(C.NRPS)
    if isinstance(nrps, dict) and nrps.get("context_memberships_url"):
        services["nrps"] = nrps["context_memberships_url"]
    dl = claims.get(C.DL_SETTINGS)
    if isinstance(dl, dict):
        services["deep_linking"] = dl
    presentation = claims.get(C.LAUNCH_PRESENTATION)
    if isinstance(presentation, dict) and presentation.get("return_url"):
        services["return_url"] = presentation["return_url"]
    custom = claims.get(C.CUSTOM)
    if isinstance(custom, dict):
        services["custom"] = {str(k)[:64]: str(v)[:255] for k, v in list(custom.items())[:20]}
    return services


def _target(claims: dict) -> str:
    custom = claims.get(C.CUSTOM) if isinstance(claims.get(C.CUSTOM), dict) else {}
    target = str(custom.get("digiready_target") or "diagnostic")
    kind, _, ident = target.partition(":")
    if kind in ("module", "survey") and ident:
        return target[:128]
    return "diagnostic"


def learner_platform(issuer: str) -> str:
    """The ``core_learner.platform`` of an LTI user (the events API uses the same key)."""
    return ("lti:" + issuer)[:255]


def store_launch(s, verified: VerifiedLaunch) -> Launch:
    claims = verified.claims
    registration = verified.registration
    presentation = claims.get(C.LAUNCH_PRESENTATION)
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    context = claims.get(C.CONTEXT) if isinstance(claims.get(C.CONTEXT), dict) else {}
    link = claims.get(C.RESOURCE_LINK) if isinstance(claims.get(C.RESOURCE_LINK), dict) else {}
    custom = claims.get(C.CUSTOM) if isinstance(claims.get(C.CUSTOM), dict) else {}
    economy = str(custom.get("digiready_economy") or registration.economy or "")[:8] or None
    learner = None
    if claims.get("sub"):
        learner = get_or_create_learner(s, learner_platform(registration.issuer),
                                        str(claims["sub"])[:255], economy=economy)
    launch = Launch(
        id=secrets.token_urlsafe(32), registration_id=registration.id,
        deployment_id=verified.deployment_id, message_type=verified.message_type,
        sub=str(claims["sub"])[:255] if claims.get("sub") else None,
        name=str(claims.get("name") or claims.get("given_name") or "")[:255] or None,
        roles=[str(r) for r in claims.get(C.ROLES, [])][:30],
        context_id=str(context.get("id"))[:255] if context.get("id") else None,
        context_title=str(context.get("title") or context.get("label") or "")[:255] or None,
        resource_link_id=str(link.get("id"))[:255] if link.get("id") else None,
        target=_target(claims),
        language=(str(custom.get("digiready_language") or registration.language or locale or "")
                  [:16] or None),
        learner_id=learner.id if learner else None,
        services=_services(claims) | ({"economy": economy} if economy else {}),
        expires_at=datetime.now(timezone.utc) + timedelta(hours=settings.launch_ttl_hours()),
    )
    launch.registration = registration
    s.add(launch)
    s.flush()
    events.launched(s, launch, learner)
    return launch


@bp.route("/lti/launch", methods=["GET", "POST"])
def launch():
    if request.method == "GET":
        return reject("method", "a launch is a form POST from the platform; open the activity "
                                "from your course", 405)
    try:
        with session_scope() as s:
            verified = validate_launch(s, request.form.get("id_token"), request.form.get("state"),
                                       secret=current_app.config["SECRET_KEY"])
            stored = store_launch(s, verified)
            where = _first_page(s, stored)
    except LaunchError as exc:  # session_scope rolled back: nothing stored
        return reject(exc.check, exc.message, exc.status)
    return redirect(where, code=303)


def _first_page(s, launch: Launch) -> str:
    """Where a launch lands: one redirect, straight to the page (no intermediate hop)."""
    target = launch.target
    if launch.message_type == C.DEEP_LINKING_REQUEST:
        return url_for("deep_linking.picker", launch=launch.id)
    if target.startswith("module:"):
        return url_for("learner.module", module_id=target[7:], launch=launch.id)
    if target.startswith("survey:"):
        return url_for("learner.survey", module_id=target[7:], launch=launch.id)
    if C.is_instructor(launch.roles):
        return url_for("instructor.dashboard", launch=launch.id)
    if launch.learner_id is not None:
        from digiready.attempts import latest_completed
        from digiready.storage.models import Attempt, Learner

        learner = s.get(Learner, launch.learner_id)
        busy = s.scalar(select(Attempt.id).where(Attempt.learner_id == learner.id,
                                                 Attempt.status == "in_progress").limit(1))
        if busy is None and latest_completed(s, learner) is not None:
            return url_for("learner.results", launch=launch.id)
    return url_for("learner.diagnostic", launch=launch.id)


@bp.get("/.well-known/jwks.json")
def jwks():
    response = jsonify(jwks_document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/lti/jwks")
def jwks_alias():
    return jwks()


@bp.get("/")
def index():
    abort(404, description="This is the DigiReady LTI tool. Add it to a course in your LMS; "
                           "see `digiready lti info` for the URLs to enter.")
