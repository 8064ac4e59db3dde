"""The dynamic registration page: check the platform, confirm, register.

It opens only through a one-time address an admin created (``/lti/register/<secret>``, see
:mod:`lti_tool.registration.invites`), which fixes the economy; it only ever adds a new
registration. Everything that will be stored is checked before the platform is asked to
record anything. The page runs in the platform's iframe, where our cookies may be dropped,
so its CSRF token is bound to the address and the platform's registration token rather than
to a session. Its texts speak to the platform's admin: no command-line names."""
from __future__ import annotations

import hashlib
import hmac
import logging

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from digiready.packs.paths import allowed_economies
from digiready.storage import session_scope
from lti_tool import urls
from lti_tool.app import LANGUAGES, forget_origins
from lti_tool.registration import dynamic, invites, service
from lti_tool.registration.dynamic import DynamicRegistrationError

bp = Blueprint("registration", __name__)
log = logging.getLogger("lti_tool.registration")


def _csrf(secret: str, config_url: str, registration_token: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"register\n{secret}\n{config_url}\n{registration_token}".encode(),
                    hashlib.sha256).hexdigest()[:40]


def _error(message: str, status: int = 400, check: str = "dynamic_registration"):
    log.warning("dynamic registration refused (%s): %s", status, message)
    message = message[:1].upper() + message[1:]
    return render_template("error.html", status=status, title=_("Registration failed"),
                           message=message, check=check), status


def _invite_error(exc: invites.InviteError):
    return {
        "unknown": lambda: _error(_("This registration address is not valid. Ask the "
                                    "DigiReady administrator for a new one."), 404,
                                  "registration_address"),
        "used": lambda: _error(_("This registration address has already been used: each one "
                                 "registers one platform. Ask the DigiReady administrator "
                                 "for a new one."), 410, "registration_address"),
        "expired": lambda: _error(_("This registration address has expired. Ask the DigiReady "
                                    "administrator for a new one."), 410, "registration_address"),
    }[exc.reason]()


def _field(name: str) -> str:
    return {
        "issuer": _("issuer"),
        "auth_login_url": _("login address (authorization_endpoint)"),
        "token_url": _("token address (token_endpoint)"),
        "jwks_url": _("public key set address (jwks_uri)"),
        "client_id": _("client ID"),
        "deployment_ids": _("deployment ID"),
        "title": _("product name"),
        "economy": _("economy"),
        "economies": _("economy"),
        "language": _("language"),
    }[name]


def _registration_error(exc: service.RegistrationError):
    values = {"field": _field(exc.field), "value": exc.value or "", "limit": exc.limit or 0}
    if exc.problem == "exists":
        return _error(_("Your platform answered with a client ID that is already registered "
                        "here (%(value)s). A registration is never changed from this page, "
                        "so nothing was changed. Delete the tool your platform has just added "
                        "and ask the DigiReady administrator.", value=exc.value), 409)
    message = {
        "not_absolute": _("The platform's %(field)s is not an absolute address: %(value)s",
                          **values),
        "not_https": _("The platform's %(field)s must use https (plain http only on this "
                       "computer, localhost): %(value)s", **values),
        "too_long": _("The platform's %(field)s is longer than %(limit)s characters.", **values),
        "empty": _("The platform gave no %(field)s.", **values),
    }.get(exc.problem, _("The platform's %(field)s is not valid: %(value)s", **values))
    return _error(message)


@bp.route("/lti/register", methods=["GET", "POST"])
def register_without_address():
    return _error(_("Registering DigiReady needs the one-time registration address that the "
                    "DigiReady administrator creates for your platform. Ask them for one and "
                    "enter it in your platform."), 403, "registration_address")


@bp.route("/lti/register/<secret>", methods=["GET", "POST"])
def register(secret: str):
    try:
        with session_scope() as s:
            invite = invites.find(s, secret)
    except invites.InviteError as exc:
        return _invite_error(exc)
    config_url = request.values.get("openid_configuration", "")
    token = request.values.get("registration_token", "")
    if not config_url:
        return _error(_("Open this address from your platform's page for adding an LTI tool "
                        "(dynamic registration), not directly."))
    language = request.form.get("language") or invite.language
    if language and language not in LANGUAGES:
        return _error(_("Unknown language."))
    try:
        config = dynamic.fetch_configuration(config_url, token or None)
        data = dynamic.platform_input(config, invite.economy, language, invite.economies)
    except DynamicRegistrationError as exc:
        return _error(str(exc))
    except service.RegistrationError as exc:
        return _registration_error(exc)
    platform = config.get(dynamic.PLATFORM_CONFIG) or {}
    csrf = _csrf(secret, config_url, token)
    if request.method == "GET":
        return render_template("registration/confirm.html", config=config, platform=platform,
                               config_url=config_url, registration_token=token, csrf=csrf,
                               economy=invite.economy, language=language, languages=LANGUAGES,
                               economies=allowed_economies(invite.economies),
                               title=_("Register DigiReady"), launch=None)
    if not hmac.compare_digest(request.form.get("csrf_token", ""), csrf):
        return _error(_("The form has expired (CSRF check failed). Start the registration "
                        "again from your platform."), 400, "csrf")
    try:
        with session_scope() as s:
            invite = invites.claim(s, secret)
    except invites.InviteError as exc:
        return _invite_error(exc)
    try:
        answer = dynamic.register(config, token or None, urls.base_url())
    except DynamicRegistrationError as exc:
        with session_scope() as s:  # the platform recorded nothing: the address stays usable
            invites.release(s, invite.id)
        return _error(str(exc), 502)
    try:
        data = dynamic.with_answer(data, answer)
        with session_scope() as s:
            row = service.create(s, data)
            invites.spend(s, invite.id, row.id)
    except DynamicRegistrationError as exc:
        return _error(str(exc), 502)
    except service.RegistrationError as exc:
        return _registration_error(exc)
    except IntegrityError:  # the same client ID stored at this moment by another request
        return _registration_error(service.RegistrationError(
            "client_id", "exists", f"{data.issuer} client_id={data.client_id}"))
    log.info("dynamic registration: %s client_id=%s (invite %s)", data.issuer, data.client_id,
             invite.id)
    forget_origins()
    return render_template("registration/done.html", title=_("DigiReady is registered"),
                           client_id=data.client_id,
                           deployment=data.deployment_ids[0] if data.deployment_ids else None,
                           launch=None)
