"""Scores as in the EU Digital Maturity Assessment.

A dimension scores ``50 x breadth + 50 x depth`` (0-100): breadth is the share of digital
items ticked across its checklists, depth the mean of its adoption-scale, yes/partly/no and
single-choice answers. "Not applicable" and skipped questions leave both the numerator and the
denominator. A dimension with only one kind of question scores ``100 x`` that part; one with
no counted answer is "not answered" and leaves the overall score, which is the equal-weight
mean of the answered core (non-optional) dimensions.
"""
from __future__ import annotations

from typing import Any

from digiready.diagnostic.conditions import Context
from digiready.diagnostic.questionnaire import compiled
from digiready.packs.model import NA, SCALE_MAX, Pack

DII_BANDS = ((0, 3, "very_low"), (4, 6, "low"), (7, 9, "high"), (10, 12, "very_high"))


def score(pack: Pack, profile: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Per-dimension and overall scores, levels and the DII count of normalised answers."""
    # per dimension: ticked items, countable items, depth sum, depth answers, n/a, answered
    acc = {d.id: [0, 0, 0.0, 0, 0, 0] for d in pack.dimensions}
    effective: dict[str, Any] = {}
    ctx = Context(profile, effective)
    get = answers.get
    # One pass in pack order: a skip rule sees only answers to visible earlier questions.
    for qid, show_if, dimension, kind, countable, n_countable, depth in compiled(pack).score_plan:
        if show_if is not None and not show_if(ctx):
            continue
        answer = get(qid)
        if answer is None:
            continue
        effective[qid] = answer
        bucket = acc[dimension]
        bucket[5] += 1
        if answer == NA:
            bucket[4] += 1
        elif kind == 0:
            bucket[0] += len(countable.intersection(answer))
            bucket[1] += n_countable
        else:
            bucket[2] += answer / SCALE_MAX if kind == 1 else depth[answer]
            bucket[3] += 1
    dimensions = []
    scores: dict[str, float | None] = {}
    levels: dict[str, str | None] = {}
    for dim in pack.dimensions:
        ticked, items, depth_sum, depth_n, na, answered_n = acc[dim.id]
        breadth = ticked / items if items else None
        depth = depth_sum / depth_n if depth_n else None
        if breadth is not None and depth is not None:
            value: float | None = 50 * breadth + 50 * depth
        elif breadth is not None:
            value = 100 * breadth
        elif depth is not None:
            value = 100 * depth
        else:
            value = None
        value = None if value is None else round(value, 1)
        level = pack.level_for(value) if value is not None else None
        scores[dim.id] = value
        levels[dim.id] = level.id if level else None
        dimensions.append({
            "id": dim.id, "title": dim.title, "optional": dim.optional, "score": value,
            "breadth": None if breadth is None else round(100 * breadth, 1),
            "depth": None if depth is None else round(100 * depth, 1),
            "level": level.id if level else None, "level_title": level.title if level else None,
            "answered": answered_n,
            "not_applicable": na,
        })
    answered = [scores[d] for d in compiled(pack).core_dimensions if scores[d] is not None]
    overall = round(sum(answered) / len(answered), 1) if answered else None
    overall_level = pack.level_for(overall) if overall is not None else None
    ctx.scores, ctx.levels = scores, levels
    dii_items = [item_id for item_id, predicate in compiled(pack).dii if predicate(ctx)]
    return {
        "dimensions": dimensions,
        "overall": {
            "score": overall,
            "level": overall_level.id if overall_level else None,
            "level_title": overall_level.title if overall_level else None,
            "level_description": overall_level.description if overall_level else None,
            "next_steps": overall_level.next_steps if overall_level else None,
            "dimensions_answered": len(answered),
        },
        "dii": {"count": len(dii_items), "of": len(pack.dii_items), "band": dii_band(len(dii_items)),
                "items": dii_items},
        "_context": ctx,
    }


def dii_band(count: int) -> str:
    for low, high, band in DII_BANDS:
        if low <= count <= high:
            return band
    return "very_high"
