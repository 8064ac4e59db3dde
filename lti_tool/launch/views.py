"""OIDC login initiation, the launch endpoint and our JWKS.

The login step signs into the state the nonce and the target it sent the browser off with;
the launch step checks the id_token against exactly that, stores the launch and answers with
its first page (see :mod:`lti_tool.launch.landing`), which carries the launch id.
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request
from sqlalchemy import bindparam, exists, insert, literal_column, select
from werkzeug.exceptions import RequestEntityTooLarge

from digiready.learners import (
    LearnerRef,
    RecentLearners,
    create_learner,
    fill_economy,
    find_learner_and_attempt_statuses,
)
from digiready.storage import session_scope
from digiready.storage.engine import serialized_commit
from lti_tool import claims as C
from lti_tool import events, settings, urls
from lti_tool.keys import jwks_document
from lti_tool.launch import login_state, one_statement
from lti_tool.launch import one_statement as single_write
from lti_tool.launch.landing import plan as plan_landing
from lti_tool.launch.landing import respond
from lti_tool.launch.login_lookup import login_platforms
from lti_tool.launch.validation import (
    MAX_ID_TOKEN_BYTES,
    LaunchError,
    VerifiedLaunch,
    check_launch,
    claim_nonce,
)
from lti_tool.models import Deployment, Launch

bp = Blueprint("launch", __name__)
log = logging.getLogger("lti_tool.launch")


def reject(check: str, message: str, status: int = 400):
    log.warning("launch rejected: %s: %s (from %s)", check, message, request.remote_addr)
    return render_template("error.html", status=status, title="Launch refused", check=check,
                           message=message), status


# Built once: constructing a statement and working out its cache key costs more than
# running it on SQLite. Run on the session's connection (Core): no ORM object is needed.
_INSERT_LAUNCH = insert(Launch.__table__)
# The same insert, only while the launch's deployment is still registered (the launch's
# registration and deployment may come from the worker's last seconds: see
# lti_tool.launch.validation.LAUNCH_LOOKUP_SECONDS); no row inserted = deployment gone.
_INSERT_LAUNCH_CHECKED = insert(Launch.__table__).from_select(
    [c.key for c in Launch.__table__.columns],
    select(*[bindparam(c.key, type_=c.type) for c in Launch.__table__.columns]).where(
        exists(select(literal_column("1")).where(
            Deployment.registration_id == bindparam("registration_id"),
            Deployment.deployment_id == bindparam("deployment_id")))))


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
    found = login_platforms(issuer, client_id)
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
        # The redirect URI is the one registered with the platform (platforms such as Open edX
        # match it exactly), never the target_link_uri, which may be any URL of this tool.
        "prompt": "none", "client_id": registration.client_id,
        "redirect_uri": urls.url("launch", base),
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


def _economy(verified: VerifiedLaunch) -> str | None:
    custom = verified.claims.get(C.CUSTOM) if isinstance(verified.claims.get(C.CUSTOM), dict) else {}
    return str(custom.get("digiready_economy") or verified.registration.economy or "")[:8] or None


def launching_learner(s, verified: VerifiedLaunch) -> tuple[LearnerRef | None, frozenset[str]]:
    """The launching user's learner if it exists already, and whether their diagnostic
    attempts include one in progress and one completed (reads only, one query)."""
    sub = verified.claims.get("sub")
    if not sub:
        return None, frozenset()
    return find_learner_and_attempt_statuses(
        s, learner_platform(verified.registration.issuer), str(sub))


def new_launch(verified: VerifiedLaunch) -> Launch:
    """The launch to store, from its checked claims: an object not in the session (it is
    inserted directly by :func:`store_launch`: the ORM's unit of work costs more than the
    whole insert). Its learner is set when it is stored."""
    claims = verified.claims
    registration = verified.registration
    presentation = claims.get(C.LAUNCH_PRESENTATION)
    locale = presentation.get("locale") if isinstance(presentation, dict) else None
    context = claims.get(C.CONTEXT) if isinstance(claims.get(C.CONTEXT), dict) else {}
    link = claims.get(C.RESOURCE_LINK) if isinstance(claims.get(C.RESOURCE_LINK), dict) else {}
    custom = claims.get(C.CUSTOM) if isinstance(claims.get(C.CUSTOM), dict) else {}
    economy = _economy(verified)
    now = datetime.now(timezone.utc)
    return Launch(
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
        learner_id=None,
        services=_services(claims) | ({"economy": economy} if economy else {})
        | ({"economies": registration.economies} if registration.economies else {}),
        created_at=now,
        expires_at=now + timedelta(hours=settings.launch_ttl_hours()),
    )


_LAUNCH_COLUMNS = tuple(c.key for c in Launch.__table__.columns)


def store_launch(s, verified: VerifiedLaunch, launch: Launch,
                 learner: LearnerRef | None = None, *, check_deployment: bool = False,
                 ) -> LearnerRef | None:
    """The launch's writes: its learner (``learner``, when :func:`launching_learner` found
    it, or a new one), then the launch. Returns the learner, for
    :func:`lti_tool.events.launched`. ``check_deployment``: insert the launch only if its
    deployment is still registered, else raise :class:`~lti_tool.launch.one_statement.GeneralPath` (the
    caller rolls back and does the launch again with a fresh read)."""
    sub = verified.claims.get("sub")
    economy = launch.economy_to_fill()
    if not sub:
        learner = None
    elif learner is None:  # looked for just before: insert first
        learner = create_learner(s, learner_platform(verified.registration.issuer), str(sub),
                                 economy=economy)
    else:
        learner = fill_economy(s, learner, economy)
    launch.learner_id = learner.id if learner else None
    values = {c: getattr(launch, c) for c in _LAUNCH_COLUMNS}
    if not check_deployment:
        s.connection().execute(_INSERT_LAUNCH, values)
    elif s.connection().execute(_INSERT_LAUNCH_CHECKED, values).rowcount != 1:
        raise single_write.GeneralPath("the deployment was removed meanwhile")
    return learner


@bp.route("/lti/launch", methods=["GET", "POST"])
def launch():
    if request.method == "GET":
        return reject("method", "a launch is a form POST from the platform; open the activity "
                                "from your course", 405)
    try:
        id_token, state = request.form.get("id_token"), request.form.get("state")
    except RequestEntityTooLarge:  # Flask's body limit, met while reading the form
        return reject("id_token_size", f"the launch request is larger than "
                                       f"{current_app.config['MAX_CONTENT_LENGTH'] // 1024} KB; an "
                                       f"id_token may be at most {MAX_ID_TOKEN_BYTES // 1024} KB", 413)
    try:
        try:
            verified, stored, landing, learner = _check_and_store(id_token, state,
                                                                  one_statement=True)
        except one_statement.GeneralPath:  # nothing stored: again, in a transaction
            verified, stored, landing, learner = _check_and_store(id_token, state,
                                                                  one_statement=False)
    except LaunchError as exc:  # rolled back: nothing stored
        return reject(exc.check, exc.message, exc.status)
    return respond(landing, stored, verified.registration, learner)


def _check_and_store(id_token, state, *, one_statement: bool):
    with session_scope() as s:
        usable = single_write.usable(s)  # PostgreSQL: the write is one statement
        single = one_statement and usable
        if single:  # no BEGIN/COMMIT: the write below is one (atomic) statement
            single_write.autocommit(s)
        # Reads first: every check, the learner, where the launch will land.
        # The one statement (PostgreSQL), or the launch's INSERT (SQLite), checks again
        # that the deployment is registered, so its registration may come from this
        # worker's last seconds; when it is gone nothing is stored and the launch is done
        # again with a fresh read (one_statement=False), which refuses it.
        kept = single or (one_statement and s.get_bind().dialect.name == "sqlite")
        verified = check_launch(s, id_token, state, secret=current_app.config["SECRET_KEY"],
                                cached_registration=kept)
        platform, sub = learner_platform(verified.registration.issuer), verified.claims.get("sub")
        # Returning learners this app has launched lately: on PostgreSQL their launch skips
        # the read of the learner, and its one statement checks that the row is still the
        # same (digiready.learners.RecentLearners; set up by lti_tool.app.create_app).
        recent_learners: RecentLearners = current_app.extensions["digiready_recent_learners"]
        remembered = recent_learners.get(platform, str(sub)) if single and sub else None
        if remembered is not None:  # the one statement reads their attempt statuses
            learner, statuses = remembered, None
        else:
            learner, statuses = launching_learner(s, verified)
        stored = new_launch(verified)
        landing = plan_landing(s, stored, learner, statuses) if statuses is not None else None
        # Then the writes, together and short: on SQLite they hold the database's one
        # write lock. The nonce goes first; a replay stops here, with nothing stored. On
        # PostgreSQL they are one statement (lti_tool.launch.one_statement).
        with serialized_commit(s):
            if single:  # raises GeneralPath when it stored nothing
                try:  # statuses: read by the write for a remembered learner, else None
                    learner, written_statuses = single_write.store(
                        s, verified, stored, learner, platform,
                        remembered=remembered is not None)
                except single_write.GeneralPath:
                    if remembered is not None:  # perhaps changed: read it again next time
                        recent_learners.forget(platform, str(sub))
                    raise
            else:
                claim_nonce(s, verified)
                learner = store_launch(s, verified, stored, learner, check_deployment=kept)
                events.launched(s, stored, learner)
        if landing is None:  # a remembered learner: their statuses came with the write
            landing = plan_landing(s, stored, learner, written_statuses)
    if usable and learner is not None and sub:
        recent_learners.remember(platform, str(sub), learner)
    return verified, stored, landing, learner


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
