"""Every handler of the diagnostic block on the XBlock test runtime, bad input included:
each mistake gets a clear 4xx answer and leaves what was saved untouched."""
from __future__ import annotations

import csv
import io
import json

import pytest

from tests.xblocks.conftest import call
from xblocks.diagnostic import DiagnosticXBlock

PROFILE = {"sector": "a", "size": "micro", "legal_form": "cooperative"}
ANSWERS = {"channels": ["social"], "posting": 2, "accepts": ["cash"], "sells_online": "no",
           "staff_training": "no", "protections": ["backup"], "coop_records": "yes"}


@pytest.fixture
def block(make_block):
    return make_block(DiagnosticXBlock)


def snapshot(block):
    return (dict(block.profile), dict(block.answers), block.attempt, block.submitted, list(block.history))


def complete(block, attempt=1):
    status, body = call(block, "save_answers", {"attempt": attempt, "profile": PROFILE, "answers": ANSWERS})
    assert status == 200, body
    status, body = call(block, "submit", {"attempt": attempt})
    assert status == 200, body
    return body


def test_save_answers_keeps_normalised_answers_and_reports_progress(block):
    status, body = call(block, "save_answers", {"attempt": 1, "profile": {"sector": "a"},
                                                "answers": {"posting": "3", "channels": ["maps", "social"]},
                                                "step": "presence"})
    assert status == 200
    assert block.answers == {"posting": 3, "channels": ["social", "maps"]}  # canonical: int, pack order
    assert block.profile == {"sector": "a"}
    assert block.step == "presence"
    assert body["progress"]["answered"] == 3
    assert body["progress"]["current_step_id"] == "profile"


def test_save_answers_returns_skip_rules_as_visible_questions(block):
    _, body = call(block, "save_answers", {"attempt": 1, "answers": {"sells_online": "no"}})
    assert "online_share" not in body["visible"]
    _, body = call(block, "save_answers", {"attempt": 1, "answers": {"sells_online": "yes"}})
    assert "online_share" in body["visible"]


@pytest.mark.parametrize("payload, status, fragment", [
    ({"attempt": 1, "answers": {"nope": "yes"}}, 400, "question 'nope': unknown question"),
    ({"attempt": 1, "answers": {"sells_online": "maybe"}}, 400, "'maybe' is not one of yes, partly, no"),
    ({"attempt": 1, "answers": {"posting": 9}}, 400, "not a whole number from 0 to 5"),
    ({"attempt": 1, "answers": {"channels": ["none", "social"]}}, 400, "cannot be combined"),
    ({"attempt": 1, "profile": {"size": "huge"}}, 400, "'huge' is not an option"),
    ({"attempt": 1, "profile": {"favourite_colour": "red"}}, 400, "not asked in this diagnostic"),
    ({"attempt": 2, "answers": {"posting": 1}}, 409, "attempt 1 is the current one"),
    ({"attempt": "1", "answers": {"posting": 1}}, 400, "Say which attempt"),
    ({"answers": {"posting": 1}}, 400, "Say which attempt"),
    ({"attempt": 1, "answers": ["posting"]}, 400, "must be JSON objects"),
])
def test_bad_saves_are_rejected_whole_and_change_nothing(block, payload, status, fragment):
    call(block, "save_answers", {"attempt": 1, "profile": {"sector": "g"}, "answers": {"posting": 4}})
    before = snapshot(block)
    # One good answer next to the bad one: the whole batch is refused.
    if isinstance(payload.get("answers"), dict):
        payload = dict(payload, answers={"protections": ["backup"], **payload["answers"]})
    got_status, body = call(block, "save_answers", payload)
    assert got_status == status
    assert fragment in body["error"] + " ".join(body.get("detail", []))
    # The learner's words name no question by its id (the ids are in ``detail``).
    for qid in [*(payload.get("answers") or {}), *(payload.get("profile") or {})]:
        assert not any(f"'{qid}'" in e or e.startswith(qid + ":") for e in body.get("errors", []))
    assert snapshot(block) == before


def test_malformed_requests_get_readable_errors(block):
    assert call(block, "save_answers", raw=b"{not json")[0] == 400
    assert call(block, "save_answers", raw=b"[1, 2]")[1]["error"] == "The request body must be a JSON object."
    status, body = call(block, "save_answers", method="GET")
    assert status == 405 and "POST" in body["error"]


