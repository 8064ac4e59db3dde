"""Conditions (skip rules, recommendation triggers, DII items) compiled once into functions.

A condition on a question that was skipped or answered "not applicable" is false, so a
``not`` around it is true: "has not ticked QR" holds only for someone who answered.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from digiready.diagnostic.codegen import Source, condition_source


@dataclass(slots=True)
class Context:
    profile: dict[str, Any]
    answers: dict[str, Any]  # normalised answers of visible questions only
    scores: dict[str, float | None] = field(default_factory=dict)
    levels: dict[str, str | None] = field(default_factory=dict)


Predicate = Callable[[Context], bool]


def compile_condition(cond: dict[str, Any] | None) -> Predicate:
    """A predicate on a :class:`Context`, compiled once (see :mod:`codegen` for why)."""
    src = Source()
    src.add("P, E, S, L = ctx.profile, ctx.answers, ctx.scores, ctx.levels")
    src.add(f"return {condition_source(cond, src)}")
    return src.function("condition", "ctx", "<pack condition>")
