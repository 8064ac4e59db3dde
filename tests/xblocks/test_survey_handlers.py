"""The module survey block on the XBlock test runtime: grading, one submission, bad input,
anonymous aggregates for staff, questions authored in Studio."""
from __future__ import annotations

import pytest
from xblock.validation import Validation

from tests.xblocks.conftest import call
from xblocks.survey import SurveyXBlock, check_questions

CUSTOM = [{"id": "q1", "text": "Which needs no cash?", "options": [
    {"id": "a", "label": "QR code", "correct": True, "feedback": "Right."}, {"id": "b", "label": "Coins"}]},
    {"id": "q2", "text": "Backups help when?", "options": [
        {"id": "a", "label": "A phone is lost", "correct": True}, {"id": "b", "label": "Never"}]}]


@pytest.fixture
def survey(make_block):
    return make_block(SurveyXBlock)


def test_view_shows_the_first_module_questions_from_the_pack(survey):
    html = survey.student_view().content
    assert "Module pay_basics" in html and "Which is right?" in html and "How useful was this?" in html
    assert "Class results" not in html  # not staff


def test_correct_submission_grades_completes_and_tallies(survey):
    status, body = call(survey, "submit", {"choices": {"kc1": "a"}, "usefulness": 5, "comment": " Clear "})
    assert status == 200 and body["grade"] == 1.0
    assert "Correct." in body["html"] and "Yes." in body["html"]
    assert survey.runtime.events("grade") == [{"value": 1.0, "max_value": 1.0, "only_if_higher": None}]
    assert survey.runtime.events("completion") == [{"completion": 1.0}]
    [event] = survey.runtime.events("digiready.survey.submitted")
    assert event == {"module": "pay_basics", "pack": "fixture_pack", "economy": None, "language": "en",
                     "correct": 1, "total": 1, "usefulness": 5, "commented": True}
    assert survey.comment == "Clear" and survey.tally == {"kc1": {"a": 1}}


def test_missing_answer_is_named_by_number_and_words(survey):
    status, body = call(survey, "submit", {"choices": {}})
    assert status == 400 and body["errors"] == ["Question 1: Please answer “Which is right?”."]


def test_wrong_answer_earns_nothing_and_shows_feedback(survey):
    status, body = call(survey, "submit", {"choices": {"kc1": "b"}})
    assert status == 200 and body["grade"] == 0.0 and "Not quite. No." in body["html"]
    assert survey.runtime.events("grade")[0]["value"] == 0.0


@pytest.mark.parametrize("payload, fragment", [
    ({"choices": {"kc1": "z"}}, "'z' is not an option"),
    ({"choices": {"kc9": "a", "kc1": "a"}}, "question 'kc9': unknown question"),
    ({"choices": {}}, "question 'kc1': an answer is required"),
    ({"choices": {"kc1": "a"}, "usefulness": 9}, "whole number from 1 to 5"),
    ({"choices": {"kc1": "a"}, "usefulness": True}, "whole number from 1 to 5"),
    ({"choices": {"kc1": "a"}, "comment": "x" * 1001}, "at most 1000 characters"),
    ({"choices": ["a"]}, "'choices' must be a JSON object"),
])
def test_bad_submissions_are_refused_and_save_nothing(survey, payload, fragment):
    status, body = call(survey, "submit", payload)
    assert status == 400
    assert fragment in body["error"] + " ".join(body.get("detail", []))
    # What the learner reads names no question id (the ids are in ``detail``, for developers).
    assert not any("kc1" in e or "kc9" in e for e in body.get("errors", []))
    assert not survey.submitted and survey.choices == {} and survey.submissions == 0
    assert survey.runtime.published == []


def test_second_submission_is_refused_and_keeps_the_first(survey):
    call(survey, "submit", {"choices": {"kc1": "a"}})
    status, body = call(survey, "submit", {"choices": {"kc1": "b"}})
    assert status == 409 and "already answered" in body["error"]
    assert survey.choices == {"kc1": "a"} and survey.submissions == 1