def test_submit_with_missing_answers_lists_them_and_keeps_saved_answers(block):
    call(block, "save_answers", {"attempt": 1, "profile": PROFILE, "answers": {"posting": 1}})
    status, body = call(block, "submit", {"attempt": 1})
    assert status == 400
    assert any(e.startswith("channels:") for e in body["detail"])
    assert not any(e.startswith("ai_use") for e in body["detail"])  # optional question
    # The learner reads the questions' words, not their ids.
    from digiready.packs import load_pack
    from tests.paths import FIXTURE_PACK

    channels = load_pack(FIXTURE_PACK).question("channels").text
    assert f"Please answer “{channels}”." in body["errors"]
    assert not any("channels" in e for e in body["errors"])
    assert block.answers == {"posting": 1} and not block.submitted
    assert block.runtime.events("grade") == []


def test_submit_scores_publishes_grade_completion_and_event(block):
    body = complete(block)
    assert block.submitted and block.attempt == 1
    assert block.result["overall"]["score"] == pytest.approx(28.9)
    assert "Novice" in body["html"] and "<svg" in body["html"]
    assert block.runtime.events("grade") == [{"value": 1.0, "max_value": 1.0, "only_if_higher": None}]
    assert block.runtime.events("completion") == [{"completion": 1.0}]
    [event] = block.runtime.events("digiready.diagnostic.completed")
    assert event["overall"] == pytest.approx(28.9) and event["level"] == "novice"
    assert event["recommendations"][0] == "pay_basics"
    flat = repr(event)
    assert "anon-" not in flat and "cooperative" not in flat  # no learner id, no profile
    assert [k for k, _ in block.runtime.published].index("digiready.diagnostic.attempted") == 0


def test_diagnostic_statements_name_the_content_version(block):
    """Both diagnostic statements carry the pack version the learner answered (xAPI
    context.revision): the trial period compares versions by it."""
    complete(block)
    version = block.load_pack().version
    statements = [e["statement"] for e in block.runtime.events("digiready.xapi")]
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements] == ["attempted", "completed"]
    assert version and {s["context"]["revision"] for s in statements} == {version}


def test_opening_a_module_page_is_recorded_with_the_content_version(make_block):
    """An Open edX learner who opens a module counts as having started it, on the version
    they saw (the final report's completion before and after a content change); a module that
    does not exist records nothing."""
    block = make_block(DiagnosticXBlock)
    version = block.load_pack().version
    assert call(block, "module_page", method="GET", suffix="safe_online")[0] == 200
    assert call(block, "module_page", method="GET", suffix="nope")[0] == 404
    statements = [e["statement"] for e in block.runtime.events("digiready.xapi")]
    assert [s["verb"]["id"].rsplit("/", 1)[-1] for s in statements] == ["progressed"]
    assert statements[0]["object"]["id"].endswith("module/safe_online")
    assert version and statements[0]["context"]["revision"] == version


def test_maturity_grading_publishes_the_overall_score(make_block):
    block = make_block(DiagnosticXBlock, grading_mode="maturity", weight=3.0)
    complete(block)
    assert block.runtime.events("grade")[0]["value"] == pytest.approx(0.289)
    assert block.get_score().raw_earned == pytest.approx(0.289)
    assert block.max_score() == 1.0 and block.weight == 3.0 and block.has_score


def test_submitting_twice_is_refused_and_keeps_the_result(block):
    complete(block)
    result = dict(block.result)
    status, body = call(block, "submit", {"attempt": 1})
    assert status == 409 and "already submitted" in body["error"]
    status, body = call(block, "save_answers", {"attempt": 1, "answers": {"posting": 5}})
    assert status == 409
    assert block.result == result and block.answers["posting"] == 2
    assert len(block.runtime.events("grade")) == 1


def test_tampered_attempt_number_on_submit_and_reassess(block):
    call(block, "save_answers", {"attempt": 1, "profile": PROFILE, "answers": ANSWERS})
    assert call(block, "submit", {"attempt": 7})[0] == 409
    assert not block.submitted
    complete(block)
    assert call(block, "reassess", {"attempt": 0})[0] == 409
    assert block.attempt == 1


def test_reassessment_keeps_answers_and_shows_the_change(block):
    complete(block)
    assert call(block, "reassess", {"attempt": 1})[0] == 200
    assert block.attempt == 2 and not block.submitted and block.answers == ANSWERS
    status, _ = call(block, "save_answers", {"attempt": 2, "answers": {"accepts": ["qr", "card"], "sells_online": "yes",
                                                                     "online_share": "mid"}})
    assert status == 200
    status, body = call(block, "submit", {"attempt": 2})
    assert status == 200
    change = block.result["change"]
    assert change["overall"]["change"] > 0 and "payments" in change["improved"]
    assert "rose by" in body["html"]
    assert [h["attempt"] for h in block.history] == [1, 2]
    assert len(block.runtime.events("grade")) == 2


