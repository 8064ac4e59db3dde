"""The compiled engine (generated per-pack code, canonical-answer sets, rounding shortcuts)
gives exactly the result of the plain computation in reference_engine.py, on random answers.

Results are compared as JSON text, so key order and every float's last digit count.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digiready.diagnostic import score_only, visible_questions
from digiready.diagnostic.questionnaire import validate
from digiready.diagnostic.scoring import _compiled_scoring
from digiready.packs import load_pack
from tests.digiready import reference_engine as reference
from tests.digiready.conftest import FIXTURES

BASE = Path(__file__).resolve().parents[2] / "content" / "base"
PACKS = {
    "fixture": lambda: load_pack(FIXTURES / "pack"),
    "fixture+xx": lambda: load_pack(FIXTURES / "pack", economy="xx"),
    "base": lambda: load_pack(BASE),
    "base+pe": lambda: load_pack(BASE, economy="pe"),
    "chained": None,  # the fixture pack plus a skip rule on a question that has one itself
    "forward": None,  # a skip rule that names a later question
}

CHAINED_QUESTIONS = """
  - id: online_tools
    dimension: payments
    type: checklist
    text: Which tools take your online orders?
    show_if: {question: online_share, in: [mid, high]}
    options:
      - {id: shop, label: Online shop}
      - {id: chat, label: Chat app}
  - id: tools_paid
    dimension: payments
    type: yesno
    text: Do you pay for them?
    show_if: {all: [{question: online_tools, includes: shop}, {not: {profile: size, equals: sole}}]}
"""


def chained_pack(folder: Path):
    """An answer to a hidden question must not open the questions that depend on it."""
    import shutil

    shutil.copytree(FIXTURES / "pack", folder / "base")
    questions = folder / "base" / "questions.yaml"
    questions.write_text(questions.read_text() + CHAINED_QUESTIONS)
    return load_pack(folder / "base")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JUNK = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False), st.integers(-2, 9),
                 st.text(max_size=3), st.just([["nested"]]))


def valid_answer(question):
    na = [st.just("na")] if question.allow_na else []
    if question.type == "checklist":
        normal = [o.id for o in question.options if not o.exclusive]
        exclusive = [[o.id] for o in question.options if o.exclusive]
        in_order = st.lists(st.sampled_from(normal), unique=True).map(
            lambda picked: [o for o in normal if o in picked])
        return st.one_of(in_order, *(st.just(e) for e in exclusive), *na)
    if question.type == "scale":
        return st.one_of(st.integers(0, 5), *na)
    if question.type == "yesno":
        return st.one_of(st.sampled_from(["yes", "partly", "no"]), *na)
    return st.one_of(st.sampled_from([o.id for o in question.options]), *na)


def any_answer(question):
    """Valid answers, the same in other forms (shuffled, repeated, tuples, "3"), and junk."""
    ids = [o.id for o in question.options]
    forms = [valid_answer(question), JUNK, st.just("na")]
    if question.type == "checklist":
        shuffled = st.permutations(ids).flatmap(lambda order: st.integers(0, len(order)).map(
            lambda n: list(order[:n])))
        forms += [shuffled, st.lists(st.sampled_from(ids), max_size=6),
                  st.lists(st.sampled_from(ids), max_size=4).map(tuple)]
    elif question.type == "scale":
        forms += [st.integers(0, 5).map(str), st.sampled_from([0.0, 3.0, True, False])]
    return st.one_of(*forms)


def profile_strategy(pack, valid_only: bool):
    def value(question):
        if question.type == "text":
            return st.text(max_size=5)
        options = st.sampled_from([o.id for o in question.options])
        return options if valid_only else st.one_of(options, JUNK)
    optional = {q.id: value(q) for q in pack.profile}
    if not valid_only:
        optional["not_a_question"] = st.just("x")
    return st.fixed_dictionaries({}, optional=optional)


def answers_strategy(pack, valid_only: bool):
    make = valid_answer if valid_only else any_answer
    optional = {q.id: make(q) for q in pack.questions}
    if not valid_only:
        optional["not_a_question"] = st.just("yes")
    return st.fixed_dictionaries({}, optional=optional)


def as_json(value) -> str:
    return json.dumps(value, sort_keys=False)


def forward_pack():
    """A skip rule on a later question (pack checks refuse it; the engine must still agree):
    the first question is shown only to those who take orders online, asked later."""
    import dataclasses

    fixture = load_pack(FIXTURES / "pack")
    first, *rest = fixture.questions
    first = dataclasses.replace(first, show_if={"question": "sells_online", "in": ["yes"]})
    return dataclasses.replace(fixture, questions=(first, *rest), _index={})


@pytest.fixture(scope="module", params=list(PACKS))
def pack(request, tmp_path_factory):
    if request.param == "chained":
        return chained_pack(tmp_path_factory.mktemp("chained"))
    if request.param == "forward":
        return forward_pack()
    return PACKS[request.param]()


def test_scores_and_recommendations_agree(pack):
    @SETTINGS
    @given(profile_strategy(pack, True), answers_strategy(pack, True))
    def check(profile, answers):
        fast = score_only(pack, profile, answers)
        fast.pop("_context", None)
        assert as_json(fast) == as_json(reference.score_and_recommend(pack, profile, answers))

    check()


def test_validation_agrees(pack):
    @SETTINGS
    @given(profile_strategy(pack, False), answers_strategy(pack, False), st.booleans())
    def check(profile, answers, complete):
        fast = validate(pack, profile, answers, complete=complete)
        assert as_json(fast) == as_json(reference.validate(pack, profile, answers, complete))

    check()


def test_validation_of_one_answer_agrees(pack):
    """One answer at a time, so every question's odd forms are tried often."""
    @settings(max_examples=400, deadline=None)
    @given(st.sampled_from(pack.questions).flatmap(lambda q: st.tuples(st.just(q.id), any_answer(q))))
    def check(answer):
        answers = dict([answer])
        fast = validate(pack, {}, answers, complete=False)
        assert as_json(fast) == as_json(reference.validate(pack, {}, answers, False))

    check()


