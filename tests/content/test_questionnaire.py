"""The base questionnaire: what a business is asked, how long it takes on a phone, and how
answers saved under the previous version of the pack (1.0.0) still finish an attempt."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from digiready.diagnostic import diagnose, validate, visible_questions
from digiready.packs import load_pack, validate_pack

BASE = Path(__file__).resolve().parents[2] / "content" / "base"
LANGUAGES = [(None, "en"), ("pe", "es"), ("ph", "fil"), ("vn", "vi"), ("id", "id"), ("pg", "tpi")]

# Reading speed on a phone, in the words of each language. Vietnamese is counted in
# syllables (its words are written as separate syllables), which are read faster.
WORDS_PER_MINUTE = {"vi": 200}
DEFAULT_WORDS_PER_MINUTE = 150
SECONDS_PER_ANSWER = 3
SECONDS_PER_CHECKLIST_OPTION = 1


def estimated_minutes(pack, profile, answers) -> float:
    """Time to take the core diagnostic on a phone: the question and its options read (the
    options of a single choice read half-way on average: one stops at one's own), 3 s to
    answer and 1 s per checklist option to decide. Help and examples are not counted:
    they are there for whoever needs them. Optional modules are not counted."""
    visible, _ = visible_questions(pack, profile, answers)
    optional = {d.id for d in pack.dimensions if d.optional}
    asked = list(pack.profile) + [q for q in visible if q.dimension not in optional]
    words = seconds = 0.0
    for question in asked:
        kind = getattr(question, "type", "single")
        labels = [o.label for o in question.options]
        if kind == "scale":
            labels = list(pack.scale_labels_for(question).values())
        label_words = sum(len(re.findall(r"\S+", label)) for label in labels)
        words += len(re.findall(r"\S+", question.text)) + (label_words if kind == "checklist" else label_words / 2)
        seconds += SECONDS_PER_ANSWER + (SECONDS_PER_CHECKLIST_OPTION * len(labels) if kind == "checklist" else 0)
    rate = WORDS_PER_MINUTE.get(pack.language, DEFAULT_WORDS_PER_MINUTE)
    return words / rate + seconds / 60


# The longest path: a cooperative with staff, a website and a marketplace shop, online.
LONGEST = ({"size": "micro", "legal_form": "cooperative"},
           {"online_presence": ["website"], "sales_channels": ["marketplace"],
            "internet_connection": "phone_data_business"})


@pytest.mark.parametrize("economy,language", LANGUAGES)
def test_the_longest_path_takes_about_15_minutes_on_a_phone(economy, language):
    pack = load_pack(BASE, economy, language)
    assert pack.language == language
    minutes = estimated_minutes(pack, *LONGEST)
    assert minutes <= 15, f"{language}: about {minutes:.1f} minutes"


def _first_options(pack):
    """A complete, valid answer set: the first option (or "no"/0) everywhere."""
    answers = {}
    for q in pack.questions:
        if q.type == "checklist":
            answers[q.id] = [q.options[0].id]
        elif q.type == "scale":
            answers[q.id] = 0
        elif q.type == "yesno":
            answers[q.id] = "no"
        else:
            answers[q.id] = q.options[0].id
    return answers


PROFILE = {"economy": "pe", "area": "urban", "sector": "g", "size": "micro", "legal_form": "informal"}


def test_a_business_without_internet_is_not_asked_how_it_uses_it():
    pack = load_pack(BASE)
    internet = {q.id for q in visible_questions(pack, PROFILE, {"internet_connection": "phone_data_personal"})[0]}
    offline = {q.id for q in visible_questions(pack, PROFILE, {"internet_connection": "none"})[0]}
    no_device = {q.id for q in visible_questions(pack, PROFILE, {"devices_used": ["none"]})[0]}
    skipped = {"staff_online", "posting_frequency", "reviews_response", "online_sales_share"}
    assert skipped <= internet
    assert internet - offline == skipped
    assert "internet_connection" not in no_device and "staff_online" not in no_device


def test_barriers_are_asked_but_never_change_a_score():
    pack = load_pack(BASE)
    question = pack.question("barriers")
    assert {o.id for o in question.options} >= {"cost", "skills", "trust", "signal", "time", "none"}
    answers = _first_options(pack)
    scores = set()
    for ticked in (["cost"], ["cost", "skills", "trust", "signal", "time", "language"], ["none"]):
        result = diagnose(pack, PROFILE, dict(answers, barriers=ticked))
        scores.add(tuple(d["score"] for d in result["dimensions"]))
    assert len(scores) == 1


def test_how_much_questions_have_labels_that_fit_them_in_every_language():
    for economy, language in LANGUAGES:
        pack = load_pack(BASE, economy, language)
        question = pack.question("bookkeeping_digital")
        labels = pack.scale_labels_for(question)
        assert sorted(labels) == list(range(6))
        assert labels != pack.scale_labels  # not the adoption scale ("Not used" ... "Fully integrated")
        if language != "en":
            english = load_pack(BASE).scale_labels_for(load_pack(BASE).question("bookkeeping_digital"))
            assert labels[5] != english[5], f"{language}: scale labels not translated"


def test_dont_know_is_offered_where_it_is_an_honest_answer():
    pack = load_pack(BASE)
    for qid in ("online_sales_share", "digital_payments_share", "backups", "security_measures"):
        ids = {o.id for o in pack.question(qid).options}
        assert "dont_know" in ids, qid
    # "not sure" about security counts as nothing in place, so the advice still comes
    assert next(o for o in pack.question("security_measures").options if o.id == "dont_know").exclusive


# What an attempt saved under pack 1.0.0 could hold: questions merged, split or replaced
# since, and options moved to other questions.
OLD_ANSWERS = {
    "two_factor": "yes", "social_media_use": 3, "posts_regularly": "yes",
    "customer_data_care": "yes", "pay_suppliers_digital": "yes", "staff_digital_use": 2,
    "digital_in_decisions": 4, "security_measures": ["screen_lock", "backups"],
    "strategy_actions": ["asked_customers", "used_numbers"],
}


def test_answers_saved_under_the_previous_pack_version_are_read_not_refused():
    pack = load_pack(BASE)
    profile, answers, errors = validate(pack, PROFILE, OLD_ANSWERS, complete=False)
    assert errors == []
    assert answers == {
        "security_measures": ["screen_lock"], "strategy_actions": ["asked_customers"],
        "posting_frequency": "weekly", "customer_data_practices": ["ask_before_marketing", "kept_locked"],
        "payments_made": ["suppliers", "bills"],
    }


def test_an_attempt_started_under_the_previous_version_finishes_with_only_the_new_questions():
    pack = load_pack(BASE)
    current = _first_options(pack)
    new_questions = {"barriers", "data_use", "inclusion", "learning_time"}
    old = {k: v for k, v in current.items() if k not in new_questions | {
        "posting_frequency", "customer_data_practices", "payments_made"}}
    old.update(OLD_ANSWERS)
    _profile, _answers, errors = validate(pack, PROFILE, old)
    assert {re.match(r"question '(\w+)'", e).group(1) for e in errors} == new_questions
    result = diagnose(pack, PROFILE, {**old, **{q: current[q] for q in new_questions}})
    assert result["overall"]["score"] is not None


def test_a_newer_answer_wins_over_one_moved_from_a_retired_question():
    pack = load_pack(BASE)
    _p, answers, errors = validate(pack, PROFILE, {"posts_regularly": "yes", "posting_frequency": "daily"},
                                   complete=False)
    assert errors == [] and answers == {"posting_frequency": "daily"}


def test_an_unmapped_old_answer_is_dropped_and_asked_again():
    pack = load_pack(BASE)
    _p, answers, errors = validate(pack, PROFILE, {"posts_regularly": "no", "customer_data_care": "partly"},
                                   complete=False)
    assert errors == [] and answers == {}


def test_retiring_a_question_that_still_exists_is_a_pack_error(tmp_path):
    import shutil

    shutil.copytree(BASE, tmp_path / "base")
    manifest = tmp_path / "base" / "pack.yaml"
    manifest.write_text(manifest.read_text().replace(
        "- {id: two_factor,", "- {id: backups,").replace(
        "map: {\"yes\": weekly}", "map: {\"yes\": hourly}"))
    issues, _ = validate_pack(tmp_path / "base")
    errors = [str(i) for i in issues if i.severity == "error"]
    assert any("'backups' is retired but is still a question" in e and "pack.yaml:" in e for e in errors), errors
    assert any("'hourly' is not an answer of 'posting_frequency'" in e for e in errors), errors
