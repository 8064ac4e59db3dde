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
from digiready.packs.model import Pack, Rule


def _rule_items(pack: Pack, rule: Rule) -> list[tuple[str, str, dict[str, Any]]]:
    """What a rule recommends, resolved once per pack: (kind, id, fields)."""
    items: list[tuple[str, str, dict[str, Any]]] = []
    for module_id in rule.modules:
        module = pack.modules[module_id]
        items.append(("module", module_id, {"title": module.title,
                                            "duration_seconds": module.duration_seconds}))
    for category_id in rule.tool_categories:
        category = pack.tool_categories[category_id]
        items.append(("tool_category", category_id, {
            "title": category.title, "solves": category.solves, "cost": category.cost,
            "basic_phone": category.basic_phone,
            "tools": [{"id": t.id, "name": t.name, "url": t.url} for t in pack.tools_in(category_id)]}))
    topics = set(rule.programme_topics)
    for programme in pack.programmes:
        if topics.intersection(programme.topics):
            items.append(("programme", programme.id, {"title": programme.name,
                                                      "organisation": programme.organisation,
                                                      "url": programme.url}))
    return items


def _compiled_rules(pack: Pack) -> list[tuple[Rule, Any, list, float]]:
    cached = pack._index.get("rule_items")
    if cached is None:
        cached = [(rule, predicate, _rule_items(pack, rule), pack.priorities.get(rule.dimension or "", 1.0))
                  for rule, predicate in compiled(pack).rules]
        pack._index["rule_items"] = cached
    return cached


def recommend(pack: Pack, ctx: Context) -> list[dict[str, Any]]:
    fired = []
    for order, (rule, predicate, items, economy_weight) in enumerate(_compiled_rules(pack)):
        if not predicate(ctx):
            continue
        dim_score = ctx.scores.get(rule.dimension) if rule.dimension else None
        gap = (100 - dim_score) / 100 if dim_score is not None else 0.5
        weight = rule.priority * (1 + gap) * economy_weight
        fired.append((-weight, order, rule, items, weight))
    fired.sort(key=lambda f: (f[0], f[1]))
    result: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for _neg, _order, rule, items, weight in fired:
        for kind, item_id, fields in items:
            if (kind, item_id) in seen:
                continue
            seen.add((kind, item_id))
            result.append({"rank": len(result) + 1, "kind": kind, "id": item_id,
                           "reason": rule.reason, "rule": rule.id, "dimension": rule.dimension,
                           "weight": round(weight, 3), **fields})
    return result
