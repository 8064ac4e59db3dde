"""What Open edX's own blocks (xblock-poll, drag-and-drop-v2) do and these blocks must too: the
mobile apps' view, due dates on graded submissions, Studio's author view and editor (labels in
the author's language, JSON mistakes answered readably), course search, OLX export/import."""
from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from django.utils import translation
from lxml import etree
from xblock.core import XBlockMixin
from xblock.fields import DateTime, Scope

from tests.xblocks.conftest import RecordingRuntime, call
from tests.xblocks.edx_i18n import XBlockI18nService, edx_runtime, install_catalogs
from tests.xblocks.test_diagnostic_handlers import ANSWERS, PROFILE
from xblocks.diagnostic import DiagnosticXBlock
from xblocks.i18n import LOCALE_DIR, LOCALES
from xblocks.survey import SurveyXBlock


class DueDates(XBlockMixin):
    """The part of edx-platform's InheritanceMixin that carries due dates (``graceperiod`` is a
    timedelta there; a plain attribute here)."""

    due = DateTime(scope=Scope.settings, default=None)
    graceperiod = None


class DueDiagnostic(DueDates, DiagnosticXBlock):
    pass


class DueSurvey(DueDates, SurveyXBlock):
    pass


def _survey_choices(block) -> dict:
    data = block.student_view_data()
    return {q["id"]: q["options"][0]["id"] for q in data["questions"]}


# -- mobile apps -------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [DiagnosticXBlock, SurveyXBlock])
def test_blocks_support_multi_device(make_block, cls):
    block = make_block(cls)
    assert block.has_support(block.student_view, "multi_device")
    assert not block.has_support(block.author_view, "multi_device")


def test_mobile_app_answers_the_diagnostic_from_student_view_data_alone(make_block):
    """What an app does: read the structure, post answers with the ids it names, read the state."""
    block = make_block(DiagnosticXBlock)
    data = json.loads(json.dumps(block.student_view_data()))
    questions = {q["id"] for step in data["steps"] for q in step["questions"]}
    assert {"channels", "posting", "accepts"} <= questions and set(ANSWERS) - {"coop_records"} <= questions
    assert data["handlers"] == ["student_view_user_state", "save_answers", "submit", "reassess"]
    status, body = call(block, "submit", {"attempt": 1, "profile": PROFILE, "answers": ANSWERS})
    assert status == 200, body
    status, state = call(block, "student_view_user_state", method="GET")
    assert state["submitted"] and state["result"]["overall"]["score"] is not None


def test_mobile_app_answers_the_survey_without_seeing_the_correct_answers(make_block):
    block = make_block(SurveyXBlock)
    data = block.student_view_data()
    options = [o for q in data["questions"] for o in q["options"]]
    assert options and all(set(o) == {"id", "label"} for o in options)  # no "correct", no feedback
    status, body = call(block, "submit", {"choices": _survey_choices(block), "usefulness": 5})
    assert status == 200 and "grade" in body


# -- due dates ---------------------------------------------------------------------------
def test_graded_submit_after_the_due_date_is_refused_and_saves_nothing(make_block):
    block = make_block(DueDiagnostic, due=datetime.now(timezone.utc) - timedelta(hours=1))
    call(block, "save_answers", {"attempt": 1, "profile": PROFILE, "answers": ANSWERS})
    status, body = call(block, "submit", {"attempt": 1})
    assert status == 403 and "due date has passed" in body["error"]
    assert not block.submitted and not block.history and block.runtime.events("grade") == []


def test_grace_period_and_ungraded_components_still_accept_submissions(make_block):
    late = datetime.now(timezone.utc) - timedelta(minutes=5)
    graced = make_block(DueDiagnostic, usage="graced", due=late)
    graced.graceperiod = timedelta(hours=1)
    assert call(graced, "submit", {"attempt": 1, "profile": PROFILE, "answers": ANSWERS})[0] == 200
    ungraded = make_block(DueDiagnostic, usage="ungraded", due=late, weight=0.0)
    assert call(ungraded, "submit", {"attempt": 1, "profile": PROFILE, "answers": ANSWERS})[0] == 200
    future = make_block(DueDiagnostic, usage="future", due=datetime.now(timezone.utc) + timedelta(days=1))
    assert call(future, "submit", {"attempt": 1, "profile": PROFILE, "answers": ANSWERS})[0] == 200


def test_survey_refuses_a_late_graded_submission_in_the_learners_language(make_block):
    block = make_block(DueSurvey, due=datetime.now(timezone.utc) - timedelta(days=1), economy="xx", language="es")
    status, body = call(block, "submit", {"choices": _survey_choices(block)})
    assert status == 403 and body["error"] == "La fecha límite ya pasó: sus respuestas no se enviaron."
    assert not block.submitted and block.submissions == 0


# -- Studio ------------------------------------------------------------------------------
def test_author_view_shows_the_settings_without_touching_learner_state(make_block):
    block = make_block(DiagnosticXBlock, dimensions=["payments"], grading_mode="maturity", weight=2.0)
    html = block.author_view().content
    assert "Fixture pack" in html and "Sales and payments" in html and "Digital presence" not in html
    assert "Credit equal to the overall maturity score" in html and "<dd>2</dd>" in html
    assert not block.started_at and block.runtime.published == []
    broken = make_block(SurveyXBlock, usage="broken", module="no_such_module")
    html = broken.author_view().content
    assert "dr-alert" in html and "no_such_module" in html


