"""The picker and the signed ``LtiDeepLinkingResponse`` posted back to the platform."""
from __future__ import annotations

import secrets
import time

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from joserfc import jwt

from digiready.storage import session_scope
from lti_tool import claims as C
from lti_tool import urls
from lti_tool.content import launch_pack
from lti_tool.keys import signing_key
from lti_tool.launch_context import csrf_token, load_launch

bp = Blueprint("deep_linking", __name__, url_prefix="/instructor")


def choices(pack) -> list[dict]:
    items = [{"value": "diagnostic", "title": _("DigiReady: digital readiness diagnostic"),
              "kind": "diagnostic"}]
    for m in pack.modules.values():
        items.append({"value": f"module:{m.id}", "title": m.title, "kind": "module"})
    for m in pack.modules.values():
        if m.survey:
            items.append({"value": f"survey:{m.id}", "title": _("Survey: %(t)s", t=m.title),
                          "kind": "survey"})
    return items


def response_jwt(launch, items: list[dict]) -> str:
    settings = launch.services.get("deep_linking") or {}
    now = int(time.time())
    content = []
    for item in items:
        content.append({
            "type": "ltiResourceLink", "title": item["title"], "url": urls.url("launch"),
            "custom": {"digiready_target": item["value"]},
            "lineItem": {"scoreMaximum": 100, "label": item["title"],
                         "resourceId": item["value"], "tag": item["value"]},
        })
    body = {
        "iss": launch.registration.client_id, "aud": [launch.registration.issuer],
        "iat": now, "exp": now + 600, "nonce": secrets.token_urlsafe(16),
        C.DEPLOYMENT_ID: launch.deployment_id,
        C.MESSAGE_TYPE: "LtiDeepLinkingResponse", C.VERSION: "1.3.0",
        C.DL_CONTENT_ITEMS: content,
    }
    if settings.get("data"):
        body[C.DL_DATA] = settings["data"]
    key = signing_key()
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"}, body, key)


@bp.route("/picker", methods=["GET", "POST"])
def picker():
    with session_scope() as s:
        launch = load_launch(s, instructor=True)
        if launch.message_type != C.DEEP_LINKING_REQUEST:
            abort(400, description=_("The content picker opens from the LMS's "
                                     "\"add external tool\" dialog."))
        pack = launch_pack(launch)
        options = choices(pack)
        settings = launch.services.get("deep_linking") or {}
        if request.method == "POST":
            wanted = request.form.get("item")
            chosen = [o for o in options if o["value"] == wanted]
            if not chosen:
                return render_template("instructor/picker.html", launch=launch, options=options,
                                       csrf=csrf_token(launch.id), error=_("Choose one item."),
                                       title=_("Add DigiReady to your course"), nav=False), 422
            token = response_jwt(launch, chosen)
            return render_template("instructor/return.html", launch=launch, nav=False,
                                   return_url=settings["deep_link_return_url"], jwt=token,
                                   title=_("Adding to your course"))
        return render_template("instructor/picker.html", launch=launch, options=options,
                               csrf=csrf_token(launch.id), error=None, nav=False,
                               title=_("Add DigiReady to your course"))