def test_reassess_before_submitting_is_refused(block):
    status, body = call(block, "reassess", {"attempt": 1})
    assert status == 409 and block.attempt == 1


def test_student_view_resumes_at_the_saved_step_with_answers_ticked(block):
    call(block, "save_answers", {"attempt": 1, "profile": PROFILE, "answers": {"channels": ["maps"]},
                                 "step": "presence"})
    html = block.student_view().content
    assert 'data-current="presence"' in html
    assert 'value="maps" checked' in html
    assert '<section class="dr-step" data-step="profile" aria-labelledby' in html
    assert 'data-step="profile" aria-labelledby="dr-' in html and 'data-step="presence" aria-labelledby' in html


def test_results_link_to_the_mapped_unit_or_the_module_page(make_block):
    block = make_block(DiagnosticXBlock, unit_mapping={"pay_basics": "https://lms.example/unit/7"})
    html = complete(block)["html"]
    assert 'href="https://lms.example/unit/7"' in html
    status, page = call(block, "module_page", method="GET", suffix="safe_online")
    assert status == 200 and "<h1>Module safe_online</h1>" in page and "Transcript" in page
    assert '<details class="transcript" open>' in page  # no video: the transcript is the lesson
    assert call(block, "module_page", method="GET", suffix="nope")[0] == 404


def test_dimensions_shown_limit_questions_and_results(make_block):
    block = make_block(DiagnosticXBlock, dimensions=["payments"])
    status, body = call(block, "save_answers", {"attempt": 1, "answers": {"posting": 2}})
    assert status == 400 and "not part of this diagnostic" in body["detail"][0]
    call(block, "save_answers", {"attempt": 1, "profile": PROFILE,
                                 "answers": {"accepts": ["qr"], "sells_online": "no"}})
    status, body = call(block, "submit", {"attempt": 1})
    assert status == 200, body
    assert "Sales and payments" in body["html"] and "Digital presence" not in body["html"]


def test_peer_benchmark_appears_with_enough_peers(make_block):
    for n in range(3):  # the fixture pack's minimum peer group is 3
        complete(make_block(DiagnosticXBlock, user_id=f"peer{n}"))
    block = make_block(DiagnosticXBlock, user_id="me")
    html = complete(block)["html"]
    assert block.result["benchmark"]["available"] and block.result["benchmark"]["peers"] == 3
    assert "higher than" in html


def test_class_csv_is_staff_only_and_per_peer_group(make_block):
    complete(make_block(DiagnosticXBlock, user_id="alice"))
    complete(make_block(DiagnosticXBlock, user_id="bob"))
    learner = make_block(DiagnosticXBlock, user_id="bob")
    status, text = call(learner, "class_results_csv", method="GET")
    assert status == 403 and "Only course staff" in text
    staff = make_block(DiagnosticXBlock, user_id="teacher", staff=True)
    status, text = call(staff, "class_results_csv", method="GET")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert status == 200 and len(rows) == 1
    assert rows[0]["sector"] == "a" and rows[0]["businesses"] == "2"
    # Codes keep their columns; a label column beside each says what the code is.
    assert rows[0]["sector_label"] == "Farming"
    assert list(rows[0])[:6] == ["economy", "economy_label", "sector", "sector_label", "size", "size_label"]
    assert rows[0]["size_label"] and rows[0]["size_label"] != rows[0]["size"]
    assert rows[0]["overall_mean"] == "29.0" and rows[0]["payments"] == "0.0"
    assert "alice" not in text and "bob" not in text


def test_class_results_are_a_bounded_aggregate_and_reassessment_replaces_a_learners_share(make_block):
    """Not a record per learner: the shared field holds counts per peer group and score point,
    so 12 more learners with the same profile leave its size nearly unchanged."""
    complete(make_block(DiagnosticXBlock, user_id="first"))
    size_one = len(json.dumps(make_block(DiagnosticXBlock, user_id="x").class_aggregate))
    for n in range(12):
        complete(make_block(DiagnosticXBlock, user_id=f"learner{n}"))
    shared = make_block(DiagnosticXBlock, user_id="x").class_aggregate
    assert len(json.dumps(shared)) < size_one + 40  # only counts grew (1 -> 13)
    assert not any(f"learner{n}" in json.dumps(shared) for n in range(12))
    (group,) = shared["groups"].values()
    assert group["n"] == 13 and sum(group["overall"].values()) == 13
    # A re-assessment with better answers moves the learner's share; it does not add one.
    again = make_block(DiagnosticXBlock, user_id="learner0")
    assert call(again, "reassess", {"attempt": 1})[0] == 200
    status, body = call(again, "save_answers", {"attempt": 2, "answers": {"posting": 5}})
    assert status == 200, body
    assert call(again, "submit", {"attempt": 2})[0] == 200
    (group,) = make_block(DiagnosticXBlock, user_id="x").class_aggregate["groups"].values()
    assert group["n"] == 13 and len(group["overall"]) == 2  # 12 at the old score, 1 at the new


