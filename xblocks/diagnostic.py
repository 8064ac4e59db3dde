"""``digiready_diagnostic``: the digital-maturity self-diagnostic as an Open edX component.

The learner answers in short steps; every change is saved in the block's ``user_state`` at
once, so closing the tab loses nothing and the next visit resumes at the same step. On
submission the core scores the answers (:func:`digiready.diagnostic.diagnose`), the block
publishes a grade, completion and an analytics event, and shows the result page that the LTI
tool shows too (:mod:`digiready.presentation.results_view`).

State: answers, attempt number and results live in ``Scope.user_state``; the class's results
live in ``Scope.user_state_summary`` as a bounded aggregate (per peer group, counts of scores:
:mod:`digiready.diagnostic.peer_aggregate`) for the peer benchmark and the staff CSV, never as
a record per learner. Nothing goes to the DigiReady database: an Open edX site needs only the
XBlock fields it already has.
"""
from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime, timezone
from typing import Any

from web_fragments.fragment import Fragment
from webob import Response
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, List, Scope, String
from xblock.scorable import ScorableXBlockMixin, Score
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from digiready.diagnostic import DiagnosticError, diagnose, peer_aggregate, validate, visible_questions
from digiready.events import ClientEventError
from digiready.events.xblock import block_event, block_player_events
from digiready.packs import Pack
from digiready.presentation.labels import peer_group_label
from digiready.presentation.learner_messages import PLEASE_ANSWER_NAMED, learner_errors, pack_question_texts
from digiready.presentation.results_view import results_view
from xblocks import content, rendering
from xblocks.common import DigiReadyBlockMixin, HandlerError, _, json_endpoint, json_response
from xblocks.module_page import module_page_response
from xblocks.question_html import step_questions_html
from xblocks.questionnaire_view import (
    learner_progress,
    missing_required,
    profile_questions,
    shown_dimension_ids,
    steps_view,
)
from xblocks.rendering import author_fragment

GRADING_COMPLETION = "completion"
GRADING_MATURITY = "maturity"
HISTORY_LIMIT = 20  # attempts kept in full detail per learner (older ones keep their summary)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _dimension_values(block) -> list[dict[str, str]]:
    try:
        pack = block.load_pack()
    except content.ContentError:
        return []
    return [{"display_name": d.title, "value": d.id} for d in pack.dimensions]


