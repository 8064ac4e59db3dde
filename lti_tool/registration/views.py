"""The dynamic registration page: check the platform, choose economy and language, register.

The page runs in the platform's iframe, where our cookies may be dropped, so its CSRF token
is bound to the registration token the platform gave us rather than to a session."""
from __future__ import annotations

import hashlib
import hmac
import logging

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from digiready.packs.paths import content_dir
from digiready.storage import session_scope
from lti_tool import urls
from lti_tool.app import LANGUAGES, forget_origins
from lti_tool.registration import dynamic, service
from lti_tool.registration.dynamic import DynamicRegistrationError

bp = Blueprint("registration", __name__)
log = logging.getLogger("lti_tool.registration")


def _token(config_url: str, registration_token: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"register\n{config_url}\n{registration_token}".encode(),
                    hashlib.sha256).hexdigest()[:40]


def economies() -> list[str]:
    root = content_dir() / "economies"
    return sorted(p.name for p in root.iterdir() if (p / "overlay.yaml").exists()) \
        if root.is_dir() else []


def _error(message: str, status: int = 400):
    log.warning("dynamic registration failed: %s", message)
    return render_template("error.html", status=status, title=_("Registration failed"),
                           message=message, check="dynamic_registration"), status


@bp.route("/lti/register", methods=["GET", "POST"])
def register():
    config_url = request.values.get("openid_configuration", "")
    token = request.values.get("registration_token", "")
    if not config_url:
        abort(400, description=_("Open this address from your LMS's \"register an LTI tool\" "
                                 "page (dynamic registration)."))
    try:
        config = dynamic.fetch_configuration(config_url, token or None)
    except DynamicRegistrationError as exc:
        return _error(str(exc))
    platform = config.get(dynamic.PLATFORM_CONFIG) or {}
    if request.method == "GET":
        return render_template("registration/confirm.html", config=config, platform=platform,
                               config_url=config_url, registration_token=token,
                               csrf=_token(config_url, token), economies=economies(),
                               languages=LANGUAGES, title=_("Register DigiReady"), launch=None)
    if not hmac.compare_digest(request.form.get("csrf_token", ""), _token(config_url, token)):
        abort(400, description=_("The form has expired (CSRF check failed). Start the "
                                 "registration again from your LMS."))
    economy = request.form.get("economy") or None
    language = request.form.get("language") or None
    if economy and economy not in economies():
        return _error(_("Unknown economy."))
    if language and language not in LANGUAGES:
        return _error(_("Unknown language."))
    base = urls.base_url()
    try:
        answer = dynamic.register(config, token or None, base)
    except DynamicRegistrationError as exc:
        return _error(str(exc), 502)
    tool_config = answer.get(dynamic.TOOL_CONFIG) or {}
    deployment = tool_config.get("deployment_id")
    with session_scope() as s:
        try:
            service.add(s, service.PlatformInput(
                issuer=config["issuer"], client_id=str(answer["client_id"]),
                deployment_ids=[str(deployment)] if deployment else [],
                auth_login_url=config["authorization_endpoint"],
                token_url=config["token_endpoint"], jwks_url=config["jwks_uri"],
                economy=economy, language=language,
                title=platform.get("product_family_code")))
        except service.RegistrationError as exc:
            return _error(str(exc))
    forget_origins()
    return render_template("registration/done.html", title=_("DigiReady is registered"),
                           client_id=answer["client_id"], deployment=deployment, launch=None)
