"""The diagnostic engine: pure functions from (pack, profile, answers) to a result document.

Every adapter (XBlock, LTI tool, CLI, field-study import, demo data) calls :func:`diagnose`,
so a learner sees the same scores and recommendations wherever they take the diagnostic.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from digiready.diagnostic.benchmark import benchmark, peer_group
from digiready.diagnostic.compare import compare
from digiready.diagnostic.fit import means
from digiready.diagnostic.questionnaire import (
    AnswerError,
    normalize_answer,
    normalize_profile_answer,
    progress,
    validate,
    visible_questions,
)
from digiready.diagnostic.recommend import recommend
from digiready.diagnostic.scoring import score
from digiready.packs.model import Pack

RESULT_VERSION = "1.1"  # 1.1: recommendations carry reasons, usable, missing; means
RESULT_SCHEMA = "https://digiready.example.org/schema/result.schema.json"

__all__ = [
    "AnswerError", "DiagnosticError", "RESULT_VERSION", "benchmark", "compare", "diagnose",
    "normalize_answer", "normalize_profile_answer", "peer_group", "progress", "score_only",
    "validate", "visible_questions",
]


class DiagnosticError(ValueError):
    """Answers that cannot be scored; ``errors`` holds one readable line per problem."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


def score_only(pack: Pack, profile: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Scores and recommendations of already-normalised answers (the fast path)."""
    scores = score(pack, profile, answers)
    ctx = scores.pop("_context")
    scores["recommendations"] = recommend(pack, ctx)
    return scores


def diagnose(pack: Pack, profile: dict[str, Any], answers: dict[str, Any], *,
             peers: Iterable[dict[str, Any]] | None = None,
             previous: dict[str, Any] | None = None,
             complete: bool = True) -> dict[str, Any]:
    """Validate, score, recommend, and (optionally) benchmark and compare with an earlier
    result. Raises :class:`DiagnosticError` listing every invalid or missing answer."""
    clean_profile, clean_answers, errors = validate(pack, profile, answers, complete=complete)
    if errors:
        raise DiagnosticError(errors)
    if pack.economy and "economy" not in clean_profile:
        clean_profile["economy"] = pack.economy
    scores = score_only(pack, clean_profile, clean_answers)
    recommendations = scores.pop("recommendations")
    return {
        "$schema": RESULT_SCHEMA,
        "result_version": RESULT_VERSION,
        "pack": {"id": pack.id, "version": pack.version, "economy": pack.economy,
                 "language": pack.language},
        "profile": clean_profile,
        "dimensions": scores["dimensions"],
        "overall": scores["overall"],
        "dii": scores["dii"],
        "means": means(clean_answers, pack.language).as_dict(),
        "recommendations": recommendations,
        "next_step": recommendations[0] if recommendations else None,
        "benchmark": benchmark(pack, clean_profile, scores, peers) if peers is not None else None,
        "change": compare(previous, scores) if previous else None,
    }
