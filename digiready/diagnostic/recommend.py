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


class _CompiledRules:
    """Rules resolved once per pack. Rules of the common form ``{dimension: D, level_in: [...]}``
    are indexed by (dimension, level) instead of being evaluated one by one: a pack has one
    such rule per dimension and band, and this runs on every submission."""

    def __init__(self, pack: Pack) -> None:
        self.entries = []  # (order, rule, predicate, templates, economy weight)
        self.by_level: dict[tuple[str, str], list[int]] = {}
        self.general: list[int] = []
        for order, (rule, predicate) in enumerate(compiled(pack).rules):
            templates = [((kind, item_id), {"rank": 0, "kind": kind, "id": item_id, "reason": rule.reason,
                                             "rule": rule.id, "dimension": rule.dimension, "weight": 0.0,
                                             **fields})
                         for kind, item_id, fields in _rule_items(pack, rule)]
            self.entries.append((rule, predicate, templates, pack.priorities.get(rule.dimension or "", 1.0)))
            if set(rule.when) == {"dimension", "level_in"}:
                for level in rule.when["level_in"]:
                    self.by_level.setdefault((rule.when["dimension"], level), []).append(order)
            else:
                self.general.append(order)
        self.dimensions = sorted({dim for dim, _level in self.by_level})


def _compiled_rules(pack: Pack) -> _CompiledRules:
    cached = pack._index.get("rule_items")
    if cached is None:
        cached = pack._index["rule_items"] = _CompiledRules(pack)
    return cached


def recommend(pack: Pack, ctx: Context) -> list[dict[str, Any]]:
    rules = _compiled_rules(pack)
    entries = rules.entries
    candidates = [order for order in rules.general if entries[order][1](ctx)]
    levels = ctx.levels
    for dimension in rules.dimensions:
        candidates.extend(rules.by_level.get((dimension, levels.get(dimension)), ()))
    fired = []
    scores = ctx.scores
    for order in candidates:
        rule, _predicate, templates, economy_weight = entries[order]
        dim_score = scores.get(rule.dimension) if rule.dimension else None
        gap = (100 - dim_score) / 100 if dim_score is not None else 0.5
        weight = rule.priority * (1 + gap) * economy_weight
        fired.append((-weight, order, templates, weight))
    fired.sort(key=lambda f: (f[0], f[1]))
    result: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for _neg, _order, templates, weight in fired:
        rounded = round(weight, 3)
        for key, template in templates:
            if key in seen:
                continue
            seen.add(key)
            item = template.copy()  # shallow: the nested tools list is shared and read-only
            item["rank"] = len(result) + 1
            item["weight"] = rounded
            result.append(item)
    return result
