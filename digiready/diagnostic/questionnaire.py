"""Which questions a respondent sees, whether their answers are valid, and how far along
they are. Adapters (XBlock, LTI pages, CLI) build their step-by-step forms from this."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digiready.diagnostic.conditions import Context, compile_condition
from digiready.packs.model import NA, SCALE_MAX, YESNO_VALUES, Pack, ProfileQuestion, Question


class AnswerError(ValueError):
    """An answer that cannot be accepted; the message says which question and why."""

    def __init__(self, question_id: str, message: str) -> None:
        self.question_id = question_id
        super().__init__(message)


@dataclass(frozen=True)
class CompiledPack:
    """Per-pack precomputation, cached on the pack (packs are immutable)."""

    # (question, skip-rule predicate or None when always asked), in pack order
    plan: tuple[tuple[Question, Any], ...]
    profile_show_if: dict[str, Any]
    dii: list[tuple[str, Any]]
    rules: list[tuple[Any, Any]]
    core_dimensions: tuple[str, ...]
    # question id -> predicate telling an answer already in canonical form (the fast path)
    canonical: dict[str, Any]
    # per question, what scoring needs: (id, skip rule, dimension, kind, countable items,
    # their number, depth map); kind: 0 checklist (breadth), 1 adoption scale, 2 yes/no or
    # single choice (depth from the map)
    score_plan: tuple[tuple[str, Any, str, int, frozenset, int, dict], ...]


def _canonical_check(question: Question):
    if question.type == "scale":
        return lambda v: v.__class__ is int and 0 <= v <= SCALE_MAX
    if question.type == "yesno":
        return lambda v: v.__class__ is str and v in YESNO_VALUES
    if question.type == "single":
        options = question_info(question).option_set
        return lambda v: v.__class__ is str and v in options
    info = question_info(question)
    ids, options, exclusive = info.option_ids, info.option_set, info.exclusive

    def checklist_in_order(v: Any) -> bool:
        # Canonical: option ids in the pack's order, no repeats, no exclusive option mixed in.
        if v.__class__ is not list or not options.issuperset(v):
            return False
        if len(v) > 1 and not exclusive.isdisjoint(v):
            return False
        last = -1
        for item in v:
            position = ids.index(item)
            if position <= last:
                return False
            last = position
        return True

    return checklist_in_order


def compiled(pack: Pack) -> CompiledPack:
    cached = pack._index.get("compiled")
    if cached is None:
        cached = CompiledPack(
            plan=tuple((q, compile_condition(q.show_if) if q.show_if else None) for q in pack.questions),
            profile_show_if={p.id: compile_condition(p.show_if) for p in pack.profile},
            dii=[(item.id, compile_condition(item.when)) for item in pack.dii_items],
            rules=[(rule, compile_condition(rule.when)) for rule in pack.rules],
            core_dimensions=tuple(d.id for d in pack.dimensions if not d.optional),
            canonical={q.id: _canonical_check(q) for q in pack.questions},
            score_plan=tuple(
                (q.id, compile_condition(q.show_if) if q.show_if else None, q.dimension,
                 {"checklist": 0, "scale": 1}.get(q.type, 2), question_info(q).countable,
                 len(question_info(q).countable), question_info(q).depth)
                for q in pack.questions),
        )
        pack._index["compiled"] = cached
    return cached


@dataclass(frozen=True)
class QuestionInfo:
    """Option sets of one question, computed once (validation and scoring run per submit)."""

    option_ids: tuple[str, ...]
    option_set: frozenset[str]
    exclusive: frozenset[str]
    countable: frozenset[str]
    depth: dict[Any, float]  # answer -> depth value (yes/no, single choice)


_INFO: dict[int, tuple[Question, QuestionInfo]] = {}


def question_info(question: Question) -> QuestionInfo:
    cached = _INFO.get(id(question))
    if cached is not None and cached[0] is question:
        return cached[1]
    ids = tuple(o.id for o in question.options)
    if question.type == "yesno":
        depth = dict(YESNO_VALUES)
    elif question.type == "single":
        depth = {o.id: o.score or 0.0 for o in question.options}
    else:
        depth = {}
    info = QuestionInfo(
        option_ids=ids, option_set=frozenset(ids),
        exclusive=frozenset(o.id for o in question.options if o.exclusive),
        countable=frozenset(o.id for o in question.options if o.counts and not o.exclusive),
        depth=depth,
    )
    _INFO[id(question)] = (question, info)  # keeps the question alive, so its id stays unique
    return info


def normalize_answer(question: Question, value: Any) -> Any:
    """The canonical form of an answer, or :class:`AnswerError` saying what is allowed."""
    qid = question.id
    if value == NA:
        if question.allow_na:
            return NA
        raise AnswerError(qid, f"question '{qid}': 'not applicable' is not offered for this question")
    if question.type == "checklist":
        info = question_info(question)
        if not isinstance(value, list | tuple):
            raise AnswerError(qid, f"question '{qid}': expected a list of option ids, got {value!r}")
        chosen = set(value) if all(isinstance(v, str) for v in value) else None
        if chosen is None:
            raise AnswerError(qid, f"question '{qid}': expected a list of option ids, got {value!r}")
        if not chosen <= info.option_set:
            unknown = next(v for v in value if v not in info.option_set)
            raise AnswerError(qid, f"question '{qid}': {unknown!r} is not an option "
                                   f"(allowed: {', '.join(info.option_ids)})")
        if len(chosen) > 1 and chosen & info.exclusive:
            first = next(o for o in info.option_ids if o in chosen and o in info.exclusive)
            raise AnswerError(qid, f"question '{qid}': {first!r} cannot be combined with other options")
        return [o for o in info.option_ids if o in chosen]
    if question.type == "scale":
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SCALE_MAX:
            raise AnswerError(qid, f"question '{qid}': {value!r} is not a whole number from 0 to {SCALE_MAX}"
                                   + (" or 'na'" if question.allow_na else ""))
        return value
    if question.type == "yesno":
        if value not in YESNO_VALUES:
            raise AnswerError(qid, f"question '{qid}': {value!r} is not one of yes, partly, no"
                                   + (", na" if question.allow_na else ""))
        return value
    if not isinstance(value, str) or value not in question_info(question).option_set:
        raise AnswerError(qid, f"question '{qid}': {value!r} is not an option "
                               f"(allowed: {', '.join(o.id for o in question.options)})")
    return value


def normalize_profile_answer(question: ProfileQuestion, value: Any) -> Any:
    if question.type == "text":
        if not isinstance(value, str):
            raise AnswerError(question.id, f"profile '{question.id}': expected text, got {value!r}")
        return value.strip()[:200]
    if not isinstance(value, str) or not any(o.id == value for o in question.options):
        raise AnswerError(question.id, f"profile '{question.id}': {value!r} is not an option "
                                       f"(allowed: {', '.join(o.id for o in question.options)})")
    return value


def visible_questions(pack: Pack, profile: dict[str, Any], answers: dict[str, Any]) -> tuple[list[Question], dict[str, Any]]:
    """The questions this respondent is asked, in order, and the answers that count: an
    answer to a question that a skip rule hides is ignored, never scored."""
    effective: dict[str, Any] = {}
    ctx = Context(profile, effective)
    visible = []
    for question, show_if in compiled(pack).plan:
        if show_if is None or show_if(ctx):
            visible.append(question)
            value = answers.get(question.id)
            if value is not None:
                effective[question.id] = value
    return visible, effective


def validate(pack: Pack, profile: dict[str, Any], answers: dict[str, Any], *,
             complete: bool = True) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Normalise a profile and answers. Returns (profile, answers, errors); with
    ``complete`` every visible required question must be answered."""
    errors: list[str] = []
    clean_profile: dict[str, Any] = {}
    for key, value in (profile or {}).items():
        pq = pack.profile_question(key)
        if pq is None:
            if key == "economy":  # set by the platform, not asked
                clean_profile[key] = value
                continue
            errors.append(f"profile '{key}': unknown profile question")
            continue
        try:
            clean_profile[key] = normalize_profile_answer(pq, value)
        except AnswerError as exc:
            errors.append(str(exc))
    clean: dict[str, Any] = {}
    invalid: set[str] = set(key for key in (profile or {}) if key not in clean_profile)
    canonical = compiled(pack).canonical
    for qid, value in (answers or {}).items():
        check = canonical.get(qid)
        if check is not None and check(value):
            clean[qid] = value
            continue
        question = pack.question(qid)
        if question is None:
            errors.append(f"question '{qid}': unknown question")
            continue
        try:
            clean[qid] = normalize_answer(question, value)
        except AnswerError as exc:
            errors.append(str(exc))
            invalid.add(qid)
    if complete:
        profile_ctx = Context(clean_profile, {})
        for pq in pack.profile:
            if pq.required and pq.id not in clean_profile and pq.id not in invalid and compiled(pack).profile_show_if[pq.id](profile_ctx):
                errors.append(f"profile '{pq.id}': an answer is required ({pq.text})")
        visible, _ = visible_questions(pack, clean_profile, clean)
        for question in visible:
            if question.required and question.id not in clean and question.id not in invalid:
                errors.append(f"question '{question.id}': an answer is required ({question.text})")
    return clean_profile, clean, errors


def progress(pack: Pack, profile: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """How far along a respondent is, by step (profile, then one step per dimension)."""
    visible, effective = visible_questions(pack, profile, answers)
    steps = [{"id": "profile", "title": None, "questions": [p.id for p in pack.profile],
              "answered": sum(1 for p in pack.profile if p.id in profile)}]
    for dimension in pack.dimensions:
        ids = [q.id for q in visible if q.dimension == dimension.id]
        if ids:
            steps.append({"id": dimension.id, "title": dimension.title, "questions": ids,
                          "answered": sum(1 for q in ids if q in effective)})
    total = sum(len(s["questions"]) for s in steps)
    done = sum(s["answered"] for s in steps)
    for step in steps:
        step["complete"] = step["answered"] == len(step["questions"])
    current = next((n for n, s in enumerate(steps) if not s["complete"]), len(steps) - 1)
    return {"answered": done, "total": total, "percent": round(100 * done / total) if total else 100,
            "steps": steps, "current_step": current}
