"""Which questions a respondent sees, whether their answers are valid, and how far along
they are. Adapters (XBlock, LTI pages, CLI) build their step-by-step forms from this."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digiready.diagnostic.codegen import Source, condition_source, skip_rules_look_back
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
    core_dimensions: tuple[str, ...]
    # Every answer already in canonical form, as (question id, value) with a checklist's
    # list as a tuple: one set lookup accepts an answer (the validation fast path).
    canonical_answers: frozenset[tuple[str, Any]]
    # checklists too long to list every canonical subset: question id -> predicate
    canonical_checks: dict[str, Any]
    # (profile question id, option id) of every single-choice profile answer
    canonical_profile: frozenset[tuple[str, str]]
    # generated: (profile, answers) -> (visible questions, answers that count)
    walk: Any
    # generated: (profile, normalised answers) -> required questions shown but unanswered
    missing_required: Any


# A checklist with up to this many options lists all its canonical answers (2**n subsets);
# beyond it, validation checks the order of the ids instead.
_MAX_LISTED_OPTIONS = 12


def _canonical_answers(question: Question) -> set[tuple[str, Any]]:
    qid, info = question.id, question_info(question)
    keys: set[tuple[str, Any]] = {(qid, NA)} if question.allow_na else set()
    if question.type == "scale":
        keys.update((qid, n) for n in range(SCALE_MAX + 1))
    elif question.type == "yesno":
        keys.update((qid, v) for v in YESNO_VALUES)
    elif question.type == "single":
        keys.update((qid, o) for o in info.option_ids if o != NA or question.allow_na)
    else:
        normal = [o for o in info.option_ids if o not in info.exclusive]
        if len(normal) <= _MAX_LISTED_OPTIONS:
            for mask in range(1 << len(normal)):
                keys.add((qid, tuple(o for bit, o in enumerate(normal) if mask >> bit & 1)))
            keys.update((qid, (o,)) for o in info.exclusive)
    return keys


def _checklist_check(question: Question):
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


def _compile_walk(pack: Pack):
    """Generated: the questions shown, in order, and the answers to them (skip rules see
    the profile and the answers to earlier shown questions)."""
    src = Source()
    src.add("E = {}")
    src.add("V = []")
    src.add("S = L = {}  # skip rules come before any score")
    for question in pack.questions:
        indent = 1
        if question.show_if:
            src.add(f"if {condition_source(question.show_if, src)}:")
            indent = 2
        src.add(f"V.append({src.const(question)})", indent)
        src.add(f"v = A.get({src.const(question.id)})", indent)
        src.add(f"if v is not None: E[{src.const(question.id)}] = v", indent)
    src.add("return V, E")
    return src.function("walk", "P, A", f"<pack {pack.id} walk>")


def _compile_missing(pack: Pack):
    """Generated: the required questions shown but not answered, in order (for a complete
    submission); None when a skip rule names a later question (then the walk is used)."""
    if not skip_rules_look_back(pack):
        return None
    src = Source()
    src.add("E = A  # copied only if a skip rule hides an answered question")
    src.add("S = L = {}")
    src.add("M = []")
    for question in pack.questions:
        qid = src.const(question.id)
        missing = f"if {qid} not in A: M.append({src.const(question)})"
        if not question.show_if:
            if question.required:
                src.add(missing)
            continue
        src.add(f"if {condition_source(question.show_if, src)}:")
        src.add(missing if question.required else "pass", 2)
        src.add(f"elif A.get({qid}) is not None:")
        src.add("if E is A: E = dict(A)", 2)
        src.add(f"del E[{qid}]", 2)
    src.add("return M")
    return src.function("missing_required", "P, A", f"<pack {pack.id} missing>")


def compiled(pack: Pack) -> CompiledPack:
    cached = pack._index.get("compiled")
    if cached is None:
        canonical: set[tuple[str, Any]] = set()
        for question in pack.questions:
            canonical |= _canonical_answers(question)
        cached = CompiledPack(
            plan=tuple((q, compile_condition(q.show_if) if q.show_if else None) for q in pack.questions),
            profile_show_if={p.id: compile_condition(p.show_if) for p in pack.profile},
            core_dimensions=tuple(d.id for d in pack.dimensions if not d.optional),
            canonical_answers=frozenset(canonical),
            canonical_checks={q.id: _checklist_check(q) for q in pack.questions if q.type == "checklist"
                              and len(q.options) - len(question_info(q).exclusive) > _MAX_LISTED_OPTIONS},
            canonical_profile=frozenset((p.id, o.id) for p in pack.profile if p.type != "text"
                                        for o in p.options),
            walk=_compile_walk(pack),
            missing_required=_compile_missing(pack),
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
        if isinstance(value, str) and value.isascii() and value.isdigit():  # "3" from a form; not "¹"
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= SCALE_MAX:
            raise AnswerError(qid, f"question '{qid}': {value!r} is not a whole number from 0 to {SCALE_MAX}"
                                   + (" or 'na'" if question.allow_na else ""))
        return value
    if question.type == "yesno":
        if not isinstance(value, str) or value not in YESNO_VALUES:  # a list is not hashable
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
    return compiled(pack).walk(profile, answers)


def validate(pack: Pack, profile: dict[str, Any], answers: dict[str, Any], *,
             complete: bool = True) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Normalise a profile and answers. Returns (profile, answers, errors); with
    ``complete`` every visible required question must be answered."""
    errors: list[str] = []
    compiled_pack = compiled(pack)
    clean_profile: dict[str, Any] = {}
    canonical_profile = compiled_pack.canonical_profile
    for key, value in (profile or {}).items():
        if value.__class__ is str and (key, value) in canonical_profile:
            clean_profile[key] = value
            continue
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
    invalid: set[str] = set()
    canonical = compiled_pack.canonical_answers
    clean = _copy_if_canonical(canonical, answers or {})
    if clean is None:  # something to normalise or to report: answer by answer
        answers = upgrade_retired(pack, answers)
        clean = {}
        for qid, value in answers.items():
            kind = value.__class__
            try:
                if (kind is list and (qid, tuple(value)) in canonical) or (
                        (kind is str or kind is int) and (qid, value) in canonical):
                    clean[qid] = value
                    continue
            except TypeError:  # unhashable items: not canonical, the slow path says why
                pass
            check = compiled_pack.canonical_checks.get(qid)
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
        invalid.update(key for key in (profile or {}) if key not in clean_profile)
        for pq in required_profile_questions(pack, clean_profile):
            if pq.id not in clean_profile and pq.id not in invalid:
                errors.append(f"profile '{pq.id}': an answer is required ({pq.text})")
        if compiled_pack.missing_required is not None:
            missing = compiled_pack.missing_required(clean_profile, clean)
        else:
            visible, _ = compiled_pack.walk(clean_profile, clean)
            missing = [q for q in visible if q.required and q.id not in clean]
        for question in missing:
            if question.id not in invalid:
                errors.append(f"question '{question.id}': an answer is required ({question.text})")
    return clean_profile, clean, errors