@XBlock.needs("i18n")
@XBlock.wants("user", "settings")
class DiagnosticXBlock(DigiReadyBlockMixin, StudioEditableXBlockMixin, ScorableXBlockMixin, XBlock):
    """The self-diagnostic: questionnaire, results, re-assessment, grade and completion."""

    display_name = String(display_name=_("Display name"), scope=Scope.settings,
                          default="Digital readiness self-diagnostic")
    dimensions = List(
        display_name=_("Dimensions shown"), scope=Scope.settings, default=[],
        list_style="set", list_values_provider=_dimension_values,
        help=_("The dimensions this component asks about; none ticked means all of them."))
    grading_mode = String(
        display_name=_("Grading"), scope=Scope.settings, default=GRADING_COMPLETION,
        values=[{"display_name": _("Full credit for completing the diagnostic"), "value": GRADING_COMPLETION},
                {"display_name": _("Credit equal to the overall maturity score"), "value": GRADING_MATURITY}],
        help=_("Completion-based: a submitted diagnostic earns full credit. Maturity-based: the "
              "overall score (0-100) becomes the grade."))
    weight = Float(display_name=_("Problem weight"), scope=Scope.settings, default=1.0,
                   values={"min": 0, "step": 0.5},
                   help=_("Points this component is worth in the course grade (0 for ungraded)."))
    unit_mapping = Dict(
        display_name=_("Recommendation links"), scope=Scope.settings, default={},
        help=_('Where each recommended module is taught in this course, as JSON: {"module_id": '
              '"block-v1:... usage key or URL"}. Modules left out link to their own page.'))
    show_benchmark = Boolean(display_name=_("Show the peer comparison"), scope=Scope.settings, default=True)

    # -- learner state ------------------------------------------------------------------
    profile = Dict(scope=Scope.user_state, default={}, help="Business profile answers of the current attempt")
    answers = Dict(scope=Scope.user_state, default={}, help="Answers of the current attempt")
    attempt = Integer(scope=Scope.user_state, default=1, help="Number of the current attempt (1-based)")
    step = String(scope=Scope.user_state, default="", help="Step the learner last looked at")
    submitted = Boolean(scope=Scope.user_state, default=False, help="The current attempt is submitted")
    result = Dict(scope=Scope.user_state, default={}, help="Result document of the last submitted attempt")
    history = List(scope=Scope.user_state, default=[], help="Summary of every submitted attempt")
    started_at = String(scope=Scope.user_state, default="")
    raw_earned = Float(scope=Scope.user_state, default=None, help="Earned share of the grade (0-1)")
    contributed = Dict(scope=Scope.user_state, default={},
                       help="What this learner's latest result adds to the class aggregate")
    class_aggregate = Dict(scope=Scope.user_state_summary, default={},
                           help="Class results per peer group: counts of scores (benchmark, staff CSV)")
    # Earlier versions kept one summary per learner here; read once into class_aggregate, then emptied.
    class_results = Dict(scope=Scope.user_state_summary, default={}, help="Superseded by class_aggregate")

    editable_fields = ("display_name", "pack", "economy", "economies", "language", "dimensions", "grading_mode",
                       "weight", "unit_mapping", "show_benchmark")
    has_score = True
    has_author_view = True
    completion_mode = XBlockCompletionMode.COMPLETABLE
    has_custom_completion = True
    i18n_js_namespace = "DigiReadyI18N"
    icon_class = "problem"

    # -- grading (ScorableXBlockMixin) --------------------------------------------------
    def max_score(self) -> float:
        return 1.0

    def has_submitted_answer(self) -> bool:
        return bool(self.history)

    def get_score(self) -> Score:
        return Score(raw_earned=self.raw_earned or 0.0, raw_possible=1.0)

    def set_score(self, score: Score) -> None:
        self.raw_earned = score.raw_earned / score.raw_possible if score.raw_possible else 0.0

    def calculate_score(self) -> Score:
        if not self.history:
            return Score(0.0, 1.0)
        if self.grading_mode == GRADING_MATURITY:
            overall = self.history[-1].get("overall")
            return Score(round((overall or 0.0) / 100, 4), 1.0)
        return Score(1.0, 1.0)

    # -- helpers ------------------------------------------------------------------------
    def shown(self, pack: Pack) -> list[str]:
        return shown_dimension_ids(pack, list(self.dimensions or []))

    def _fixed_profile(self, pack: Pack, profile: dict) -> dict:
        if pack.economy and profile.get("economy") != pack.economy:
            profile = dict(profile, economy=pack.economy)
        return profile

    def module_link(self, module_id: str) -> str:
        """The course unit the author mapped, else the module's own page (a handler)."""
        target = str((self.unit_mapping or {}).get(module_id) or "").strip()
        if target.startswith(("http://", "https://", "/")):
            return target
        if target.startswith("block-v1:"):
            course_key = getattr(self.scope_ids.usage_id, "course_key", None)
            if course_key is not None:
                return f"/courses/{course_key}/jump_to/{target}"
        return self.runtime.handler_url(self, "module_page", module_id)

    def _link_for(self, rec: dict[str, Any]) -> str | None:
        if rec["kind"] == "module":
            return self.module_link(rec["id"])
        if rec["kind"] == "tool_category":
            return next((t["url"] for t in rec.get("tools", []) if t.get("url")), None)
        return rec.get("url")

    def _class_aggregate(self, pack: Pack) -> dict[str, Any]:
        """The class aggregate, built once from the per-learner summaries of earlier versions."""
        if self.class_aggregate or not self.class_results:
            return self.class_aggregate or {}
        aggregate: dict[str, Any] = {}
        for summary in self.class_results.values():
            result = {"overall": {"score": summary.get("overall")},
                      "dimensions": [{"id": k, "score": v} for k, v in summary.get("dimensions", {}).items()]}
            aggregate = peer_aggregate.apply(
                aggregate, peer_aggregate.contribution(pack, summary.get("profile", {}), result))
        return aggregate

    def _results_html(self, pack: Pack, _) -> str:
        from digiready.media.player import duration_seconds

        view = results_view(self.result, gettext=_, link_for=self._link_for,
                            dimensions=self.shown(pack), chart_id=f"dr-chart-{self._dom_id()}",
                            duration_for=lambda module_id: duration_seconds(pack, module_id))
        return rendering.render("templates/diagnostic_results.html", {
            "_": _, "view": view, "attempt": self.attempt, "attempts": len(self.history),
            "history": self.history, "is_staff": self.is_staff(),
            "csv_url": self.runtime.handler_url(self, "class_results_csv"),
            "block_id": self._dom_id(), "display_name": self.display_name,
        })

    def _questionnaire_html(self, pack: Pack, _) -> str:
        shown = self.shown(pack)
        profile = self._fixed_profile(pack, self.profile)
        prog = learner_progress(pack, profile, self.answers, shown)
        steps = steps_view(pack, profile, self.answers, shown, _)
        block_id = self._dom_id()
        for step in steps:
            step["html"] = step_questions_html(block_id, step, _)
        step_ids = [s["id"] for s in steps]
        current = self.step if self.step in step_ids else prog["current_step_id"]
        return rendering.render("templates/diagnostic.html", {
            "_": _, "steps": steps, "current": current, "progress": prog, "attempt": self.attempt,
            "reassessment": self.attempt > 1, "block_id": block_id,
            "display_name": self.display_name, "pack_title": pack.title,
        })

    def _dom_id(self) -> str:
        return hashlib.sha1(str(self.scope_ids.usage_id).encode()).hexdigest()[:10]

    def body_html(self, pack: Pack) -> str:
        _ = self.translator(pack)
        return self._results_html(pack, _) if self.submitted and self.result else self._questionnaire_html(pack, _)

    # -- views --------------------------------------------------------------------------
    @XBlock.supports("multi_device")  # the mobile apps show it, and use student_view_data
    def student_view(self, context=None) -> Fragment:
        fragment = Fragment()
        fragment.add_css(rendering.load("public/css/digiready.css"))
        try:
            pack = self.load_pack()
        except content.ContentError as exc:
            _ = self.translator()
            fragment.add_content(rendering.render("templates/unavailable.html", {
                "_": _, "detail": str(exc) if self.is_staff() else None}))
            return fragment
        fragment.add_content(rendering.render("templates/block.html", {
            "kind": "diagnostic", "lang": pack.language, "body": self.body_html(pack),
            "block_id": self._dom_id()}))
        locale = self.add_js_catalog(fragment, pack)
        fragment.add_javascript(rendering.load("public/js/diagnostic.js"))
        fragment.initialize_js("DigiReadyDiagnostic", {
            "attempt": self.attempt, "locale": locale,
            "handlers": {"save": self.runtime.handler_url(self, "save_answers"),
                         "submit": self.runtime.handler_url(self, "submit"),
                         "reassess": self.runtime.handler_url(self, "reassess")}})
        return fragment

    def author_view(self, context=None) -> Fragment:
        """What an author sees in Studio's unit page: the settings that decide what learners
        get, and any problem with them (instead of a questionnaire that saves nothing)."""
        validation = self.validate()
        try:
            pack = self.load_pack()
        except content.ContentError:
            pack = None
        t = self.translator(pack)
        rows = [(t(_("Content pack")), f"{pack.title} ({pack.id} {pack.version})" if pack else self.pack),
                (t(_("Economy overlay")), self.economy or "-"), (t(_("Language")), pack.language if pack else self.language)]
        if pack is not None:
            shown = self.shown(pack)
            rows.append((t(_("Dimensions shown")), ", ".join(d.title for d in pack.dimensions if d.id in shown)))
            rows.append((t(_("Questions")), str(sum(1 for q in pack.questions if q.dimension in shown))))
        rows += [(t(_("Grading")), t(_("Full credit for completing the diagnostic")) if self.grading_mode == GRADING_COMPLETION
                  else t(_("Credit equal to the overall maturity score"))),
                 (t(_("Problem weight")), f"{self.weight:g}")]
        return author_fragment(self.display_name, rows, [m.text for m in validation.messages])

    def index_dictionary(self) -> dict[str, Any]:
        """Course search: the questions and dimensions, in the component's language."""
        try:
            pack = self.load_pack()
        except content.ContentError:
            return self.index_document("DigiReady diagnostic", [])
        shown = self.shown(pack)
        return self.index_document("DigiReady diagnostic", [
            *(d.title for d in pack.dimensions if d.id in shown),
            *(q.text for q in pack.questions if q.dimension in shown)])

    def student_view_data(self, context=None) -> dict[str, Any]:
        """For the mobile apps: the questionnaire (structure only) and where to post answers."""
        try:
            pack = self.load_pack()
        except content.ContentError as exc:
            return {"display_name": self.display_name, "error": str(exc)}
        _ = self.translator(pack)
        shown = self.shown(pack)
        return {
            "display_name": self.display_name, "pack": {"id": pack.id, "version": pack.version,
                                                        "economy": pack.economy, "language": pack.language},
            "grading_mode": self.grading_mode, "weight": self.weight,
            "steps": steps_view(pack, {}, {}, shown, _),
            "levels": [{"id": lv.id, "title": lv.title, "min": lv.min, "max": lv.max} for lv in pack.levels],
            "handlers": ["student_view_user_state", "save_answers", "submit", "reassess"],
        }

    # -- handlers -----------------------------------------------------------------------
    def _check_attempt(self, data: dict) -> None:
        sent = data.get("attempt")
        if isinstance(sent, bool) or not isinstance(sent, int):
            raise HandlerError(400, "Say which attempt these answers belong to ('attempt', a number).")
        if sent != self.attempt:
            raise HandlerError(409, f"These answers are for attempt {sent}, but attempt {self.attempt} "
                                    "is the current one. Reload the page to continue.")

    def _merged(self, pack: Pack, data: dict) -> tuple[dict, dict]:
        """The saved answers with this request's changes applied, validated as a whole batch:
        one bad value rejects the request and keeps everything saved before."""
        profile_in, answers_in = data.get("profile") or {}, data.get("answers") or {}
        if not isinstance(profile_in, dict) or not isinstance(answers_in, dict):
            raise HandlerError(400, "'profile' and 'answers' must be JSON objects.")
        shown = set(self.shown(pack))
        asked = {p.id for p in profile_questions(pack)}
        if pack.economy and profile_in.get("economy") == pack.economy:  # the overlay's own economy
            profile_in = {k: v for k, v in profile_in.items() if k != "economy"}
        errors = [f"profile '{k}': not asked in this diagnostic" for k in profile_in if k not in asked]
        for qid in answers_in:
            question = pack.question(qid)
            if question is None:
                errors.append(f"question '{qid}': unknown question")
            elif question.dimension not in shown:
                errors.append(f"question '{qid}': not part of this diagnostic")
        if errors:
            raise self._refused(pack, errors)
        changed_profile = {k: v for k, v in profile_in.items() if v is not None and v != ""}
        changed_answers = {k: v for k, v in answers_in.items() if v is not None}
        clean_profile, clean_answers, errors = validate(pack, changed_profile, changed_answers, complete=False)
        if errors:
            raise self._refused(pack, errors)
        profile = {k: v for k, v in self.profile.items() if k not in profile_in}
        profile.update(clean_profile)
        answers = {k: v for k, v in self.answers.items() if k not in answers_in}
        answers.update(clean_answers)
        return self._fixed_profile(pack, profile), answers

    def _refused(self, pack: Pack, lines: list[str]) -> HandlerError:
        """The core's validation lines as the learner reads them (``errors``: questions by
        their words, no ids), with the lines themselves as ``detail`` for developers."""
        t = self.translator(pack)
        return HandlerError(400, t(_("Some answers were not accepted; nothing was saved.")),
                            learner_errors(lines, pack_question_texts(pack), t), lines)

    def _state(self, pack: Pack) -> dict[str, Any]:
        shown = self.shown(pack)
        visible = [q.id for q in visible_questions(pack, self.profile, self.answers)[0] if q.dimension in shown]
        return {"attempt": self.attempt, "submitted": self.submitted, "step": self.step,
                "progress": learner_progress(pack, self.profile, self.answers, shown),
                "visible": visible}

    @json_endpoint
    def save_answers(self, data, suffix=""):
        """Save-as-you-go: the changed answers of the current step (and the step shown)."""
        pack = self.load_pack()
        self._check_attempt(data)
        if self.submitted:
            raise HandlerError(409, "This attempt is already submitted. Start a new attempt to change answers.")
        profile, answers = self._merged(pack, data)
        step = data.get("step")
        first_save = not self.started_at
        self.profile, self.answers = profile, answers
        if isinstance(step, str) and len(step) <= 64:
            self.step = step
        if first_save:
            self.started_at = _now()
            self.publish("digiready.diagnostic.attempted", self._event_base(pack))
            block_event(self, "diagnostic.attempted", object_id=f"diagnostic/{pack.id}",
                        economy=pack.economy, data={"attempt": self.attempt,
                                                    "content_version": pack.version or None})
        return dict(self._state(pack), saved=True)

    @json_endpoint
    def submit(self, data, suffix=""):
        """Score the current attempt once; the grade, completion and analytics event follow."""
        pack = self.load_pack()
        self._check_attempt(data)
        if self.submitted:
            raise HandlerError(409, f"Attempt {self.attempt} is already submitted.")
        profile, answers = self._merged(pack, data)
        shown = self.shown(pack)
        missing = missing_required(pack, profile, answers, shown)
        t = self.translator(pack)
        self.check_due(t)
        if missing:
            raise HandlerError(400, t(_("Please answer every required question before you see your results.")),
                               [t(PLEASE_ANSWER_NAMED) % {"question": text} for _qid, text in missing],
                               [f"{qid}: an answer is required" for qid, _text in missing])
        try:
            result = diagnose(pack, profile, answers, complete=False, previous=self._previous_result())
        except DiagnosticError as exc:  # defensive: answers were validated above
            raise HandlerError(400, "The answers could not be scored.", exc.errors) from exc
        # The class without this learner's previous result (a re-assessment replaces it).
        others = peer_aggregate.apply(self._class_aggregate(pack), self.contributed or None, -1)
        if self.show_benchmark:
            result["benchmark"] = peer_aggregate.benchmark_from_aggregate(pack, result["profile"], result, others)
        mine = peer_aggregate.contribution(pack, result["profile"], result)
        summary = self._summary(result)
        if profile != self.profile or answers != self.answers:  # each field written costs a query
            self.profile, self.answers = profile, answers
        self.result = result
        self.submitted = True
        self.history = (list(self.history) + [summary])[-HISTORY_LIMIT:]
        self.class_aggregate, self.contributed = peer_aggregate.apply(others, mine), mine
        if self.class_results:
            self.class_results = {}
        score = self.calculate_score()
        self.set_score(score)
        self.publish_grade(score)
        self.publish("completion", {"completion": 1.0})
        event = self._event_base(pack)
        event.update(overall=result["overall"]["score"], level=result["overall"]["level"],
                     dimensions={d["id"]: d["score"] for d in result["dimensions"]},
                     dii=result["dii"]["count"], grading_mode=self.grading_mode,
                     grade=score.raw_earned, recommendations=[r["id"] for r in result["recommendations"][:5]])
        self.publish("digiready.diagnostic.completed", event)
        block_event(self, "diagnostic.completed", object_id=f"diagnostic/{pack.id}", economy=pack.economy,
                    data={"attempt": self.attempt, "result": result,
                          "content_version": pack.version or None})
        return dict(self._state(pack), html=self.body_html(pack), grade=score.raw_earned)

    @json_endpoint
    def reassess(self, data, suffix=""):
        """Start the next attempt, prefilled with the last answers so only changes are needed."""
        pack = self.load_pack()
        self._check_attempt(data)
        if not self.submitted:
            raise HandlerError(409, "Finish the current attempt before starting a new one.")
        self.attempt += 1
        self.submitted = False
        self.step = ""
        self.started_at = ""
        return dict(self._state(pack), html=self.body_html(pack))

    @XBlock.handler
    def student_view_user_state(self, request, suffix=""):
        """The learner's state for the mobile apps (GET, as their native API calls it)."""
        try:
            pack = self.load_pack()
        except content.ContentError as exc:
            return json_response({"error": str(exc)}, 503)
        return json_response(dict(self._state(pack), profile=self.profile, answers=self.answers,
                                  result=self.result or None, history=self.history))

    @XBlock.handler
    def class_results_csv(self, request, suffix=""):
        """Staff only: the class's latest results per peer group (businesses, mean scores).
        One row per learner is the instructor's "Problem responses" report."""
        if not self.is_staff():
            return Response("Only course staff can download the class results.", status=403,
                            content_type="text/plain", charset="utf8")
        try:
            pack = self.load_pack()
            rows = peer_aggregate.group_rows(self._class_aggregate(pack))
        except content.ContentError as exc:
            return Response(str(exc), status=503, content_type="text/plain", charset="utf8")
        dims = sorted({d for row in rows for d in row["dimensions"]})
        out = io.StringIO()
        writer = csv.writer(out)
        # Each code keeps its column, with its label from the pack beside it (sector "r" and
        # what "r" is), so the file reads without the pack at hand.
        fields = peer_aggregate.GROUP_FIELDS
        writer.writerow([*(c for f in fields for c in (f, f + "_label")), "businesses", "overall_mean", *dims])
        for row in rows:
            writer.writerow([*(v for f in fields for v in (row[f], peer_group_label(pack, f, row[f]))),
                             row["businesses"], row["overall_mean"],
                             *(row["dimensions"].get(d, "") for d in dims)])
        response = Response(out.getvalue(), content_type="text/csv", charset="utf8")
        response.content_disposition = 'attachment; filename="digiready-class-results.csv"'
        return response

    @XBlock.handler
    def module_page(self, request, suffix=""):
        try:
            pack = self.load_pack()
        except content.ContentError as exc:
            return Response(str(exc), status=503, content_type="text/plain", charset="utf8")
        module_id = suffix.strip("/")
        if module_id in pack.modules and request.method == "GET":
            # The learner opened the module (as the LTI tool records it): module sessions and
            # completion by content version count from here, not only from the survey.
            block_event(self, "module.progressed", object_id=f"module/{module_id}",
                        economy=pack.economy, data={"progress": 10,
                                                    "content_version": pack.version or None})
        return module_page_response(pack, suffix, self.translator(pack),
                                    events_url=self.runtime.handler_url(self, "player_events", module_id),
                                    csrf=request.cookies.get("csrftoken", ""),
                                    media_url=lambda path: self.runtime.handler_url(self, "media", path))

    @XBlock.handler
    def media(self, request, suffix=""):
        """A built video file (digiready.media): byte ranges, ETag, long cache; for sites
        where nginx does not serve DIGIREADY_MEDIA_DIR (docs/media.md)."""
        from digiready.media.serve import MediaFiles

        files = MediaFiles()
        return request.get_response(lambda environ, start: files.serve(environ, start, suffix))

    @json_endpoint
    def player_events(self, data, suffix=""):
        """Video player events from a module page (the events area's player script)."""
        pack = self.load_pack()
        module = pack.modules.get(suffix.strip("/"))
        if module is None:
            raise HandlerError(404, "This training module does not exist in the content pack.")
        try:
            return {"recorded": block_player_events(self, data, module_id=module.id, economy=pack.economy)}
        except ClientEventError as exc:
            raise HandlerError(400, str(exc)) from None

    # -- summaries, events, reports -----------------------------------------------------
    def _summary(self, result: dict[str, Any]) -> dict[str, Any]:
        return {"attempt": self.attempt, "submitted_at": _now(), "overall": result["overall"]["score"],
                "level": result["overall"]["level"], "dii": result["dii"]["count"],
                "dimensions": {d["id"]: d["score"] for d in result["dimensions"] if d["score"] is not None},
                "pack": f'{result["pack"]["id"]}@{result["pack"]["version"]}'}

    def _previous_result(self) -> dict[str, Any] | None:
        """The last submitted attempt in the shape :func:`digiready.diagnostic.compare` reads."""
        if not self.history:
            return None
        last = self.history[-1]
        return {"overall": {"score": last.get("overall"), "level": last.get("level")},
                "dimensions": [{"id": k, "score": v} for k, v in last.get("dimensions", {}).items()]}

    def _event_base(self, pack: Pack) -> dict[str, Any]:
        """What every analytics event carries: no name, no e-mail, no free text."""
        return {"attempt": self.attempt, "pack": pack.id, "pack_version": pack.version,
                "economy": pack.economy, "language": pack.language}

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """Rows for the instructor's "problem responses" report: one per learner."""
        count = 0
        for user_state in user_state_iterator:
            if limit_responses is not None and count >= limit_responses:
                return
            state = user_state.state or {}
            history = state.get("history") or []
            if not history:
                continue
            last = history[-1]
            row = {"Attempt": last.get("attempt"), "Submitted at": last.get("submitted_at"),
                   "Overall score": last.get("overall"), "Level": last.get("level"),
                   "Digital intensity (items)": last.get("dii")}
            row.update({f"Dimension {k}": v for k, v in sorted(last.get("dimensions", {}).items())})
            count += 1
            yield user_state.username, row

    # -- Studio -------------------------------------------------------------------------
    def validate_field_data(self, validation, data) -> None:
        self.validate_content_fields(validation, data)
        if data.grading_mode not in (GRADING_COMPLETION, GRADING_MATURITY):
            validation.add(ValidationMessage(ValidationMessage.ERROR, "Grading must be 'completion' or 'maturity'."))
        if data.weight is not None and data.weight < 0:
            validation.add(ValidationMessage(ValidationMessage.ERROR, "The weight cannot be negative."))
        mapping = data.unit_mapping
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            validation.add(ValidationMessage(
                ValidationMessage.ERROR, 'Recommendation links must be a JSON object like {"module_id": "block-v1:..."}.'))
            return
        try:
            pack = content.resolve(data.pack, data.economy, None, self.block_settings().get("CONTENT_DIR"))
        except content.ContentError:
            return
        unknown = sorted(set(mapping) - set(pack.modules))
        if unknown:
            validation.add(ValidationMessage(
                ValidationMessage.ERROR, f"Recommendation links name modules the pack does not have: "
                                         f"{', '.join(unknown)} (modules: {', '.join(sorted(pack.modules))})."))

    @staticmethod
    def workbench_scenarios():
        from xblocks.scenarios import diagnostic_scenarios

        return diagnostic_scenarios()
