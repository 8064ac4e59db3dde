"""Properties of the scoring that must hold for any answers (hypothesis)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digiready.diagnostic import score_only, visible_questions
from digiready.diagnostic.questionnaire import validate
from digiready.packs import load_pack
from digiready.packs.checks import iter_leaves
from tests.digiready.conftest import FIXTURES

PACK = load_pack(FIXTURES / "pack")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def answer_strategy(question):
    na = [st.just("na")] if question.allow_na else []
    if question.type == "checklist":
        normal = [o.id for o in question.options if not o.exclusive]
        exclusive = [[o.id] for o in question.options if o.exclusive]
        lists = st.lists(st.sampled_from(normal), unique=True)
        return st.one_of(lists, *(st.just(e) for e in exclusive), *na)
    if question.type == "scale":
        return st.one_of(st.integers(0, 5), *na)
    if question.type == "yesno":
        return st.one_of(st.sampled_from(["yes", "partly", "no"]), *na)
    return st.one_of(st.sampled_from([o.id for o in question.options]), *na)


profiles = st.fixed_dictionaries({
    p.id: st.sampled_from([o.id for o in p.options]) for p in PACK.profile if p.type == "single"
})
answers = st.fixed_dictionaries({}, optional={q.id: answer_strategy(q) for q in PACK.questions})


def scores(profile, given_answers):
    clean_profile, clean, errors = validate(PACK, profile, given_answers, complete=False)
    assert not errors
    result = score_only(PACK, clean_profile, clean)
    return {d["id"]: d["score"] for d in result["dimensions"]}, result


def only_visible(profile, given_answers):
    _visible, effective = visible_questions(PACK, profile, given_answers)
    return effective


@SETTINGS
@given(profiles, answers)
def test_every_score_is_between_0_and_100(profile, given_answers):
    dims, result = scores(profile, given_answers)
    for value in [*dims.values(), result["overall"]["score"]]:
        assert value is None or 0 <= value <= 100
    assert 0 <= result["dii"]["count"] <= 12


@SETTINGS
@given(profiles, answers, st.data())
def test_ticking_one_more_item_never_lowers_its_dimension(profile, given_answers, data):
    given_answers = only_visible(profile, given_answers)
    candidates = [
        (q, o) for q in PACK.questions if q.type == "checklist"
        for o in q.options
        if isinstance(given_answers.get(q.id), list) and o.id not in given_answers[q.id]
        and not o.exclusive and not any(PACK.question(q.id).option(a).exclusive for a in given_answers[q.id])
    ]
    if not candidates:
        return
    question, option = data.draw(st.sampled_from(candidates))
    before, _ = scores(profile, given_answers)
    more = dict(given_answers, **{question.id: given_answers[question.id] + [option.id]})
    after, _ = scores(profile, only_visible(profile, more))
    assert after[question.dimension] >= before[question.dimension]


@SETTINGS
@given(profiles, answers, st.data())
def test_raising_one_adoption_answer_never_lowers_its_dimension(profile, given_answers, data):
    given_answers = only_visible(profile, given_answers)
    candidates = [q for q in PACK.questions
                  if q.type == "scale" and isinstance(given_answers.get(q.id), int) and given_answers[q.id] < 5]
    if not candidates:
        return
    question = data.draw(st.sampled_from(candidates))
    before, _ = scores(profile, given_answers)
    after, _ = scores(profile, dict(given_answers, **{question.id: given_answers[question.id] + 1}))
    assert after[question.dimension] >= before[question.dimension]


def _has_dependents(question_id: str) -> bool:
    return any(leaf.get("question") == question_id
               for q in PACK.questions for leaf, _ in iter_leaves(q.show_if or {}))


@SETTINGS
@given(profiles, answers, st.data())
def test_marking_not_applicable_changes_no_other_dimension(profile, given_answers, data):
    given_answers = only_visible(profile, given_answers)
    visible, _ = visible_questions(PACK, profile, given_answers)
    candidates = [q for q in visible if q.allow_na and not _has_dependents(q.id)]
    if not candidates:
        return
    question = data.draw(st.sampled_from(candidates))
    before, _ = scores(profile, given_answers)
    after, _ = scores(profile, dict(given_answers, **{question.id: "na"}))
    for dim, value in before.items():
        if dim != question.dimension:
            assert after[dim] == value


@SETTINGS
@given(profiles, answers, answers)
def test_skipped_questions_never_count(profile, given_answers, noise):
    visible, _ = visible_questions(PACK, profile, given_answers)
    visible_ids = {q.id for q in visible}
    hidden_noise = {k: v for k, v in noise.items() if k not in visible_ids}
    # Noise on hidden questions only (and which cannot change visibility, as nothing
    # visible depends on a hidden question's answer).
    before, result_before = scores(profile, given_answers)
    after, result_after = scores(profile, {**hidden_noise, **given_answers})
    assert after == before
    assert result_after["recommendations"] == result_before["recommendations"]


def test_not_applicable_leaves_the_denominator():
    profile = {"sector": "g", "size": "micro", "legal_form": "sole_proprietor"}
    base = {"channels": ["social", "maps", "website"], "posting": 0}
    with_na = {"channels": ["social", "maps", "website"], "posting": "na"}
    assert scores(profile, base)[0]["presence"] == 50.0   # 50*1 + 50*0
    assert scores(profile, with_na)[0]["presence"] == 100.0  # depth left the denominator