def upgrade_retired(pack: Pack, answers: dict[str, Any]) -> dict[str, Any]:
    """Answers saved under an earlier version of the pack, read in this one (pack.yaml
    ``retired``): an answer to a retired question moves to the question that replaced it
    when the pack maps that answer, else it is dropped; retired options leave checklist
    answers. The learner is then asked only what is new, and an attempt started before
    the change still completes. Answers to current questions pass unchanged."""
    retired_questions, retired_options = pack.retired_questions, pack.retired_options
    if not (retired_questions or retired_options):
        return answers
    upgraded: dict[str, Any] = {}
    moved: dict[str, Any] = {}
    for qid, value in answers.items():
        retired = retired_questions.get(qid)
        if retired is not None and pack.question(qid) is None:
            key = value if isinstance(value, str) else None
            if retired["became"] and key is not None and key in retired["map"]:
                new_value = retired["map"][key]
                moved[retired["became"]] = list(new_value) if isinstance(new_value, list) else new_value
            continue
        options = retired_options.get(qid)
        if options and isinstance(value, list):
            value = [v for v in value if not (isinstance(v, str) and v in options)]
        upgraded[qid] = value
    for qid, value in moved.items():
        upgraded.setdefault(qid, value)  # a newer answer to the new question wins
    return upgraded


def _copy_if_canonical(canonical: frozenset[tuple[str, Any]], answers: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of ``answers`` when every answer is already in canonical form (the usual case:
    adapters send what their forms built), else None."""
    try:
        for qid, value in answers.items():
            kind = value.__class__
            if kind is list:
                if (qid, tuple(value)) not in canonical:
                    return None
            elif (kind is not str and kind is not int) or (qid, value) not in canonical:
                return None
    except TypeError:  # unhashable items: not canonical
        return None
    return dict(answers)


def required_profile_questions(pack: Pack, profile: dict[str, Any]) -> list[ProfileQuestion]:
    """The required profile questions shown to a respondent with this ``profile`` (their
    ``show_if`` holds)."""
    show = compiled(pack).profile_show_if
    ctx = Context(profile, {})
    return [pq for pq in pack.profile if pq.required and show[pq.id](ctx)]


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
    # The profile step is done once every required question it shows is answered: an
    # optional one left blank (an overlay's region) would otherwise keep a returning learner
    # on the profile step for good. The other steps are done when every question is answered.
    steps[0]["complete"] = bool(profile or answers) and all(
        pq.id in profile for pq in required_profile_questions(pack, profile))
    for step in steps[1:]:
        step["complete"] = step["answered"] == len(step["questions"])
    current = next((n for n, s in enumerate(steps) if not s["complete"]), len(steps) - 1)
    return {"answered": done, "total": total, "percent": round(100 * done / total) if total else 100,
            "steps": steps, "current_step": current}
