"""Recommendations: the pack's rules turned into one ranked list of modules, tool categories
and local programmes, each with the reason in plain words.

A rule that fires weighs ``priority x (1 + gap) x economy weight``, where gap is how far its
dimension is from 100 and the economy weight comes from the overlay's priorities. Items are
listed under their best rule only; the first item is the single best next step.
"""
from __future__ import annotations

from collections import Counter
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


def _weight(priority: float, score: float | None, economy_weight: float) -> tuple[float, float]:
    """(-weight, weight rounded to 3 decimals) of a rule whose dimension scores ``score``."""
    gap = (100 - score) / 100 if score is not None else 0.5
    weight = priority * (1 + gap) * economy_weight
    return -weight, round(weight, 3)


class _CompiledRules:
    """Rules resolved once per pack into one generated function (see :mod:`codegen`),
    ``fired_rules(P, E, S, L)``, that returns ``(-weight, pack order, item templates,
    rounded weight)`` of every rule that fires. Rules of the common form ``{dimension: D,
    level_in: [...]}`` (one per dimension and band) are picked by the dimension's level
    instead of being tested one by one. This runs on every submission.

    A rule's weight depends only on its dimension's score, and a shown score is one of the
    1,001 tenths from 0 to 100, so each (priority, economy weight) pair gets a table of the
    weight by score; any other score (a hand-made context) is weighed on the spot.
    """

    def __init__(self, pack: Pack) -> None:
        src = Source()
        src.bind("WEIGH", _weight)
        src.add("out = []")
        scores: dict[str, str] = {}
        for rule in pack.rules:
            if rule.dimension and rule.dimension not in scores:
                scores[rule.dimension] = f"v{len(scores)}"
                src.add(f"{scores[rule.dimension]} = S.get({src.const(rule.dimension)})")
        tables: dict[tuple[float, float], dict[float | None, tuple[float, float]]] = {}
        by_level: dict[str, dict[str, list[str]]] = {}
        items = [_rule_items(pack, rule) for rule in pack.rules]
        listed = Counter((kind, item_id) for rule_items in items for kind, item_id, _fields in rule_items)
        for order, rule in enumerate(pack.rules):
            # (key, template): the key is None for an item no other rule lists (nothing to
            # check it against), else (kind, id) to list the item only under its best rule
            templates = tuple(
                ((kind, item_id) if listed[kind, item_id] > 1 else None,
                 {"rank": 0, "kind": kind, "id": item_id, "reason": rule.reason, "rule": rule.id,
                  "dimension": rule.dimension, "weight": 0.0, **fields})
                for kind, item_id, fields in items[order])
            economy_weight = pack.priorities.get(rule.dimension or "", 1.0)
            if rule.dimension:
                key = (rule.priority, economy_weight)
                if key not in tables:
                    tables[key] = {score: _weight(rule.priority, score, economy_weight)
                                   for score in [None, *(tenths / 10 for tenths in range(1001))]}
                score = scores[rule.dimension]
                weigh = (f"w = {src.const(tables[key])}.get({score}) or "
                         f"WEIGH({src.const(rule.priority)}, {score}, {src.const(economy_weight)})")
            else:
                weigh = f"w = {src.const(_weight(rule.priority, None, economy_weight))}"
            fire = f"{weigh}; out.append((w[0], {order}, {src.const(templates)}, w[1]))"
            if set(rule.when) == {"dimension", "level_in"}:
                for level in dict.fromkeys(rule.when["level_in"]):  # once per level
                    by_level.setdefault(rule.when["dimension"], {}).setdefault(level, []).append(fire)
            else:
                src.add(f"if {condition_source(rule.when, src)}: {fire}")
        for dimension, levels in by_level.items():
            src.add(f"level = L.get({src.const(dimension)})")
            keyword = "if"
            for level, fires in levels.items():
                src.add(f"{keyword} level == {src.const(level)}: {'; '.join(fires)}")
                keyword = "elif"
        src.add("return out")
        self.fired_rules = src.function("fired_rules", "P, E, S, L", f"<pack {pack.id} rules>")


def _compiled_rules(pack: Pack) -> _CompiledRules:
    cached = pack._index.get("rule_items")
    if cached is None:
        cached = pack._index["rule_items"] = _CompiledRules(pack)
    return cached


def recommend(pack: Pack, ctx: Context) -> list[dict[str, Any]]:
    fired = _compiled_rules(pack).fired_rules(ctx.profile, ctx.answers, ctx.scores, ctx.levels)
    fired.sort()  # by weight, ties in pack order (orders are unique, so templates never compare)
    result: list[dict[str, Any]] = []
    append = result.append
    seen: set[tuple[str, str]] = set()
    add = seen.add
    for _neg_weight, _order, templates, weight in fired:
        for key, template in templates:
            if key is not None:
                if key in seen:
                    continue
                add(key)
            item = template.copy()  # shallow: the nested tools list is shared and read-only
            item["rank"] = len(result) + 1
            item["weight"] = weight
            append(item)
    return result
