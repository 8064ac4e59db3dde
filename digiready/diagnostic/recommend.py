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
    """Rules resolved once per pack into one generated function (see :mod:`codegen`),
    ``fired_rules(P, E, S, L)``, that returns ``(-weight, pack order, item templates)`` of
    every rule that fires. Each dimension's gap is worked out once; rules of the common form
    ``{dimension: D, level_in: [...]}`` (one per dimension and band) are picked by the
    dimension's level instead of being tested one by one. This runs on every submission."""

    def __init__(self, pack: Pack) -> None:
        src = Source()
        src.add("out = []")
        gaps: dict[str, str] = {}
        for rule in pack.rules:
            if rule.dimension and rule.dimension not in gaps:
                gaps[rule.dimension] = gap = f"g{len(gaps)}"
                src.add(f"v = S.get({src.const(rule.dimension)}); "
                        f"{gap} = (100 - v) / 100 if v is not None else 0.5")
        by_level: dict[str, dict[str, list[str]]] = {}
        for order, rule in enumerate(pack.rules):
            templates = tuple(
                ((kind, item_id), {"rank": 0, "kind": kind, "id": item_id, "reason": rule.reason,
                                   "rule": rule.id, "dimension": rule.dimension, "weight": 0.0, **fields})
                for kind, item_id, fields in _rule_items(pack, rule))
            economy_weight = pack.priorities.get(rule.dimension or "", 1.0)
            gap = gaps[rule.dimension] if rule.dimension else "0.5"
            # the weight written as the documented product, factor by factor, so floats agree
            weight = f"{src.const(rule.priority)} * (1 + {gap}) * {src.const(economy_weight)}"
            fire = f"out.append((-({weight}), {order}, {src.const(templates)}))"
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
    for neg_weight, _order, templates in fired:
        rounded = None
        for key, template in templates:
            if key in seen:
                continue
            add(key)
            if rounded is None:
                rounded = _round3(-neg_weight)
            item = template.copy()  # shallow: the nested tools list is shared and read-only
            item["rank"] = len(result) + 1
            item["weight"] = rounded
            append(item)
    return result


def _round3(weight: float) -> float:
    """``round(weight, 3)``, without its decimal conversion when ``1000 x weight`` is
    clearly not near a half (both then give the double nearest to that many thousandths)."""
    thousandths_x = weight * 1000
    thousandths = round(thousandths_x)
    if -0.4999 < thousandths_x - thousandths < 0.4999:
        return thousandths / 1000
    return round(weight, 3)
