"""The launch a page belongs to, carried in the page itself (``?launch=`` and a hidden field)
rather than in a cookie, so that the tool works inside an LMS iframe whose browser blocks
third-party cookies. CSRF tokens are bound to the launch id for the same reason: an attacker
who cannot read the page cannot know either value.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timezone

from flask import abort, current_app, g, request
from flask_babel import gettext as _
from sqlalchemy import bindparam, select

from digiready.storage.models import Learner
from lti_tool.claims import is_instructor
from lti_tool.models import Launch

# Built once: constructing the statement and its cache key would cost more than the query.
_LAUNCH_AND_LEARNER = select(Launch, Learner).outerjoin(
    Learner, Learner.id == Launch.learner_id).where(Launch.id == bindparam("launch_id"))


# A page answered in the launch's own response (see :mod:`lti_tool.launch.landing`) gives
# the browser its real URL, so that a reload opens the page instead of re-posting the spent
# id_token. One constant inline script, allowed by its hash in the CSP (``script-src``), so
# no extra request; the URL comes from the page (``<html data-url>``).
LANDING_SCRIPT = 'history.replaceState(null,"",document.documentElement.dataset.url)'
LANDING_SCRIPT_HASH = (
    f"'sha256-{base64.b64encode(hashlib.sha256(LANDING_SCRIPT.encode()).digest()).decode()}'")


def csrf_token(launch_id: str, purpose: str = "form") -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{purpose}\n{launch_id}".encode(), hashlib.sha256).hexdigest()[:40]


def check_csrf(launch_id: str, purpose: str = "form") -> None:
    sent = request.form.get("csrf_token", "")
    if not hmac.compare_digest(sent, csrf_token(launch_id, purpose)):
        abort(400, description=_("The form has expired or did not come from this page "
                                 "(CSRF check failed). Go back, reload and try again."))


def load_launch(session, *, instructor: bool = False, form_csrf: bool = True) -> Launch:
    """The launch named by the request, or a 4xx page saying what to do."""
    launch_id = request.values.get("launch", "")
    launch = None
    if launch_id:
        # The launch, its registration (joined by the mapping) and its learner in one query.
        # ``g.learner`` holds the learner so that the session's identity map (weak
        # references) still has it when the page asks ``session.get(Learner, ...)``.
        row = session.execute(_LAUNCH_AND_LEARNER, {"launch_id": launch_id[:64]}).first()
        if row is not None:
            launch, g.learner = row
    if launch is None:
        abort(401, description=_("This page must be opened from your course (LTI launch). "
                                 "Go back to the course and open the activity again."))
    expires = launch.expires_at if launch.expires_at.tzinfo else launch.expires_at.replace(tzinfo=timezone.utc)
    if expires < datetime.now(timezone.utc):
        abort(401, description=_("This session has expired. Go back to the course and open "
                                 "the activity again; your answers are saved."))
    if instructor and not is_instructor(launch.roles):
        abort(403, description=_("Only instructors can open this page."))
    bind_launch(launch, launch.registration)
    if request.method == "POST" and form_csrf:
        check_csrf(launch.id)
    return launch


def bind_launch(launch: Launch, registration) -> None:
    """Make ``launch`` the request's: only its platform may frame the page (CSP
    ``frame-ancestors``), and the page speaks the launch's language. ``registration``: the
    launch's registration (an ORM object, or the launch check's :class:`Platform`)."""
    g.launch = launch
    g.frame_origins = [registration.issuer, registration.auth_login_url]
    g.ui_language = launch.language
