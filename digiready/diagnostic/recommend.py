"""Recommendations: the pack's rules turned into one ranked list of modules, tool categories
and local programmes, each with every reason it answers, worded from the learner's answers.

A rule that fires weighs ``priority x (1 + gap) x economy weight``, where gap is how far its
dimension is from 100 and the economy weight comes from the overlay's priorities. An item
ranks by the heaviest rule that lists it and carries the reasons of every rule that does.
A tool category is recommended only when the economy (base pack and overlay) has at least one
tool in it. Items the business cannot use (their declared ``needs`` against what the answers show,
:mod:`digiready.diagnostic.fit`) come after every item it can use, so the first item is
always the best next step that the business can take today (docs/diagnostic-method.md).
"""
from __future__ import annotations

from typing import Any

from digiready.diagnostic.codegen import Source, condition_source
from digiready.diagnostic.conditions import Context, compile_condition
from digiready.diagnostic.fit import Means, means, missing
from digiready.packs.model import NA, Pack, Rule


def _rule_items(pack: Pack, rule: Rule) -> list[tuple[str, str, dict[str, Any]]]:
    """What a rule recommends, resolved once per pack: (kind, id, fields)."""
    items: list[tuple[str, str, dict[str, Any]]] = []
    for module_id in rule.modules:
        module = pack.modules[module_id]
        items.append(("module", module_id, {"title": module.title,
                                            "duration_seconds": module.duration_seconds}))
    for category_id in rule.tool_categories:
        category = pack.tool_categories[category_id]
        if not pack.tools_in(category_id):
            # a category with no tool for this economy (base + overlay) names nothing the
            # business could try: it is not recommended (issue 17, item 7)
            continue
        items.append(("tool_category", category_id, {
            "title": category.title, "solves": category.solves, "cost": category.cost,
            "basic_phone": category.basic_phone,
            "tools": [{"id": t.id, "name": t.name, "url": t.url, "verified": t.verified}
                      for t in pack.tools_in(category_id)]}))
    # A programme answers a rule through the rule's main (first) topic only: a rule about
    # paper records lists [finance, skills], and a skills course is no answer to paper records.
    topic = rule.programme_topics[0] if rule.programme_topics else None
    for programme in pack.programmes:
        if topic in programme.topics:
            items.append(("programme", programme.id, {"title": programme.name,
                                                      "organisation": programme.organisation,
                                                      "url": programme.url,
                                                      "verified": programme.verified}))
    return items


def _weight(priority: float, score: float | None, economy_weight: float) -> tuple[float, float]:
    """(-weight, weight rounded to 3 decimals) of a rule whose dimension scores ``score``."""
    gap = (100 - score) / 100 if score is not None else 0.5
    weight = priority * (1 + gap) * economy_weight
    return -weight, round(weight, 3)


