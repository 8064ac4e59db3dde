"""The diagnostic computed the plain way, straight from docs/diagnostic-method.md.

No generated code, no tables, no fast paths: conditions are interpreted from the pack's dicts,
every rounding is ``round()``. The engine in ``digiready.diagnostic`` is compiled per pack for
speed; ``test_fast_path_agrees.py`` checks that both give the same result document.
"""
from __future__ import annotations

from typing import Any

from digiready.diagnostic.questionnaire import (
    AnswerError,
    normalize_answer,
    normalize_profile_answer,
    upgrade_retired,
)
from digiready.packs.model import NA, SCALE_MAX, YESNO_VALUES, Pack

DII_BANDS = ((0, 3, "very_low"), (4, 6, "low"), (7, 9, "high"), (10, 12, "very_high"))


def holds(cond, profile, answers, scores, levels) -> bool:
    if not cond:
        return True
    if "all" in cond:
        return all(holds(c, profile, answers, scores, levels) for c in cond["all"])
    if "any" in cond:
        return any(holds(c, profile, answers, scores, levels) for c in cond["any"])
    if "not" in cond:
        return not holds(cond["not"], profile, answers, scores, levels)
    if "profile" in cond:
        value = profile.get(cond["profile"])
        return value in cond["in"] if "in" in cond else value == cond["equals"]
    if "dimension" in cond:
        if "level_in" in cond:
            return levels.get(cond["dimension"]) in cond["level_in"]
        value = scores.get(cond["dimension"])
        return value is not None and value < cond["score_below"]
    value = answers.get(cond["question"])
    if "in" in cond:
        return value in cond["in"]
    if "equals" in cond:
        return value == cond["equals"]
    if value is None or value == NA:  # skipped or not applicable: the condition is false
        return False
    if "includes" in cond:
        return cond["includes"] in value
    if "excludes" in cond:
        return cond["excludes"] not in value
    if "min" in cond:
        return value >= cond["min"]
    return value <= cond["max"]


def validate(pack: Pack, profile, answers, complete: bool):
    errors, clean_profile, clean, invalid = [], {}, {}, set()
    answers = upgrade_retired(pack, answers)  # answers saved under an earlier pack version
    for key, value in profile.items():
        question = pack.profile_question(key)
        if question is None:
            if key == "economy":
                clean_profile[key] = value
            else:
                errors.append(f"profile '{key}': unknown profile question")
            continue
        try:
            clean_profile[key] = normalize_profile_answer(question, value)
        except AnswerError as exc:
            errors.append(str(exc))
            invalid.add(key)
    for qid, value in answers.items():
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
        for question in pack.profile:
            if (question.required and question.id not in clean_profile and question.id not in invalid
                    and holds(question.show_if, clean_profile, {}, {}, {})):
                errors.append(f"profile '{question.id}': an answer is required ({question.text})")
        visible, _ = visible_questions(pack, clean_profile, clean)
        for question in visible:
            if question.required and question.id not in clean and question.id not in invalid:
                errors.append(f"question '{question.id}': an answer is required ({question.text})")
    return clean_profile, clean, errors


def visible_questions(pack: Pack, profile, answers):
    visible, effective = [], {}
    for question in pack.questions:
        if holds(question.show_if, profile, effective, {}, {}):
            visible.append(question)
            if answers.get(question.id) is not None:
                effective[question.id] = answers[question.id]
    return visible, effective