def test_staff_see_anonymous_aggregate_learners_do_not(make_block):
    for n, (choice, rating, comment) in enumerate([("a", 5, "Great"), ("b", 3, ""), ("a", 4, "Short")]):
        call(make_block(SurveyXBlock, user_id=f"l{n}"), "submit",
             {"choices": {"kc1": choice}, "usefulness": rating, "comment": comment})
    learner = make_block(SurveyXBlock, user_id="l9")
    assert call(learner, "results", {})[0] == 403
    staff = make_block(SurveyXBlock, user_id="t", staff=True)
    status, agg = call(staff, "results", {})
    assert status == 200 and agg["submissions"] == 3 and agg["mean_rating"] == 4.0
    assert agg["questions"][0]["options"][0]["count"] == 2 and agg["comments"] == ["Short", "Great"]
    assert "l0" not in repr(agg) and "anon" not in repr(agg)
    assert "Average usefulness: 4.0 of 5" in staff.student_view().content


def test_questions_authored_in_studio_replace_the_pack_ones(make_block):
    survey = make_block(SurveyXBlock, custom_questions=CUSTOM, module="safe_online")
    assert "Which needs no cash?" in survey.student_view().content
    status, body = call(survey, "submit", {"choices": {"q1": "a", "q2": "b"}})
    assert status == 200 and body["grade"] == 0.5


def test_student_view_data_hides_the_correct_answers(survey):
    data = survey.student_view_data()
    assert data["questions"][0]["options"] == [{"id": "a", "label": "This one"}, {"id": "b", "label": "That one"}]
    assert "correct" not in repr(data["questions"])


def test_report_rows(survey):
    call(survey, "submit", {"choices": {"kc1": "a"}, "usefulness": 2})

    class S:
        username, state = "ana", {"submitted": True, "choices": survey.choices, "raw_earned": 1.0,
                                  "usefulness": 2, "comment": ""}

    assert list(survey.generate_report_data(iter([S()]))) == [
        ("ana", {"Question kc1": "a", "Score": 1.0, "Usefulness": 2, "Comment": ""})]


def test_studio_validation_of_authored_questions_and_module(make_block):
    assert check_questions(CUSTOM) == []
    assert "mark exactly one option as correct" in check_questions([{"id": "x", "text": "t", "options": [
        {"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}])[0]
    assert "used twice" in " ".join(check_questions(CUSTOM + CUSTOM[:1]))
    survey = make_block(SurveyXBlock, module="nope", custom_questions=[{"id": 1}])
    validation = Validation(survey.scope_ids.usage_id)
    survey.validate_field_data(validation, survey)
    text = " ".join(m.text for m in validation.messages)
    assert "needs an 'id' and a 'text'" in text and "Module 'nope' is not in the content pack" in text


def test_unknown_module_is_a_clear_message(make_block):
    survey = make_block(SurveyXBlock, module="nope", staff=True)
    assert "Module &#x27;nope&#x27; is not in the content pack" in survey.student_view().content
    assert call(survey, "submit", {"choices": {}})[0] == 503


def test_feedback_that_opens_with_the_verdict_says_it_once(make_block):
    questions = [{"id": "q1", "text": "Who owns each step?", "options": [
        {"id": "a", "label": "Someone named", "correct": True, "feedback": "Correct. Someone has to."},
        {"id": "b", "label": "Nobody", "feedback": "Not quite: a step without a name stays undone."}]},
        {"id": "q2", "text": "Backups help when?", "options": [
            {"id": "a", "label": "A phone is lost", "correct": True, "feedback": "Yes."}, {"id": "b", "label": "Never"}]}]
    block = make_block(SurveyXBlock, custom_questions=questions)
    status, body = call(block, "submit", {"choices": {"q1": "a", "q2": "a"}})
    assert status == 200 and body["html"].count("Correct.") == 2
    assert "Correct. Correct." not in body["html"] and "Correct. Yes." in body["html"]
    wrong = make_block(SurveyXBlock, user_id="learner-2", custom_questions=questions)
    status, body = call(wrong, "submit", {"choices": {"q1": "b", "q2": "b"}})
    assert "Not quite. Not quite" not in body["html"] and "Not quite: a step" in body["html"]


def test_the_completion_statement_names_the_content_version(survey):
    """The trial period compares module completion by content version: the module's
    completion carries the pack version (xAPI context.revision)."""
    call(survey, "submit", {"choices": {"kc1": "a"}})
    version = survey.load_pack().version
    [statement] = [e["statement"] for e in survey.runtime.events("digiready.xapi")]
    assert statement["verb"]["id"].endswith("/completed")
    assert statement["object"]["id"].endswith("module/pay_basics")
    assert version and statement["context"]["revision"] == version