EdxRuntime = edx_runtime(RecordingRuntime)


def test_studio_field_labels_are_in_the_authors_language(make_block, tmp_path, monkeypatch):
    root = install_catalogs(tmp_path / "xblock.v1", LOCALE_DIR, LOCALES)
    monkeypatch.setattr(XBlockI18nService, "python_locale_root", root)
    block = make_block(DiagnosticXBlock, runtime_class=EdxRuntime)
    with translation.override("es"):
        html = block.studio_view().content
    assert "Paquete de contenido" in html and "Enlaces de las recomendaciones" in html
    assert "Áreas que se muestran" in html and ">Content pack<" not in html
    assert "Nombre de la carpeta del paquete de contenido" in html  # help texts too
    survey = make_block(SurveyXBlock, usage="s", runtime_class=EdxRuntime)
    with translation.override("vi"):
        fragment = survey.studio_view()
    assert "Xin ý kiến phản hồi" in fragment.content
    assert fragment.json_init_args["messages"]["this is not valid JSON"] == "đây không phải JSON hợp lệ"


def test_studio_view_checks_json_fields_in_the_browser(make_block):
    fragment = make_block(DiagnosticXBlock).studio_view()
    assert fragment.js_init_fn == "DigiReadyStudioEdit"
    assert fragment.json_init_args["json_fields"] == ["unit_mapping"]  # dimensions: tick boxes
    # its messages in the author's language (the workbench's: English)
    assert fragment.json_init_args["messages"]["this is not valid JSON"] == "this is not valid JSON"
    assert any("function DigiReadyStudioEdit" in r.data for r in fragment.resources)


@pytest.mark.parametrize("values, fragment", [
    ({"unit_mapping": ["pay_basics"]}, "Recommendation links: Value stored in a Dict must be None or a dict"),
    ({"unit_mapping": {"no_such_module": "https://x.example"}}, "name modules the pack does not have"),
    ({"weight": -1}, "The weight cannot be negative"),
])
def test_studio_save_mistakes_get_a_readable_400_and_change_nothing(make_block, values, fragment):
    block = make_block(DiagnosticXBlock, staff=True)
    status, body = call(block, "submit_studio_edits", {"values": values, "defaults": []})
    assert status == 400
    texts = [m["text"] for m in body["error"]["messages"]]
    assert any(fragment in t for t in texts), texts
    assert block.unit_mapping == {} and block.weight == 1.0


def test_studio_save_of_a_body_that_is_not_the_editors_is_a_400(make_block):
    block = make_block(DiagnosticXBlock, staff=True)
    status, body = call(block, "submit_studio_edits", raw=b"{oops")
    assert status == 400 and "could not be read" in body["error"]["messages"][0]["text"]
    status, body = call(block, "submit_studio_edits", {"values": {"unit_mapping": {"pay_basics": "/u/1"}},
                                                       "defaults": []})
    assert status == 200 and body == {"result": "success"} and block.unit_mapping == {"pay_basics": "/u/1"}


# -- course search -----------------------------------------------------------------------
def test_index_dictionary_gives_course_search_the_questions_and_module_text(make_block):
    diagnostic = make_block(DiagnosticXBlock, dimensions=["payments"]).index_dictionary()
    assert diagnostic["content_type"] == "DigiReady diagnostic"
    text = diagnostic["content"]["text"]
    assert "Sales and payments" in text and "Digital presence" not in text
    survey = make_block(SurveyXBlock, usage="s").index_dictionary()
    assert survey["content_type"] == "DigiReady survey" and survey["content"]["display_name"] == "Check your knowledge"
    assert len(survey["content"]["text"]) > 20


# -- OLX ---------------------------------------------------------------------------------
SETTINGS = {
    DiagnosticXBlock: {"display_name": "Payments check", "economy": "xx", "language": "es", "dimensions": ["payments"],
                       "grading_mode": "maturity", "weight": 2.5, "show_benchmark": False,
                       "unit_mapping": {"pay_basics": "block-v1:Org+C+R+type@vertical+block@pay"}},
    SurveyXBlock: {"display_name": "Quiz", "module": "", "ask_feedback": False, "weight": 0.5,
                   "custom_questions": [{"id": "q1", "text": "Which?", "options": [
                       {"id": "a", "label": "A", "correct": True}, {"id": "b", "label": "B"}]}]},
}


@pytest.mark.parametrize("cls", [DiagnosticXBlock, SurveyXBlock])
def test_olx_export_and_import_round_trip_keeps_every_setting(make_block, cls):
    """As Studio exports a course (no learner in the runtime) and imports it into another."""
    block_type = "digiready_diagnostic" if cls is DiagnosticXBlock else "digiready_survey"
    block = make_block(cls, block_type=block_type, **SETTINGS[cls])
    out = io.BytesIO()
    block.runtime.export_to_xml(block, out)
    node = etree.fromstring(out.getvalue())
    assert node.tag == block.scope_ids.block_type
    assert json.loads(node.get("unit_mapping" if cls is DiagnosticXBlock else "custom_questions")) == \
        SETTINGS[cls]["unit_mapping" if cls is DiagnosticXBlock else "custom_questions"]
    fresh = RecordingRuntime()
    imported = fresh.get_block(fresh.parse_xml_string(out.getvalue()))
    for name, value in SETTINGS[cls].items():
        assert getattr(imported, name) == value, name
    assert imported.validate().empty, [m.text for m in imported.validate().messages]