def score_and_recommend(pack: Pack, profile, answers) -> dict[str, Any]:
    """What ``digiready.diagnostic.score_only`` returns, computed the plain way."""
    _visible, effective = visible_questions(pack, profile, answers)
    dimensions, scores, levels = [], {}, {}
    for dim in pack.dimensions:
        ticked = items = answered = na = 0
        depths = []
        for question in pack.questions:
            if question.dimension != dim.id or question.id not in effective:
                continue
            answer = effective[question.id]
            answered += 1
            if answer == NA:
                na += 1
            elif question.type == "checklist":
                countable = [o.id for o in question.options if o.counts and not o.exclusive]
                ticked += sum(1 for o in countable if o in answer)
                items += len(countable)
            elif question.type == "scale":
                depths.append(answer / SCALE_MAX)
            elif question.type == "yesno":
                depths.append(YESNO_VALUES[answer])
            else:
                depths.append(question.option(answer).score or 0.0)
        depth_sum = 0.0
        for value in depths:  # in pack order, one at a time (as the engine adds them)
            depth_sum += value
        breadth = ticked / items if items else None
        depth = depth_sum / len(depths) if depths else None
        if breadth is not None and depth is not None:
            value = round(50 * breadth + 50 * depth, 1)
        elif breadth is not None:
            value = round(100 * breadth, 1)
        elif depth is not None:
            value = round(100 * depth, 1)
        else:
            value = None
        level = pack.level_for(value) if value is not None else None
        scores[dim.id], levels[dim.id] = value, level.id if level else None
        dimensions.append({
            "id": dim.id, "title": dim.title, "optional": dim.optional, "score": value,
            "breadth": None if breadth is None else round(100 * breadth, 1),
            "depth": None if depth is None else round(100 * depth, 1),
            "level": level.id if level else None, "level_title": level.title if level else None,
            "answered": answered, "not_applicable": na,
        })
    core = [scores[d.id] for d in pack.dimensions if not d.optional and scores[d.id] is not None]
    overall = round(sum(core) / len(core), 1) if core else None
    overall_level = pack.level_for(overall) if overall is not None else None
    dii = [item.id for item in pack.dii_items if holds(item.when, profile, effective, scores, levels)]
    return {
        "dimensions": dimensions,
        "overall": {
            "score": overall,
            "level": overall_level.id if overall_level else None,
            "level_title": overall_level.title if overall_level else None,
            "level_description": overall_level.description if overall_level else None,
            "next_steps": overall_level.next_steps if overall_level else None,
            "dimensions_answered": len(core),
        },
        "dii": {"count": len(dii), "of": len(pack.dii_items),
                "band": next((band for low, high, band in DII_BANDS if low <= len(dii) <= high), "very_high"),
                "items": dii},
        "recommendations": recommend(pack, profile, effective, scores, levels),
    }


def recommend(pack: Pack, profile, effective, scores, levels) -> list[dict[str, Any]]:
    """Which rules fire and what they weigh, the plain way; the list is then put together by
    the engine's own ``assemble`` (merging reasons, fitting needs), which the persona and
    property tests check on their own."""
    from digiready.diagnostic.conditions import Context
    from digiready.diagnostic.recommend import assemble

    fired = []
    for order, rule in enumerate(pack.rules):
        if holds(rule.when, profile, effective, scores, levels):
            dim_score = scores.get(rule.dimension) if rule.dimension else None
            gap = (100 - dim_score) / 100 if dim_score is not None else 0.5
            weight = rule.priority * (1 + gap) * pack.priorities.get(rule.dimension or "", 1.0)
            fired.append((weight, order, rule))
    fired.sort(key=lambda f: (-f[0], f[1]))
    ctx = Context(profile, effective, scores, levels)
    return assemble(pack, ctx, [(order, round(weight, 3)) for weight, order, _rule in fired])


def _items(pack: Pack, rule):
    for module_id in rule.modules:
        module = pack.modules[module_id]
        yield "module", module_id, {"title": module.title, "duration_seconds": module.duration_seconds}
    for category_id in rule.tool_categories:
        category = pack.tool_categories[category_id]
        if not any(t.category == category_id for t in pack.tools):
            continue  # no tool for this economy: not recommended
        yield "tool_category", category_id, {
            "title": category.title, "solves": category.solves, "cost": category.cost,
            "basic_phone": category.basic_phone,
            "tools": [{"id": t.id, "name": t.name, "url": t.url, "verified": t.verified}
                      for t in pack.tools if t.category == category_id]}
    for programme in pack.programmes:
        if set(rule.programme_topics) & set(programme.topics):
            yield "programme", programme.id, {"title": programme.name, "organisation": programme.organisation,
                                              "url": programme.url, "verified": programme.verified}
