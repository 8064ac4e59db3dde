"""Recommendations: the pack's rules turned into one ranked list of modules, tool categories
and local programmes, each with the reason in plain words.

A rule that fires weighs ``priority x (1 + gap) x economy weight``, where gap is how far its
dimension is from 100 and the economy weight comes from the overlay's priorities. Items are
listed under their best rule only; the first item is the single best next step.
"""
from __future__ import annotations

from typing import Any

from digiready.diagnostic.codegen import Source, condition_source
from digiready.diagnostic.conditions import Context
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
    are indexed by (dimension, level) instead of being evaluated one by one (a pack has one
    such rule per dimension and band); the other rules' conditions are written into one
    generated function (see :mod:`codegen`). This runs on every submission."""

    def __init__(self, pack: Pack) -> None:
        # per rule, in pack order: (item templates, priority, economy weight, dimension)
        self.entries: list[tuple[list[tuple[tuple[str, str], dict[str, Any]]], float, float, str | None]] = []
        self.by_level: dict[tuple[str, str], list[int]] = {}
        src = Source()
        src.add("out = []")
        for order, rule in enumerate(pack.rules):
            templates = [((kind, item_id), {"rank": 0, "kind": kind, "id": item_id, "reason": rule.reason,
                                             "rule": rule.id, "dimension": rule.dimension, "weight": 0.0,
                                             **fields})
                         for kind, item_id, fields in _rule_items(pack, rule)]
            economy_weight = pack.priorities.get(rule.dimension or "", 1.0)
            self.entries.append((templates, rule.priority, economy_weight, rule.dimension))
            if set(rule.when) == {"dimension", "level_in"}:
                for level in rule.when["level_in"]:
                    self.by_level.setdefault((rule.when["dimension"], level), []).append(order)
            else:
                src.add(f"if {condition_source(rule.when, src)}: out.append({order})")
        src.add("return out")
        self.general = src.function("fired_rules", "P, E, S, L", f"<pack {pack.id} rules>")
        self.dimensions = sorted({dim for dim, _level in self.by_level})


def _compiled_rules(pack: Pack) -> _CompiledRules:
    cached = pack._index.get("rule_items")
    if cached is None:
        cached = pack._index["rule_items"] = _CompiledRules(pack)
    return cached


def recommend(pack: Pack, ctx: Context) -> list[dict[str, Any]]:
    rules = _compiled_rules(pack)
    scores, levels = ctx.scores, ctx.levels
    candidates = rules.general(ctx.profile, ctx.answers, scores, levels)
    by_level = rules.by_level
    for dimension in rules.dimensions:
        matched = by_level.get((dimension, levels.get(dimension)))
        if matched:
            candidates.extend(matched)
    entries = rules.entries
    fired = []
    for order in candidates:
        templates, priority, economy_weight, dimension = entries[order]
        dim_score = scores.get(dimension) if dimension else None
        gap = (100 - dim_score) / 100 if dim_score is not None else 0.5
        weight = priority * (1 + gap) * economy_weight
        fired.append((-weight, order, templates, weight))
    fired.sort()  # by weight, ties in pack order (orders are unique, so templates never compare)
    result: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    rank = 0
    for _neg, _order, templates, weight in fired:
        rounded = None
        for key, template in templates:
            if key in seen:
                continue
            seen.add(key)
            if rounded is None:
                rounded = _round3(weight)
            rank += 1
            item = template.copy()  # shallow: the nested tools list is shared and read-only
            item["rank"] = rank
            item["weight"] = rounded
            result.append(item)
    return result


def _round3(weight: float) -> float:
    """``round(weight, 3)``, without its decimal conversion when ``1000 x weight`` is
    clearly not near a half (both then give the double nearest to that many thousandths)."""
    thousandths_x = weight * 1000
    thousandths = round(thousandths_x)
    if -0.4999 < thousandths_x - thousandths < 0.4999:
        return thousandths / 1000
    return round(weight, 3)