def test_per_learner_summaries_of_earlier_versions_become_the_aggregate(make_block):
    old = make_block(DiagnosticXBlock, user_id="old")
    old.class_results = {f"anon-{n}": {"overall": 40.0 + n, "dimensions": {"payments": 10.0},
                                       "profile": {"sector": "a", "size": "micro"}} for n in range(3)}
    old.save()
    block = make_block(DiagnosticXBlock, user_id="me")
    complete(block)
    assert block.result["benchmark"]["available"] and block.result["benchmark"]["peers"] == 3
    assert block.class_results == {} and block.class_aggregate["groups"]["|a|micro"]["n"] == 4


def test_student_view_data_and_user_state_for_mobile(block):
    data = block.student_view_data()
    assert [s["id"] for s in data["steps"]] == ["profile", "presence", "payments", "security", "ai"]
    assert "save_answers" in data["handlers"]
    complete(block)
    status, state = call(block, "student_view_user_state", method="GET")
    assert status == 200 and state["result"]["overall"]["level"] == "novice" and state["submitted"]


class _State:
    def __init__(self, username, state):
        self.username, self.state = username, state


def test_generate_report_data_gives_one_row_per_learner(block):
    complete(block)
    states = [_State("ana", {"history": block.history}), _State("ben", {})]
    rows = list(block.generate_report_data(iter(states)))
    assert rows == [("ana", {"Attempt": 1, "Submitted at": block.history[0]["submitted_at"],
                             "Overall score": 28.9, "Level": "novice", "Digital intensity (items)": 2,
                             "Dimension payments": 0.0, "Dimension presence": 36.7,
                             "Dimension security": 50.0})]
    assert list(block.generate_report_data(iter(states), limit_responses=0)) == []


def test_economy_overlay_and_language_translate_questions_and_buttons(make_block):
    block = make_block(DiagnosticXBlock, economy="xx", language="es")
    html = block.student_view().content
    assert 'lang="es"' in html and "¿Dónde te encuentran tus clientes en internet?" in html
    assert "Guardar y continuar" in html
    assert 'data-question="economy"' not in html  # the overlay fixes the economy


def test_missing_pack_or_overlay_gives_a_clear_message_not_a_traceback(make_block):
    block = make_block(DiagnosticXBlock, economy="zz")
    html = block.student_view().content
    assert "not available right now" in html and "zz" not in html  # learners see no detail
    staff = make_block(DiagnosticXBlock, economy="zz", staff=True, user_id="t")
    assert "Economy overlay &#x27;zz&#x27; was not found (available: xx)" in staff.student_view().content
    status, body = call(block, "save_answers", {"attempt": 1, "answers": {}})
    assert status == 503 and "zz" in body["error"]


def test_studio_validation_reports_bad_settings(make_block):
    from xblock.validation import Validation

    block = make_block(DiagnosticXBlock, pack="../etc", grading_mode="maturity",
                       unit_mapping={"no_such_module": "https://x"})
    validation = Validation(block.scope_ids.usage_id)
    block.validate_field_data(validation, block)
    messages = " ".join(m.text for m in validation.messages)
    assert "not valid" in messages
    block.pack = "base"
    validation = Validation(block.scope_ids.usage_id)
    block.validate_field_data(validation, block)
    assert "no_such_module" in " ".join(m.text for m in validation.messages)


def test_studio_view_lists_the_editable_fields(block):
    html = block.studio_view({}).content
    for field in ("pack", "economy", "language", "dimensions", "grading_mode", "unit_mapping", "weight"):
        assert f'data-field-name="{field}"' in html


def test_mobile_data_says_what_is_wrong_with_the_content(make_block):
    from xblocks.survey import SurveyXBlock

    for cls in (DiagnosticXBlock, SurveyXBlock):
        data = make_block(cls, economy="zz").student_view_data()
        assert "Economy overlay 'zz' was not found" in data["error"]
    status, body = call(make_block(DiagnosticXBlock, economy="zz", usage="u2"), "student_view_user_state",
                        method="GET")
    assert status == 503 and "zz" in body["error"]


def test_submit_works_where_the_runtime_cannot_publish(block):
    """Studio's preview runtime has no publish: trying the block there must not fail."""
    def no_publish(*args):
        raise NotImplementedError

    block.runtime.publish = no_publish
    body = complete(block)
    assert "dr-results" in body["html"] and block.submitted
