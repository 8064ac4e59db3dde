"""Recommendations: the pack's rules turned into one ranked list of modules, tool categories
and local programmes, each with the reason in plain words.

A rule that fires weighs ``priority x (1 + gap) x economy weight``, where gap is how far its
dimension is from 100 and the economy weight comes from the overlay's priorities. Items are
listed under their best rule only; the first item is the single best next step.
"""
from __future__ import annotations

from typing import Any

from digiready.diagnostic.conditions import Context
from digiready.diagnostic.questionnaire import compiled
from digiready.packs.model import Pack


def recommend(pack: Pack, ctx: Context) -> list[dict[str, Any]]:
    fired = []
    for order, (rule, predicate) in enumerate(compiled(pack).rules):
        if not predicate(ctx):
            continue
        dim_score = ctx.scores.get(rule.dimension) if rule.dimension else None
        gap = (100 - dim_score) / 100 if dim_score is not None else 0.5
        weight = rule.priority * (1 + gap) * pack.priorities.get(rule.dimension or "", 1.0)
        fired.append((-weight, order, rule, weight))
    fired.sort(key=lambda f: (f[0], f[1]))
    items: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, item_id: str, rule, weight: float, **extra: Any) -> None:
        if (kind, item_id) in seen:
            return
        seen.add((kind, item_id))
        items.append({"rank": len(items) + 1, "kind": kind, "id": item_id, "reason": rule.reason,
                      "rule": rule.id, "dimension": rule.dimension, "weight": round(weight, 3),
                      **extra})

    for _neg, _order, rule, weight in fired:
        for module_id in rule.modules:
            module = pack.modules[module_id]
            add("module", module_id, rule, weight, title=module.title,
                duration_seconds=module.duration_seconds)
        for category_id in rule.tool_categories:
            category = pack.tool_categories[category_id]
            add("tool_category", category_id, rule, weight, title=category.title,
                solves=category.solves, cost=category.cost, basic_phone=category.basic_phone,
                tools=[{"id": t.id, "name": t.name, "url": t.url} for t in pack.tools_in(category_id)])
        if rule.programme_topics:
            topics = set(rule.programme_topics)
            for programme in pack.programmes:
                if topics.intersection(programme.topics):
                    add("programme", programme.id, rule, weight, title=programme.name,
                        organisation=programme.organisation, url=programme.url)
    return items