def test_visible_questions_agree(pack):
    @SETTINGS
    @given(profile_strategy(pack, True), answers_strategy(pack, True))
    def check(profile, answers):
        visible, effective = visible_questions(pack, profile, answers)
        expected_visible, expected_effective = reference.visible_questions(pack, profile, answers)
        assert [q.id for q in visible] == [q.id for q in expected_visible]
        assert effective == expected_effective

    check()


@settings(max_examples=2000, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.lists(st.sampled_from(
    [0.0, 0.05, 0.1, 0.125, 0.2, 0.25, 0.3, 1 / 3, 0.35, 0.4, 0.5, 0.6, 2 / 3, 0.7, 0.75, 0.8, 0.9, 1.0]),
    max_size=12))
def test_dimension_rounding_agrees_with_round(ticked, items, depths):
    """The dimension entry's shortcut rounding gives round()'s float, near halves too."""
    scoring = _compiled_scoring(load_pack(BASE))
    items = min(items, len(scoring.breadth_table) - 1)  # a dimension's countable items at most
    ticked = min(ticked, items)
    depth_sum = 0.0
    for value in depths:
        depth_sum += value
    entry = scoring.dimension_entry("d", "D", False, ticked, items, depth_sum, len(depths), 0, 1)
    breadth = ticked / items if items else None
    depth = depth_sum / len(depths) if depths else None
    assert entry["breadth"] == (None if breadth is None else round(100 * breadth, 1))
    assert entry["depth"] == (None if depth is None else round(100 * depth, 1))
    if breadth is not None and depth is not None:
        assert entry["score"] == round(50 * breadth + 50 * depth, 1)


