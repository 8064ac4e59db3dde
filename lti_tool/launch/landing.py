"""Where a launch lands, and how the browser gets there.

Most launches land on the learner's diagnostic: the next unanswered step of an attempt in
progress, or the first step. That page is answered in the launch's own response instead of
behind a redirect: on a phone on a slow network a redirect is one more round trip (often
300 ms or more before anything shows), and for the server one more request. The page carries
its own URL and puts it in the address bar (``history.replaceState``, see
:data:`lti_tool.launch_context.LANDING_SCRIPT`), so a reload or a bookmark opens the page,
not the launch form post whose id_token is spent.

Every other landing goes through one 303 redirect, straight to its page: the deep-linking
picker, a module or survey the link points to, the instructor's dashboard, and the results of
a learner who has finished the diagnostic and has none in progress. Those pages do more
(reading the roster, recording a view, starting a module), which stays in their own views.

Where the launch lands is worked out while the launch is checked (reads only, before the
launch's short write phase), so answering it here needs no further query.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import g, redirect, url_for

from digiready.attempts import current_attempt
from digiready.learners import LearnerRef
from digiready.storage.models import Attempt
from lti_tool import claims as C
from lti_tool.content import launch_pack
from lti_tool.launch_context import bind_launch
from lti_tool.learner.views import landing_page
from lti_tool.models import Launch


@dataclass(frozen=True)
class Landing:
    """The page a launch lands on: an endpoint and its arguments besides ``launch``. For the
    diagnostic, ``attempt`` is the learner's attempt in progress (None: start blank)."""

    endpoint: str
    args: dict = field(default_factory=dict)
    attempt: Attempt | None = None


def plan(s, launch: Launch, learner: LearnerRef | None, statuses: frozenset[str]) -> Landing:
    """Where ``launch`` (checked, not stored yet) lands. ``learner``: the launching user's
    learner if it exists already (a first launch lands on a blank diagnostic), and
    ``statuses``: whether their attempts include one "in_progress" and one "completed"."""
    target = launch.target
    if launch.message_type == C.DEEP_LINKING_REQUEST:
        return Landing("deep_linking.picker")
    if target.startswith("module:"):
        return Landing("learner.module", {"module_id": target[7:]})
    if target.startswith("survey:"):
        return Landing("learner.survey", {"module_id": target[7:]})
    if C.is_instructor(launch.roles):
        return Landing("instructor.dashboard")
    if learner is None:
        return Landing("learner.diagnostic")
    if statuses == {"completed"}:  # finished, nothing in progress: the results
        return Landing("learner.results")
    attempt = (current_attempt(s, learner, launch_pack(launch))
               if "in_progress" in statuses else None)
    return Landing("learner.diagnostic", attempt=attempt)


def respond(landing: Landing, launch: Launch, registration, learner: LearnerRef | None = None):
    """The launch's response, once it is stored: the diagnostic page itself, or a redirect.
    ``registration``: the launch's registration (only it may frame the page); ``learner``:
    the launch's learner (whose economy may pick the overlay, see
    :func:`lti_tool.content.launch_economy`)."""
    if landing.endpoint == "learner.diagnostic" and launch.learner_id is not None:
        bind_launch(launch, registration)
        g.learner = learner
        return landing_page(launch, landing.attempt)
    # A launch without a user (no ``sub``) is redirected too: the page says what is missing.
    return redirect(url_for(landing.endpoint, launch=launch.id, **landing.args), code=303)
