"""``digiready_survey``: a training module's knowledge check and feedback survey.

The questions come from the module in the content pack (already translated there), or from
Studio when the author writes their own. The knowledge check is graded (share of correct
answers); usefulness and comments are feedback. Staff see anonymous aggregates only: counts
per option and rating, and comments without any link to who wrote them.
"""
from __future__ import annotations

import hashlib
from typing import Any

from web_fragments.fragment import Fragment
from xblock.completable import XBlockCompletionMode
from xblock.core import XBlock
from xblock.fields import Boolean, Dict, Float, Integer, List, Scope, String
from xblock.scorable import ScorableXBlockMixin, Score
from xblock.utils.studio_editable import StudioEditableXBlockMixin
from xblock.validation import ValidationMessage

from digiready.events.xblock import block_event
from digiready.packs import Pack
from digiready.presentation.learner_messages import PLEASE_ANSWER_NAMED, UNREADABLE, verdict_with_feedback
from xblocks import content, rendering
from xblocks.common import DigiReadyBlockMixin, HandlerError, _, json_endpoint
from xblocks.rendering import author_fragment

COMMENT_MAX = 1000
COMMENTS_KEPT = 200  # newest comments kept in the aggregate
RATINGS = (1, 2, 3, 4, 5)


def _module_values(block) -> list[dict[str, str]]:
    try:
        pack = block.load_pack()
    except content.ContentError:
        return []
    return [{"display_name": _("First module of the pack"), "value": ""}] + [
        {"display_name": m.title, "value": m.id} for m in pack.modules.values()]


def check_questions(questions: Any) -> list[str]:
    """Problems with authored questions, one readable line each (empty when fine)."""
    if not isinstance(questions, list):
        return ["Questions must be a JSON list."]
    problems, seen = [], set()
    for n, q in enumerate(questions, 1):
        if not isinstance(q, dict) or not isinstance(q.get("id"), str) or not isinstance(q.get("text"), str):
            problems.append(f"Question {n} needs an 'id' and a 'text'.")
            continue
        if q["id"] in seen:
            problems.append(f"Question {n}: the id {q['id']!r} is used twice.")
        seen.add(q["id"])
        options = q.get("options")
        if not isinstance(options, list) or len(options) < 2 or not all(
                isinstance(o, dict) and isinstance(o.get("id"), str) and isinstance(o.get("label"), str)
                for o in options):
            problems.append(f"Question {n} ({q['id']}): give at least two options, each with 'id' and 'label'.")
        elif sum(1 for o in options if o.get("correct")) != 1:
            problems.append(f"Question {n} ({q['id']}): mark exactly one option as correct.")
    return problems


