"""Conditions (skip rules, recommendation triggers, DII items) compiled once into closures.

A condition on a question that was skipped or answered "not applicable" is false, so a
``not`` around it is true: "has not ticked QR" holds only for someone who answered.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from digiready.packs.model import NA


@dataclass
class Context:
    profile: dict[str, Any]
    answers: dict[str, Any]  # normalised answers of visible questions only
    scores: dict[str, float | None] = field(default_factory=dict)
    levels: dict[str, str | None] = field(default_factory=dict)


Predicate = Callable[[Context], bool]


def compile_condition(cond: dict[str, Any] | None) -> Predicate:
    if not cond:
        return lambda ctx: True
    if "all" in cond:
        parts = [compile_condition(c) for c in cond["all"]]
        return lambda ctx: all(p(ctx) for p in parts)
    if "any" in cond:
        parts = [compile_condition(c) for c in cond["any"]]
        return lambda ctx: any(p(ctx) for p in parts)
    if "not" in cond:
        inner = compile_condition(cond["not"])
        return lambda ctx: not inner(ctx)
    if "profile" in cond:
        key = cond["profile"]
        if "in" in cond:
            allowed = frozenset(cond["in"])
            return lambda ctx: ctx.profile.get(key) in allowed
        expected = cond["equals"]
        return lambda ctx: ctx.profile.get(key) == expected
    if "dimension" in cond:
        dim = cond["dimension"]
        if "level_in" in cond:
            levels = frozenset(cond["level_in"])
            return lambda ctx: ctx.levels.get(dim) in levels
        below = cond["score_below"]
        return lambda ctx: ctx.scores.get(dim) is not None and ctx.scores[dim] < below
    return _question_predicate(cond)


def _question_predicate(cond: dict[str, Any]) -> Predicate:
    qid = cond["question"]
    # Written out per operator (no shared helper call): these run for every rule on every
    # submission, and scoring throughput is a project target.
    if "includes" in cond:
        option = cond["includes"]
        return lambda ctx: (v := ctx.answers.get(qid)) is not None and v != NA and option in v
    if "excludes" in cond:
        option = cond["excludes"]
        return lambda ctx: (v := ctx.answers.get(qid)) is not None and v != NA and option not in v
    if "min" in cond:
        low = cond["min"]
        return lambda ctx: (v := ctx.answers.get(qid)) is not None and v != NA and v >= low
    if "max" in cond:
        high = cond["max"]
        return lambda ctx: (v := ctx.answers.get(qid)) is not None and v != NA and v <= high
    if "in" in cond:
        allowed = frozenset(cond["in"])
        # "na" may be named explicitly, so compare the raw answer.
        return lambda ctx: ctx.answers.get(qid) in allowed
    expected = cond["equals"]
    return lambda ctx: ctx.answers.get(qid) == expected