@pytest.mark.parametrize("items, ticked", [(0, 0), (1, 0), (1, 1), (3, 1), (7, 2), (8, 5)])
def test_dimension_rounding_near_halves(items, ticked):
    """Depths whose percentage ends in 5 in the second decimal (mostly not exact in binary):
    the shortcut must fall back to round() exactly there."""
    scoring = _compiled_scoring(load_pack(BASE))
    breadth = ticked / items if items else None
    for k in range(2001):
        depth_sum = k / 2000
        entry = scoring.dimension_entry("d", "D", False, ticked, items, depth_sum, 1, 0, 1)
        assert entry["depth"] == round(100 * depth_sum, 1), depth_sum
        if breadth is not None:
            assert entry["score"] == round(50 * breadth + 50 * depth_sum, 1), (breadth, depth_sum)


def test_every_canonical_answer_takes_the_fast_path(pack):
    """Each answer already in canonical form is in the accepted set (else it is merely slow)."""
    from itertools import combinations

    from digiready.diagnostic.questionnaire import compiled

    accepted = compiled(pack).canonical_answers
    for question in pack.questions:
        if question.type == "checklist":
            normal = [o.id for o in question.options if not o.exclusive]
            values = [tuple(c) for n in range(len(normal) + 1) for c in combinations(normal, n)]
            values += [(o.id,) for o in question.options if o.exclusive]
        else:
            values = [v for v in question.allowed_values()]
        for value in values + (["na"] if question.allow_na else []):
            assert (question.id, value) in accepted, (question.id, value)


OPTIONS = ["a", "b", "c"]
leaf_conditions = st.one_of(
    st.builds(lambda o: {"question": "ticks", "includes": o}, st.sampled_from(OPTIONS)),
    st.builds(lambda o: {"question": "ticks", "excludes": o}, st.sampled_from(OPTIONS)),
    st.builds(lambda n: {"question": "level", "min": n}, st.integers(0, 5)),
    st.builds(lambda n: {"question": "level", "max": n}, st.integers(0, 5)),
    st.builds(lambda v: {"question": "yesno", "equals": v}, st.sampled_from(["yes", "no", "na"])),
    st.builds(lambda v: {"question": "yesno", "in": v}, st.lists(st.sampled_from(["yes", "partly", "na"]))),
    st.builds(lambda v: {"profile": "size", "equals": v}, st.sampled_from(["sole", "micro"])),
    st.builds(lambda v: {"profile": "size", "in": v}, st.lists(st.sampled_from(["sole", "micro"]))),
    st.builds(lambda n: {"dimension": "d", "score_below": n}, st.integers(0, 100)),
    st.builds(lambda v: {"dimension": "d", "level_in": v}, st.lists(st.sampled_from(["low", "high"]))),
)
conditions = st.recursive(leaf_conditions, lambda inner: st.one_of(
    st.builds(lambda c: {"all": c}, st.lists(inner, max_size=4)),
    st.builds(lambda c: {"any": c}, st.lists(inner, max_size=4)),
    st.builds(lambda c: {"not": c}, inner)), max_leaves=8)
contexts = st.tuples(
    st.fixed_dictionaries({}, optional={"size": st.sampled_from(["sole", "micro"])}),
    st.fixed_dictionaries({}, optional={
        "ticks": st.one_of(st.lists(st.sampled_from(OPTIONS), unique=True), st.just("na")),
        "level": st.one_of(st.integers(0, 5), st.just("na")),
        "yesno": st.sampled_from(["yes", "partly", "no", "na"])}),
    st.fixed_dictionaries({}, optional={"d": st.one_of(st.none(), st.floats(0, 100))}),
    st.fixed_dictionaries({}, optional={"d": st.sampled_from(["low", "high"])}))


@settings(max_examples=600, deadline=None)
@given(conditions, contexts)
def test_compiled_conditions_agree_with_the_plain_reading(cond, context):
    """Skip rules, DII items and rule triggers: the generated expression (including the
    shared look-up of one question's answer) means what the condition says."""
    from digiready.diagnostic.conditions import Context, compile_condition

    profile, answers, scores, levels = context
    expected = reference.holds(cond, profile, answers, scores, levels)
    assert compile_condition(cond)(Context(profile, answers, scores, levels)) is expected