@XBlock.needs("i18n")
@XBlock.wants("user", "settings")
class SurveyXBlock(DigiReadyBlockMixin, StudioEditableXBlockMixin, ScorableXBlockMixin, XBlock):
    """Knowledge check (graded) and feedback survey of one training module."""

    display_name = String(display_name=_("Display name"), scope=Scope.settings, default="Check your knowledge")
    module = String(display_name=_("Module"), scope=Scope.settings, default="", values_provider=_module_values,
                    help=_("The training module whose knowledge check and survey this shows."))
    custom_questions = List(
        display_name=_("Questions written in Studio"), scope=Scope.settings, default=[],
        help=_('Leave empty to use the module\'s own questions. Otherwise a JSON list: [{"id": "q1", '
              '"text": "...", "options": [{"id": "a", "label": "...", "correct": true, "feedback": "..."}]}]'))
    ask_feedback = Boolean(display_name=_("Ask for feedback"), scope=Scope.settings, default=True,
                           help=_("Also ask how useful the module was, and for a comment."))
    weight = Float(display_name=_("Problem weight"), scope=Scope.settings, default=1.0, values={"min": 0, "step": 0.5})

    choices = Dict(scope=Scope.user_state, default={}, help="Chosen option per knowledge-check question")
    usefulness = Integer(scope=Scope.user_state, default=None, help="Usefulness rating 1-5")
    comment = String(scope=Scope.user_state, default="")
    submitted = Boolean(scope=Scope.user_state, default=False)
    raw_earned = Float(scope=Scope.user_state, default=None)

    tally = Dict(scope=Scope.user_state_summary, default={}, help="Option counts per question")
    ratings = Dict(scope=Scope.user_state_summary, default={}, help="Count per usefulness rating")
    comments = List(scope=Scope.user_state_summary, default=[], help="Comments, with no author")
    submissions = Integer(scope=Scope.user_state_summary, default=0)

    editable_fields = ("display_name", "pack", "economy", "language", "module", "custom_questions",
                       "ask_feedback", "weight")
    has_score = True
    has_author_view = True
    completion_mode = XBlockCompletionMode.COMPLETABLE
    has_custom_completion = True
    i18n_js_namespace = "DigiReadyI18N"
    icon_class = "problem"

    # -- questions ----------------------------------------------------------------------
    def _module(self, pack: Pack):
        if self.module:
            module = pack.modules.get(self.module)
            if module is None:
                raise content.ContentError(f"Module {self.module!r} is not in the content pack "
                                           f"(modules: {', '.join(sorted(pack.modules))}).")
            return module
        if not pack.modules:
            raise content.ContentError("The content pack has no training modules.")
        return next(iter(pack.modules.values()))

    def questions(self, pack: Pack) -> tuple[str, list[dict], dict]:
        """(module title, knowledge-check questions, survey texts)."""
        module = self._module(pack)
        survey = module.survey or {}
        questions = self.custom_questions if self.custom_questions else survey.get("knowledge_check") or []
        return module.title, list(questions), survey

    # -- grading ------------------------------------------------------------------------
    def max_score(self) -> float:
        return 1.0

    def has_submitted_answer(self) -> bool:
        return self.submitted

    def get_score(self) -> Score:
        return Score(self.raw_earned or 0.0, 1.0)

    def set_score(self, score: Score) -> None:
        self.raw_earned = score.raw_earned / score.raw_possible if score.raw_possible else 0.0

    def calculate_score(self) -> Score:
        pack = self.load_pack()
        _title, questions, _survey = self.questions(pack)
        if not questions:
            return Score(1.0, 1.0)
        correct = sum(1 for q in questions if self.choices.get(q["id"]) == _correct_option(q))
        return Score(round(correct / len(questions), 4), 1.0)

    # -- views --------------------------------------------------------------------------
    def _context(self, pack: Pack) -> dict[str, Any]:
        _ = self.translator(pack)
        title, questions, survey = self.questions(pack)
        block_id = self._dom_id()
        shown = []
        for q in questions:
            chosen = self.choices.get(q["id"])
            correct = _correct_option(q)
            option = next((o for o in q["options"] if o["id"] == chosen), None)
            right = chosen == correct
            shown.append({"id": q["id"], "text": q["text"], "chosen": chosen,
                          "is_correct": right,
                          # The verdict and the option's feedback, the verdict said once.
                          "feedback": verdict_with_feedback(_("Correct.") if right else _("Not quite."),
                                                            (option or {}).get("feedback")),
                          "options": [{"id": o["id"], "label": o["label"], "checked": o["id"] == chosen}
                                      for o in q["options"]]})
        return {"_": _, "block_id": block_id, "display_name": self.display_name, "module_title": title,
                "questions": shown, "submitted": self.submitted, "ask_feedback": self.ask_feedback,
                "usefulness_text": (survey.get("usefulness") or {}).get("text") or _("How useful was this module?"),
                "comment_text": (survey.get("comment") or {}).get("text") or _("Any comment?"),
                "usefulness": self.usefulness, "comment": self.comment, "ratings": RATINGS,
                "correct": sum(1 for q in shown if q["is_correct"]), "total": len(shown),
                "is_staff": self.is_staff(), "aggregate": self._aggregate(questions) if self.is_staff() else None}

    def _dom_id(self) -> str:
        return hashlib.sha1(str(self.scope_ids.usage_id).encode()).hexdigest()[:10]

    def body_html(self, pack: Pack) -> str:
        return rendering.render("templates/survey.html", self._context(pack))

    @XBlock.supports("multi_device")  # the mobile apps show it, and use student_view_data
    def student_view(self, context=None) -> Fragment:
        fragment = Fragment()
        fragment.add_css(rendering.load("public/css/digiready.css"))
        try:
            pack = self.load_pack()
            body = self.body_html(pack)
        except content.ContentError as exc:
            fragment.add_content(rendering.render("templates/unavailable.html", {
                "_": self.translator(), "detail": str(exc) if self.is_staff() else None}))
            return fragment
        fragment.add_content(rendering.render("templates/block.html", {
            "kind": "survey", "lang": pack.language, "body": body, "block_id": self._dom_id()}))
        self.add_js_catalog(fragment, pack)
        fragment.add_javascript(rendering.load("public/js/survey.js"))
        fragment.initialize_js("DigiReadySurvey", {"submit": self.runtime.handler_url(self, "submit")})
        return fragment

    def author_view(self, context=None) -> Fragment:
        """Studio's unit page: which module, how many questions, and what is wrong, if anything."""
        validation = self.validate()
        try:
            pack = self.load_pack()
            title, questions, _survey = self.questions(pack)
        except content.ContentError as exc:
            pack, title, questions = None, str(exc), []
        t = self.translator(pack)
        rows = [(t(_("Content pack")), f"{pack.title} ({pack.id} {pack.version})" if pack else self.pack),
                (t(_("Economy overlay")), self.economy or "-"), (t(_("Module")), title),
                (t(_("Questions")), str(len(questions))),
                (t(_("Ask for feedback")), t(_("Yes")) if self.ask_feedback else t(_("No"))),
                (t(_("Problem weight")), f"{self.weight:g}")]
        return author_fragment(self.display_name, rows, [m.text for m in validation.messages])

    def index_dictionary(self) -> dict[str, Any]:
        """Course search: the module's title, objectives and knowledge-check questions."""
        try:
            pack = self.load_pack()
            module = self._module(pack)
            _title, questions, _survey = self.questions(pack)
        except content.ContentError:
            return self.index_document("DigiReady survey", [])
        return self.index_document("DigiReady survey", [module.title, *module.objectives,
                                                        *(q["text"] for q in questions)])

    def student_view_data(self, context=None) -> dict[str, Any]:
        try:
            pack = self.load_pack()
            title, questions, survey = self.questions(pack)
        except content.ContentError as exc:
            return {"display_name": self.display_name, "error": str(exc)}
        return {"display_name": self.display_name, "module": self._module(pack).id, "module_title": title,
                "language": pack.language, "ask_feedback": self.ask_feedback,
                # The correct answers stay on the server: the app posts to ``submit``.
                "questions": [{"id": q["id"], "text": q["text"],
                               "options": [{"id": o["id"], "label": o["label"]} for o in q["options"]]}
                              for q in questions],
                "usefulness": (survey.get("usefulness") or {}).get("text"),
                "comment": (survey.get("comment") or {}).get("text")}

    # -- handlers -----------------------------------------------------------------------
    @json_endpoint
    def submit(self, data, suffix=""):
        """One submission: the knowledge check is graded, the feedback is tallied."""
        pack = self.load_pack()
        _ = self.translator(pack)
        if self.submitted:
            raise HandlerError(409, _("You have already answered this survey."))
        self.check_due(_)
        _title, questions, _survey = self.questions(pack)
        choices = data.get("choices") or {}
        if not isinstance(choices, dict):
            raise HandlerError(400, "'choices' must be a JSON object.")
        known = {q["id"]: q for q in questions}
        # ``errors``: what the learner reads (questions by number and words, never by id);
        # ``detail``: the same with ids, for developers and the mobile apps.
        detail = [f"question '{qid}': unknown question" for qid in choices if qid not in known]
        errors = [_(UNREADABLE)] if detail else []
        for number, (qid, q) in enumerate(known.items(), 1):
            value = choices.get(qid)
            if value is None:
                detail.append(f"question '{qid}': an answer is required")
                errors.append(_("Question %(number)s: %(text)s") % {
                    "number": number, "text": _(PLEASE_ANSWER_NAMED) % {"question": q["text"]}})
            elif value not in {o["id"] for o in q["options"]}:
                detail.append(f"question '{qid}': {value!r} is not an option")
                if _(UNREADABLE) not in errors:
                    errors.append(_(UNREADABLE))
        usefulness = data.get("usefulness")
        if usefulness is not None and (isinstance(usefulness, bool) or usefulness not in RATINGS):
            detail.append("usefulness: give a whole number from 1 to 5")
            if _(UNREADABLE) not in errors:
                errors.append(_(UNREADABLE))
        comment = data.get("comment") or ""
        if not isinstance(comment, str) or len(comment) > COMMENT_MAX:
            detail.append(f"comment: text of at most {COMMENT_MAX} characters")
            if _(UNREADABLE) not in errors:
                errors.append(_(UNREADABLE))
        if errors:
            raise HandlerError(400, _("Some answers were not accepted; nothing was saved."), errors, detail)
        self.choices = {qid: choices[qid] for qid in known}
        if self.ask_feedback:
            self.usefulness = usefulness
            self.comment = comment.strip()
        self.submitted = True
        self._add_to_aggregate(questions)
        score = self.calculate_score()
        self.set_score(score)
        self.publish_grade(score)
        self.publish("completion", {"completion": 1.0})
        self.publish("digiready.survey.submitted", {
            "module": self._module(pack).id, "pack": pack.id, "economy": pack.economy,
            "language": pack.language, "correct": round(score.raw_earned * len(questions)) if questions else 0,
            "total": len(questions), "usefulness": self.usefulness, "commented": bool(self.comment)})
        block_event(self, "module.completed", object_id=f"module/{self._module(pack).id}",
                    economy=pack.economy, data={"score": round(100 * score.raw_earned, 1),
                                                # xAPI context.revision: the trial period
                                                # compares completion by content version
                                                "content_version": pack.version or None})
        return {"html": self.body_html(pack), "grade": score.raw_earned}

    @json_endpoint
    def results(self, data, suffix=""):
        """Staff only: the anonymous aggregate (counts, ratings, comments)."""
        if not self.is_staff():
            raise HandlerError(403, "Only course staff can see the survey results.")
        pack = self.load_pack()
        return self._aggregate(self.questions(pack)[1])

    def _add_to_aggregate(self, questions: list[dict]) -> None:
        tally = {k: dict(v) for k, v in (self.tally or {}).items()}
        for q in questions:
            counts = tally.setdefault(q["id"], {})
            counts[self.choices[q["id"]]] = counts.get(self.choices[q["id"]], 0) + 1
        self.tally = tally
        if self.usefulness:
            ratings = dict(self.ratings or {})
            ratings[str(self.usefulness)] = ratings.get(str(self.usefulness), 0) + 1
            self.ratings = ratings
        if self.comment:
            self.comments = (list(self.comments or []) + [self.comment])[-COMMENTS_KEPT:]
        self.submissions = (self.submissions or 0) + 1

    def _aggregate(self, questions: list[dict]) -> dict[str, Any]:
        rated = sum(self.ratings.values()) if self.ratings else 0
        mean = (sum(int(k) * v for k, v in self.ratings.items()) / rated) if rated else None
        return {
            "submissions": self.submissions or 0,
            "questions": [{"id": q["id"], "text": q["text"], "correct": _correct_option(q),
                           "options": [{"id": o["id"], "label": o["label"],
                                        "count": (self.tally or {}).get(q["id"], {}).get(o["id"], 0)}
                                       for o in q["options"]]} for q in questions],
            "ratings": {str(r): (self.ratings or {}).get(str(r), 0) for r in RATINGS},
            "mean_rating": round(mean, 2) if mean is not None else None,
            "comments": list(reversed(self.comments or [])),
        }

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        count = 0
        for user_state in user_state_iterator:
            if limit_responses is not None and count >= limit_responses:
                return
            state = user_state.state or {}
            if not state.get("submitted"):
                continue
            row = {f"Question {qid}": choice for qid, choice in sorted((state.get("choices") or {}).items())}
            row.update({"Score": state.get("raw_earned"), "Usefulness": state.get("usefulness"),
                        "Comment": state.get("comment", "")})
            count += 1
            yield user_state.username, row

    # -- Studio -------------------------------------------------------------------------
    def validate_field_data(self, validation, data) -> None:
        self.validate_content_fields(validation, data)
        for problem in check_questions(data.custom_questions) if data.custom_questions else []:
            validation.add(ValidationMessage(ValidationMessage.ERROR, problem))
        try:
            pack = content.resolve(data.pack, data.economy, None, self.block_settings().get("CONTENT_DIR"))
        except content.ContentError:
            return
        if data.module and data.module not in pack.modules:
            validation.add(ValidationMessage(ValidationMessage.ERROR,
                                             f"Module {data.module!r} is not in the content pack."))

    @staticmethod
    def workbench_scenarios():
        from xblocks.scenarios import survey_scenarios

        return survey_scenarios()


def _correct_option(question: dict) -> str | None:
    return next((o["id"] for o in question.get("options", []) if o.get("correct")), None)
