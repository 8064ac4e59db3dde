"""Learner pages. Every page is reached with ``?launch=<id>`` and every form carries the
launch id and a CSRF token bound to it (see :mod:`lti_tool.launch_context`); answers are
saved on every step, so closing the LMS tab loses nothing."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from digiready.attempts import (
    attempt_history,
    complete_attempt,
    current_attempt,
    latest_completed,
    record_economy_answer,
    result_in_language,
    save_answers,
    start_attempt,
)
from digiready.diagnostic import DiagnosticError, progress, validate
from digiready.diagnostic.conditions import Context
from digiready.diagnostic.questionnaire import compiled
from digiready.presentation.learner_messages import (
    error_question,
    learner_error,
    learner_errors,
    pack_question_texts,
    verdict_with_feedback,
)
from digiready.presentation.results_view import results_view
from digiready.storage import session_scope
from digiready.storage.models import Attempt, Learner
from lti_tool import events
from lti_tool.content import launch_pack
from lti_tool.launch_context import csrf_token, load_launch
from lti_tool.learner import first_step, forms
from lti_tool.learner.rendering import field_html
from lti_tool.models import ModuleProgress
from lti_tool.services.ags import queue_score

bp = Blueprint("learner", __name__, url_prefix="/learn")
bp.add_app_template_global(field_html, "field_html")


def _learner(s, launch) -> Learner:
    if launch.learner_id is None:
        abort(403, description="This launch names no user, so answers cannot be saved.")
    return s.get(Learner, launch.learner_id)


def _page(template: str, launch, pack, **kw):
    return render_template(template, launch=launch, pack=pack, csrf=csrf_token(launch.id),
                           **kw)


def _steps(pack, attempt) -> dict:
    return progress(pack, attempt.profile or {}, attempt.answers or {})


def _step_fields(pack, attempt, step: dict) -> list[forms.Field]:
    profile, answers = attempt.profile or {}, attempt.answers or {}
    if step["id"] == "profile":
        show = compiled(pack).profile_show_if
        ctx = Context(profile, {})
        return [forms.profile_field(pq, profile.get(pq.id)) for pq in pack.profile
                if show[pq.id](ctx)]
    return [forms.question_field(pack, pack.question(qid), answers.get(qid))
            for qid in step["questions"]]


@bp.get("/start")
def start():
    with session_scope() as s:
        launch = load_launch(s)
        learner = _learner(s, launch)
        pack = launch_pack(launch)
        if current_attempt(s, learner, pack) is None and latest_completed(s, learner):
            return redirect(url_for(".results", launch=launch.id), 303)
    return redirect(url_for(".diagnostic", launch=launch.id), 303)


@bp.route("/diagnostic", methods=["GET", "POST"])
def diagnostic():
    with session_scope() as s:
        launch = load_launch(s)
        learner = _learner(s, launch)
        pack = launch_pack(launch)
        attempt = current_attempt(s, learner, pack)
        started = False
        if attempt is None and request.method == "POST":
            # The attempt starts with the first saved answer: opening the page (a launch that
            # goes no further) writes nothing.
            attempt = start_attempt(s, learner, pack, source="lti", language=pack.language)
            started = True
            queue_score(launch, activity="diagnostic", score_given=None, score_maximum=100,
                        activity_progress="Started", grading_progress="NotReady",
                        label=_("Digital readiness diagnostic"))
        elif attempt is None:
            attempt = Attempt(profile={}, answers={})  # not added to the session: not saved
        prog = _steps(pack, attempt)
        steps = prog["steps"]
        try:
            number = int(request.values.get("step", prog["current_step"]))
        except ValueError:
            number = prog["current_step"]
        number = max(0, min(number, len(steps) - 1))
        step = steps[number]
        errors: dict[str, str] = {}
        notice = None
        if request.method == "POST":
            if step["id"] == "profile":
                saved = save_answers(attempt, pack, profile=forms.parse_profile(pack, request.form))
                if launch.services.get("economies"):
                    # The learner may choose: their answer picks the overlay of the next
                    # pages (lti_tool.content.launch_economy) and counts them there.
                    record_economy_answer(attempt, learner)
            else:
                questions = [pack.question(q) for q in step["questions"]]
                saved = save_answers(attempt, pack,
                                     answers=forms.parse_questions(questions, request.form))
            if started:  # recorded with the first answers: the learner's economy among them
                events.diagnostic_attempted(s, launch, learner, attempt)
            texts = pack_question_texts(pack)
            for line in saved:  # next to its question, in the learner's words (no ids)
                errors[error_question(line) or ""] = learner_error(line, texts, _, named=False)
            going_back = request.form.get("action") == "back"
            # Answers may reveal follow-up questions in this same step (skip rules).
            prog = _steps(pack, attempt)
            steps = prog["steps"]
            now = next((st for st in steps if st["id"] == step["id"]), step)
            held_answers = attempt.answers or {}
            revealed = [q for q in now["questions"]
                        if q not in step["questions"] and q not in held_answers]
            step = now
            number = steps.index(now) if now in steps else number
            if revealed and not going_back:
                notice = _("Your answers opened a few more questions below.")
            if not going_back and not revealed:
                for f in _step_fields(pack, attempt, step):
                    key = f.name[2:]
                    held = (attempt.profile if f.name.startswith("p-") else attempt.answers) or {}
                    if f.required and key not in held and key not in errors:
                        errors[key] = _("Please answer this question.")
            if (not errors and not revealed) or going_back:
                if going_back:
                    return redirect(url_for(".diagnostic", launch=launch.id,
                                            step=max(0, number - 1)), 303)
                if number + 1 < len(prog["steps"]):
                    return redirect(url_for(".diagnostic", launch=launch.id, step=number + 1), 303)
                return _finish(s, launch, learner, pack, attempt)
        if request.method == "GET" and "step" in request.args:
            # Landing straight from the launch is already counted by the launch event.
            events.page_viewed(s, launch, learner, f"/diagnostic/{step['id']}", _title(step))
        return step_page(launch, pack, attempt, prog, number, step=step, errors=errors,
                         notice=notice)


def _title(step: dict) -> str:
    return step["title"] or _("About your business")


def step_page(launch, pack, attempt, prog: dict, number: int, *, step: dict | None = None,
              errors: dict | None = None, notice: str | None = None,
              page_url: str | None = None):
    """Step ``number`` of the diagnostic (``step``, when the caller has it), as the learner
    sees it: (HTML, status). ``page_url``: the page's own URL, when it is answered at another
    one (a launch)."""
    errors = errors or {}
    steps = prog["steps"]
    step = step or steps[number]
    fields = _step_fields(pack, attempt, step)
    for f in fields:
        f.error = errors.get(f.name[2:])
    return _page("learner/step.html", launch, pack, fields=fields, step=step, number=number,
                 steps=steps, progress=prog, title=_title(step), notice=notice,
                 errors=[e for e in errors.values()], last=number == len(steps) - 1,
                 page_url=page_url), (422 if errors else 200)


def landing_page(launch, attempt: Attempt | None):
    """The diagnostic step a launch lands on (the learner's next unanswered one), answered in
    the launch's own response; see :mod:`lti_tool.launch.landing`. ``attempt``: the learner's
    attempt in progress, read by the launch, or None to start blank."""
    pack = launch_pack(launch)

    def render(attempt=attempt):
        attempt = attempt or Attempt(profile={}, answers={})  # not added to a session: not saved
        prog = _steps(pack, attempt)
        return step_page(launch, pack, attempt, prog, prog["current_step"],
                         page_url=url_for("learner.diagnostic", launch=launch.id))

    if attempt is None:  # the same page for every such launch but its id: rendered once
        return first_step.page(launch, pack, render)
    return render()


def _finish(s, launch, learner, pack, attempt):
    try:
        with s.begin_nested():
            result = complete_attempt(s, attempt, pack)
    except DiagnosticError as exc:
        return _page("learner/missing.html", launch, pack,
                     errors=learner_errors(exc.errors, pack_question_texts(pack), _),
                     title=_("A few answers are missing")), 422
    events.diagnostic_completed(s, launch, learner, attempt)
    queue_score(launch, activity="diagnostic", score_given=result["overall"]["score"] or 0.0,
               score_maximum=100, activity_progress="Completed", grading_progress="FullyGraded",
               label=_("Digital readiness diagnostic"))
    return redirect(url_for(".results", launch=launch.id), 303)


@bp.post("/diagnostic/restart")
def restart():
    with session_scope() as s:
        launch = load_launch(s)
        learner = _learner(s, launch)
        pack = launch_pack(launch)
        if current_attempt(s, learner, pack) is None:
            attempt = start_attempt(s, learner, pack, source="lti", language=pack.language)
            events.diagnostic_attempted(s, launch, learner, attempt)
    return redirect(url_for(".diagnostic", launch=launch.id, step=0), 303)


@bp.get("/results")
def results():
    with session_scope() as s:
        launch = load_launch(s)
        learner = _learner(s, launch)
        pack = launch_pack(launch)
        attempt = latest_completed(s, learner)
        if attempt is None:
            return _unfinished(s, launch, learner, pack)
        result = result_in_language(attempt, pack)
        done = {m.module_id: m.status for m in s.scalars(
            select(ModuleProgress).where(ModuleProgress.learner_id == learner.id))}
        events.page_viewed(s, launch, learner, "/results", _("Your results"))

        def link_for(rec: dict) -> str | None:
            if rec.get("kind") == "module" and rec.get("id") in pack.modules:
                return url_for(".module", module_id=rec["id"], launch=launch.id)
            return None

        # The same view model as the XBlock's results, so both say the same things.
        from digiready.media.player import duration_seconds

        view = results_view(result, gettext=_, link_for=link_for,
                            chart_title=_("Score by area (0-100)"),
                            duration_for=lambda module_id: duration_seconds(pack, module_id))
        return _page("learner/results.html", launch, pack, view=view,
                     chart=Markup(view["chart_svg"]), done=done, title=_("Your results"),
                     history=attempt_history(s, learner),
                     in_progress=current_attempt(s, learner, pack) is not None)


def _unfinished(s, launch, learner, pack):
    """"Results" before the first diagnostic is finished: where the learner is and what is
    left, with a link to the first step that still needs an answer (not step 1, silently)."""
    attempt = current_attempt(s, learner, pack)
    if attempt is None:
        return _page("learner/unfinished.html", launch, pack, title=_("Your results"),
                     remaining=None, step=None, number=0, total=None)
    prog = _steps(pack, attempt)
    _profile, _answers, errors = validate(pack, attempt.profile or {}, attempt.answers or {})
    missing = [error_question(e) for e in errors if "an answer is required" in e and error_question(e)]
    steps = prog["steps"]
    number = next((n for n, st in enumerate(steps) if missing and missing[0] in st["questions"]),
                  prog["current_step"] if missing else len(steps) - 1)
    return _page("learner/unfinished.html", launch, pack, title=_("Your results"),
                 remaining=len(missing), step=steps[number], number=number, total=len(steps),
                 step_title=_title(steps[number]))


@bp.get("/progress")
def overview():
    with session_scope() as s:
        launch = load_launch(s)
        learner = _learner(s, launch)
        pack = launch_pack(launch)
        attempt = current_attempt(s, learner, pack)
        prog = _steps(pack, attempt) if attempt else None
        done = {m.module_id: m.status for m in s.scalars(
            select(ModuleProgress).where(ModuleProgress.learner_id == learner.id))}
        return _page("learner/progress.html", launch, pack, progress=prog, done=done,
                     completed=latest_completed(s, learner), title=_("Your progress"))


def _module(pack, module_id: str):
    module = pack.modules.get(module_id)
    if module is None:
        abort(404, description=_("This module is not in the course content."))
    return module


def _paragraphs(text: str) -> list[str]:
    text = re.sub(r"^#+\s*", "", text or "", flags=re.M)
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _score_survey(module, form) -> tuple[dict, float | None, dict]:
    """The survey answers, the knowledge-check score (0-100) and per-question feedback."""
    survey = module.survey or {}
    answers: dict = {"knowledge_check": {}}
    feedback: dict = {}
    checks = survey.get("knowledge_check") or []
    correct = 0
    for item in checks:
        chosen = form.get("kc-" + item["id"])
        if chosen is None:
            continue
        option = next((o for o in item.get("options", []) if o["id"] == chosen), None)
        if option is None:
            continue
        answers["knowledge_check"][item["id"]] = chosen
        correct += 1 if option.get("correct") else 0
        right = bool(option.get("correct"))
        feedback[item["id"]] = {"correct": right, "text": verdict_with_feedback(
            _("Correct.") if right else _("Not quite."), option.get("feedback"))}
    usefulness = form.get("usefulness")
    if usefulness in {"1", "2", "3", "4", "5"}:
        answers["usefulness"] = int(usefulness)
    comment = (form.get("comment") or "").strip()[:2000]
    if comment:
        answers["comment"] = comment
    score = round(100 * correct / len(checks), 1) if checks else None
    return answers, score, feedback


def _module_page(module_id: str, survey_only: bool):
    with session_scope() as s:
        launch = load_launch(s)
        learner = _learner(s, launch)
        pack = launch_pack(launch)
        module = _module(pack, module_id)
        row = s.scalars(select(ModuleProgress).where(
            ModuleProgress.learner_id == learner.id, ModuleProgress.module_id == module.id)).first()
        if row is None:
            row = ModuleProgress(learner_id=learner.id, module_id=module.id, status="started")
            s.add(row)
            s.flush()
            events.module_opened(s, launch, learner, module.id, pack.version)
        feedback: dict = {}
        missing = []
        if request.method == "POST":
            answers, score, feedback = _score_survey(module, request.form)
            checks = (module.survey or {}).get("knowledge_check") or []
            # Named by number and words, linked to the question (its id is only the anchor).
            missing = [{"anchor": "kc-" + c["id"], "number": n, "text": c["text"]}
                       for n, c in enumerate(checks, 1) if c["id"] not in answers["knowledge_check"]]
            if not missing:
                first = row.status != "completed"
                row.status, row.survey, row.score = "completed", answers, score
                if first:
                    events.module_completed(s, launch, learner, module.id, score,
                                           pack.version)
                kind = "survey" if survey_only else "module"
                if launch.target in (f"module:{module.id}", f"survey:{module.id}"):
                    queue_score(launch, activity=f"{kind}:{module.id}",
                               score_given=score if score is not None else 100.0,
                               score_maximum=100, activity_progress="Completed",
                               grading_progress="FullyGraded", label=module.title)
        else:
            events.page_viewed(s, launch, learner, f"/modules/{module.id}", module.title)
        video = module.video or {}
        player, player_html = _player(pack, module, launch) if not survey_only else (None, "")
        return _page("learner/module.html", launch, pack, module=module, row=row,
                     survey_only=survey_only, feedback=feedback, missing=missing,
                     transcript=_paragraphs(module.script), html5_url=video.get("html5_url"),
                     youtube_id=video.get("youtube_id"), title=module.title,
                     player=player, player_html=player_html,
                     correct=sum(1 for f in feedback.values() if f["correct"]),
                     submitted=request.method == "POST" and not missing), (422 if missing else 200)


def _player(pack, module, launch):
    """The built video of the module (digiready.media), its events wired to this launch."""
    from digiready.media import player

    view = player.view(pack, module.id)
    events = {"data-module-id": module.id, "data-launch": launch.id, "data-csrf": csrf_token(launch.id),
              "data-events-url": url_for("learner.player_events", module_id=module.id, launch=launch.id)}
    return view, Markup(player.html(view, _, title=module.title, attributes=events))


@bp.route("/module/<module_id>", methods=["GET", "POST"])
def module(module_id: str):
    return _module_page(module_id, survey_only=False)


@bp.route("/survey/<module_id>", methods=["GET", "POST"])
def survey(module_id: str):
    return _module_page(module_id, survey_only=True)


@bp.get("/module/<module_id>/captions.vtt")
def captions(module_id: str):
    with session_scope() as s:
        launch = load_launch(s)
        module = _module(launch_pack(launch), module_id)
        text = module.captions
    response = Response(text, mimetype="text/vtt")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.post("/module/<module_id>/events")
def player_events(module_id: str):
    """Video player events posted by the events area's script (JSON, CSRF in a header)."""
    from lti_tool.launch_context import csrf_token as token_for

    with session_scope() as s:
        launch_id = request.args.get("launch", "")
        if request.headers.get("X-CSRF-Token") != token_for(launch_id):
            abort(400, description="CSRF check failed")
        launch = load_launch(s, form_csrf=False)
        learner = _learner(s, launch)
        module = _module(launch_pack(launch), module_id)
        try:
            from digiready.events import ClientEventError, ingest_client_events
        except ImportError:
            return {"recorded": 0}
        try:
            recorded = ingest_client_events(request.get_json(silent=True), actor=learner.opaque_id,
                                            object_prefix=f"module/{module.id}",
                                            economy=learner.economy, db=s)
        except ClientEventError as exc:
            abort(400, description=str(exc))
        return {"recorded": len(recorded)}