def _evidence_keys(cond: Any, out: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The questions, profile questions and dimensions a condition reads, in order, once each."""
    if isinstance(cond, dict):
        for key in ("all", "any"):
            if isinstance(cond.get(key), list):
                for sub in cond[key]:
                    _evidence_keys(sub, out)
                return out
        if "not" in cond:
            return _evidence_keys(cond["not"], out)
        for kind in ("question", "profile", "dimension"):
            if kind in cond and (kind, cond[kind]) not in out:
                out.append((kind, cond[kind]))
    return out


class _CompiledRules:
    """Rules resolved once per pack into one generated function (see :mod:`codegen`),
    ``fired_rules(P, E, S, L)``, that returns ``(-weight, pack order, rounded weight)`` of
    every rule that fires; ``items[order]`` is what the rule recommends. Rules of the common form ``{dimension: D,
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
        self.items = [_rule_items(pack, rule) for rule in pack.rules]
        self.variants = [tuple((compile_condition(v.when), v.reason, _evidence_keys(v.when, []))
                             for v in rule.variants)
                         for rule in pack.rules]
        self.evidence = [_evidence_keys(rule.when, []) for rule in pack.rules]
        for order, rule in enumerate(pack.rules):
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
            fire = f"{weigh}; out.append((w[0], {order}, w[1]))"
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
    fired.sort()  # by weight, ties in pack order
    return assemble(pack, ctx, [(order, weight) for _neg, order, weight in fired])


def wording(pack: Pack, order: int, ctx: Context) -> str:
    """A fired rule's reason in the words that fit the answers: its first variant whose
    condition holds, else its reason."""
    return _wording(pack, order, ctx)[0]


def _wording(pack: Pack, order: int, ctx: Context) -> tuple[str, list[tuple[str, str]]]:
    """(text, what else it read): a variant's own condition is part of the evidence."""
    for holds, text, keys in _compiled_rules(pack).variants[order]:
        if holds(ctx):
            return text, keys
    return pack.rules[order].reason, []


def evidence(pack: Pack, order: int, ctx: Context,
             more: list[tuple[str, str]] | tuple = ()) -> list[dict[str, Any]]:
    """What the learner answered that the rule (and ``more``: its chosen wording) read: each
    question's and profile question's answer (option labels in the pack's language), each
    dimension's score and level."""
    facts: list[dict[str, Any]] = []
    keys = list(_compiled_rules(pack).evidence[order])
    keys += [key for key in more if key not in keys]
    for kind, key in keys:
        if kind == "dimension":
            dimension = pack.dimension(key)
            level_id = ctx.levels.get(key)
            level = next((lv for lv in pack.levels if lv.id == level_id), None)
            if ctx.scores.get(key) is not None and dimension is not None:
                facts.append({"kind": "score", "id": key, "dimension": dimension.title,
                              "score": ctx.scores[key], "level": level.title if level else level_id})
            continue
        question = pack.question(key) if kind == "question" else pack.profile_question(key)
        source = ctx.answers if kind == "question" else ctx.profile
        if question is None or key not in source:
            continue
        value = source[key]
        if value == NA:
            labels: list[str] = []
        elif isinstance(value, list):
            labels = [o.label for o in question.options if o.id in value]
        elif getattr(question, "type", None) == "scale":
            labels = [f"{value}: {pack.scale_labels_for(question).get(value, value)}"]
        elif question.options:
            option = next((o for o in question.options if o.id == value), None)
            labels = [option.label] if option else [str(value)]
        else:
            labels = []  # yes/no and free text: the adapter words the value
        facts.append({"kind": "answer" if kind == "question" else "profile", "id": key,
                      "question": question.text, "value": value, "answer": labels})
    return facts


def _fit(pack: Pack, kind: str, item_id: str, fields: dict[str, Any], have: Means) -> dict[str, Any]:
    """``usable``, ``missing`` and (tool categories) each tool's fit, usable tools first."""
    if kind == "module":
        gaps = missing(pack.modules[item_id].needs, have)
        return {"usable": not gaps, "missing": gaps}
    if kind != "tool_category":
        return {"usable": True, "missing": []}
    by_id = {t.id: t for t in pack.tools_in(item_id)}
    tools = []
    for tool in fields["tools"]:
        tool_gaps = missing(by_id[tool["id"]].needs, have)
        tools.append({**tool, "usable": not tool_gaps, "missing": tool_gaps})
    tools.sort(key=lambda t: not t["usable"])  # stable: pack order inside each part
    gaps = missing(pack.tool_categories[item_id].needs, have)
    # usable when its own advice fits, or when one of its tools does (a USSD wallet
    # in a category of smartphone apps)
    usable = not gaps or any(t["usable"] for t in tools)
    return {"usable": usable, "missing": [] if usable else gaps, "tools": tools}


def assemble(pack: Pack, ctx: Context, fired: list[tuple[int, float]]) -> list[dict[str, Any]]:
    """The ranked list from the fired rules ``(pack order, weight)``, heaviest first: one
    entry per item, with the reasons of every rule that lists it, then what the business
    cannot use yet after everything it can."""
    compiled = _compiled_rules(pack)
    have = means(ctx.answers, pack.language)
    by_key: dict[tuple[str, str], dict[str, Any]] = {}
    listed: list[dict[str, Any]] = []
    for order, weight in fired:
        rule = pack.rules[order]
        text, read = _wording(pack, order, ctx)
        reason = {"rule": rule.id, "text": text, "dimension": rule.dimension,
                  "weight": weight, "because": evidence(pack, order, ctx, read)}
        for kind, item_id, fields in compiled.items[order]:
            item = by_key.get((kind, item_id))
            if item is None:
                item = {"rank": 0, "kind": kind, "id": item_id, "reason": reason["text"],
                        "rule": rule.id, "dimension": rule.dimension, "weight": weight, **fields,
                        "reasons": []}
                item.update(_fit(pack, kind, item_id, fields, have))
                by_key[kind, item_id] = item
                listed.append(item)
            item["reasons"].append(reason)
    _unlocks(pack, listed)
    # usable first; then weight; at equal weight what opens the way to blocked advice, then
    # the video before the tool before the programme; then the order rules fired in
    listed.sort(key=lambda item: (not item["usable"], -item["weight"], not item["unlocks"],
                                  _KIND_ORDER[item["kind"]]))
    for rank, item in enumerate(listed, 1):
        item["rank"] = rank
    return listed


_KIND_ORDER = {"module": 0, "tool_category": 1, "programme": 2}


def _unlocks(pack: Pack, listed: list[dict[str, Any]]) -> None:
    """A usable module that gives the business a means it lacks (its ``unlocks``, e.g. getting
    a smartphone and data) weighs as much as the heaviest advice that means would open, and
    says which (``unlocks``: ids of the blocked items, heaviest first)."""
    for item in listed:
        item["unlocks"] = []
    blocked = [item for item in listed if not item["usable"]]
    if not blocked:
        return
    for item in listed:
        if item["kind"] != "module" or not item["usable"]:
            continue
        gives = set(pack.modules[item["id"]].unlocks)
        opened = [b for b in blocked if gives.intersection(gap["need"] for gap in b["missing"])]
        if opened:
            item["unlocks"] = [f"{b['kind']}:{b['id']}" for b in opened]
            item["weight"] = max(item["weight"], max(b["weight"] for b in opened))
