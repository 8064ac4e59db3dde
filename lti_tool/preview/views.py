"""Previews of a Studio draft, shown by this tool's own learner pages.

DigiReady Studio freezes a draft under a token (:mod:`digiready.authoring.previews`) and sends
its user here. The preview gets a launch of its own, for a learner marked synthetic (no
events, no scores, left out of indicators), whose pack is the draft's folder; from then on it
is the learner's diagnostic, results and module pages, unchanged. "results" starts from
sample answers so the results page shows at once.
"""
from __future__ import annotations

import random
import secrets

from flask import Blueprint, abort, redirect, request, url_for
from sqlalchemy import select

from digiready.attempts import complete_attempt, save_answers, start_attempt
from digiready.authoring import previews
from digiready.demo.attempts import synthetic_answers, synthetic_profile
from digiready.storage import session_scope
from digiready.storage.models import Learner
from lti_tool.content import pack_for
from lti_tool.models import Launch, Registration

bp = Blueprint("preview", __name__)
PREVIEW_ISSUER = "urn:digiready:studio-preview"
LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def _registration(s) -> Registration:
    """The stand-in platform every preview launch belongs to (launches need one)."""
    found = s.scalars(select(Registration).where(Registration.issuer == PREVIEW_ISSUER)).first()
    if found is None:
        found = Registration(issuer=PREVIEW_ISSUER, client_id="studio-preview",
                             auth_login_url="", token_url="", jwks_url="",
                             title="DigiReady Studio previews")
        s.add(found)
        s.flush()
    return found


@bp.get("/lti/preview/<token>")
def start(token: str):
    page = request.args.get("page", "diagnostic")
    if page not in ("diagnostic", "results", "module"):
        abort(404)
    with session_scope() as s:
        row = previews.find(s, token)
        if row is None:
            abort(410, description="This preview has expired. Open a new one from DigiReady "
                                   "Studio.")
        folder = previews.overlay_folder(s, row)
        learner = Learner(platform="studio-preview", external_id=None, economy=row.economy,
                          synthetic=True)
        s.add(learner)
        s.flush()
        launch = Launch(id=secrets.token_urlsafe(24), registration_id=_registration(s).id,
                        deployment_id="studio-preview", message_type="LtiResourceLinkRequest",
                        roles=[LEARNER_ROLE], target="diagnostic", language=row.language,
                        learner_id=learner.id, expires_at=row.expires_at,
                        services={"economy": row.economy, "preview_overlay": str(folder)})
        s.add(launch)
        pack = pack_for(str(folder), row.language)
        if page == "results":
            rng = random.Random(token)
            profile, trait = synthetic_profile(rng, pack, row.economy)
            for question in pack.profile:  # a new economy is not yet a choice of the base pack
                options = [o.id for o in question.options]
                if options and profile.get(question.id) not in (None, *options):
                    profile[question.id] = "other" if "other" in options else options[0]
            attempt = start_attempt(s, learner, pack, source="preview", synthetic=True)
            save_answers(attempt, pack, profile=profile,
                         answers=synthetic_answers(rng, pack, row.economy, trait))
            complete_attempt(s, attempt, pack)
        launch_id = launch.id
        first_module = next(iter(pack.modules), None)
    if page == "results":
        return redirect(url_for("learner.results", launch=launch_id), 303)
    if page == "module" and first_module:
        return redirect(url_for("learner.module", module_id=first_module, launch=launch_id), 303)
    return redirect(url_for("learner.diagnostic", launch=launch_id), 303)
