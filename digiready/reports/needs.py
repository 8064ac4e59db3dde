"""Needs: which gaps matter most in an economy, and the evidence for each.

A candidate need is a recommendation rule of the pack (a gap in a dimension, or a missing
practice such as QR payments). Its rank score is

    gap × prevalence × priority

- gap: mean distance to 100 of the rule's dimension among the businesses the rule fired
  for (0-1), i.e. how far they are;
- prevalence: share of the economy's responses the rule fired for (0-1), i.e. how many;
- priority: the economy's priority weight for the dimension (overlay ``priorities``, 1 by
  default) times the rule's own priority (1-5) divided by 5, i.e. what the economy team
  and the pack authors put first.

A need is reported only when enough businesses share it (at least ``min_cell`` and 5 % of
the responses), so a need never rests on a handful of answers.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from digiready.packs.model import Pack, Rule
from digiready.reports.aggregate import EconomyData

MIN_PREVALENCE = 0.05
NEEDS_SOUGHT = 5


@dataclass
class Need:
    rank: int
    rule: str
    title: str
    dimension: str | None
    dimension_title: str
    count: int
    n: int
    prevalence: float  # 0-1
    mean_dimension_score: float | None
    gap: float  # 0-1
    priority: float
    score: float
    reason: str
    modules: list[str] = field(default_factory=list)
    tool_categories: list[str] = field(default_factory=list)
    programmes: list[str] = field(default_factory=list)

    @property
    def evidence(self) -> str:
        mean = ("n/a" if self.mean_dimension_score is None
                else f"{self.mean_dimension_score:.1f}/100")
        return (f"{self.count} of {self.n} responses ({100 * self.prevalence:.1f}%) show this gap "
                f"(rule '{self.rule}'); their mean {self.dimension_title} score is {mean}; "
                f"priority weight {self.priority:.2f}; "
                f"score = {self.gap:.2f} × {self.prevalence:.2f} × {self.priority:.2f} "
                f"= {self.score:.3f}.")


def describe_condition(pack: Pack, cond: dict | None) -> str:
    """A plain-language reading of a rule condition, for the evidence column."""
    if not cond:
        return "always"
    if "all" in cond:
        return " and ".join(describe_condition(pack, c) for c in cond["all"])
    if "any" in cond:
        return "(" + " or ".join(describe_condition(pack, c) for c in cond["any"]) + ")"
    if "not" in cond:
        return "not " + describe_condition(pack, cond["not"])
    if "dimension" in cond:
        dim = pack.dimension(cond["dimension"])
        name = dim.title if dim else cond["dimension"]
        if "level_in" in cond:
            levels = {lv.id: lv.title for lv in pack.levels}
            return f"{name} level is " + "/".join(levels.get(x, x) for x in cond["level_in"])
        return f"{name} score below {cond.get('score_below')}"
    if "profile" in cond:
        value = cond.get("equals", cond.get("in"))
        return f"profile {cond['profile']} = {value}"
    q = pack.question(cond.get("question", ""))
    label = q.text if q else cond.get("question", "?")
    for op, word in (("includes", "ticked"), ("excludes", "not ticked"), ("equals", "answered"),
                     ("in", "answered one of"), ("min", "at least"), ("max", "at most")):
        if op in cond:
            value = cond[op]
            if q and isinstance(value, str) and (opt := q.option(value)) is not None:
                value = opt.label
            return f"'{label}' {word} {value}"
    return str(cond)


def _title(pack: Pack, rule: Rule) -> str:
    dim = pack.dimension(rule.dimension) if rule.dimension else None
    dim_title = dim.title if dim else "Overall"
    cond = rule.when or {}
    if "dimension" in cond and "level_in" in cond:
        levels = {lv.id: lv.title for lv in pack.levels}
        band = "/".join(levels.get(x, x) for x in cond["level_in"])
        return f"{dim_title}: businesses at {band} level"
    module = next((pack.modules[m].title for m in rule.modules if m in pack.modules), None)
    return f"{dim_title}: {module}" if module else f"{dim_title}: {rule.id.replace('_', ' ')}"


def rank_needs(pack: Pack, data: EconomyData, limit: int = 8) -> list[Need]:
    """The economy's needs, best first (at most ``limit``)."""
    if data.n == 0:
        return []
    counts = data.rule_counts()
    rules = {r.id: r for r in pack.rules}
    candidates = []
    for rule_id, count in counts.items():
        rule = rules.get(rule_id)
        if rule is None:
            continue
        prevalence = count / data.n
        if count < data.min_cell or prevalence < MIN_PREVALENCE:
            continue
        fired = [r for r in data.responses if rule_id in r.rules]
        if rule.dimension:
            scores = [r.dimensions.get(rule.dimension) for r in fired]
        else:
            scores = [r.overall for r in fired]
        scores = [s for s in scores if s is not None]
        mean = round(statistics.fmean(scores), 1) if scores else None
        gap = (100 - mean) / 100 if mean is not None else 1.0
        weight = pack.priorities.get(rule.dimension or "", 1.0) * (rule.priority / 5)
        dim = pack.dimension(rule.dimension) if rule.dimension else None
        programmes = [p.name + (f" ({p.organisation})" if p.organisation else "")
                      for p in pack.programmes if set(p.topics) & set(rule.programme_topics)]
        candidates.append(Need(
            rank=0, rule=rule_id, title=_title(pack, rule), dimension=rule.dimension,
            dimension_title=dim.title if dim else "overall", count=count, n=data.n,
            prevalence=prevalence, mean_dimension_score=mean, gap=gap, priority=weight,
            score=round(gap * prevalence * weight, 4), reason=rule.reason,
            modules=[pack.modules[m].title for m in rule.modules if m in pack.modules],
            tool_categories=[pack.tool_categories[c].title for c in rule.tool_categories
                             if c in pack.tool_categories],
            programmes=programmes))
    candidates.sort(key=lambda n: (-n.score, n.rule))
    for i, need in enumerate(candidates[:limit], start=1):
        need.rank = i
    return candidates[:limit]


def sufficiency_note(economy_name: str, needs: list[Need], n: int) -> str | None:
    """What the report says when the data cannot support the five needs sought."""
    if len(needs) >= NEEDS_SOUGHT:
        return None
    if n == 0:
        return (f"No completed diagnostics for {economy_name}: no needs can be identified "
                "from data (no data).")
    return (f"The data for {economy_name} support only {len(needs)} need(s), fewer than the "
            f"{NEEDS_SOUGHT} sought: other gaps are shared by too few of the {n} responses "
            f"(under {int(MIN_PREVALENCE * 100)}% or under the small-cell threshold) to be "
            "reported.")
