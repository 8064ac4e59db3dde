"""Needs: which areas of practice matter most in an economy, and the evidence for each.

A need is an *area of practice* (a dimension of the diagnostic: connectivity, online
presence, sales and payments, operations, data and cybersecurity, skills, strategy, and the
optional advanced ones), not a level label: a business at Beginner and one at Novice in the
same area share one need. A business *has* the need when its score in the area is below the
Competent level (the pack's level bounds, 40 by default). For each need the report prints:

- how many businesses have it (prevalence) and how far below they are (gap = mean distance
  to 100 of their area score);
- the practices behind it: the pack's rules of that area about one practice (no digital
  payment accepted, no backups, records on paper...), each with how many businesses lack it;
- who has it: the share by gender, age band, sector, size, urban/rural and legal form
  (cooperatives included), under the small-group rule;
- the barriers the businesses name, when the questionnaire asks for them.

Rank score = gap × prevalence × priority, where priority is the economy's weight for the
area (overlay ``priorities``, 1 by default). A need is reported only when enough businesses
share it (at least the small-group threshold and 5 % of the responses).
"""
from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from digiready.packs.model import Pack, Rule
from digiready.reports.aggregate import EconomyData, Response

MIN_PREVALENCE = 0.05
NEEDS_SOUGHT = 5
# Profile fields every need is broken down by (the funder's disaggregation).
BREAKDOWNS = [("gender", "Gender of owner/manager"), ("age_band", "Age band of owner/manager"),
              ("sector", "Sector"), ("size", "Size"), ("area", "Urban or rural"),
              ("legal_form", "Legal form")]


@dataclass
class Practice:
    """One missing practice inside an area: a pack rule about a single practice."""
    rule: str
    label: str
    count: int
    n: int  # businesses the rule could fire for (those shown its question)
    phrase: str = ""  # the practice as a sentence quotes it (see practice_phrase)

    @property
    def share(self) -> float:
        return self.count / self.n if self.n else 0.0


@dataclass
class Need:
    rank: int
    area: str  # dimension id
    title: str
    count: int
    n: int
    prevalence: float  # 0-1
    mean_area_score: float | None  # among the businesses with the need
    gap: float  # 0-1
    priority: float
    score: float
    holders: list[Response] = field(repr=False, default_factory=list)
    practices: list[Practice] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)  # module ids, most frequent first
    tool_categories: list[str] = field(default_factory=list)
    programme_topics: list[str] = field(default_factory=list)

    @property
    def evidence(self) -> str:
        mean = ("not computed" if self.mean_area_score is None
                else f"{self.mean_area_score:.1f}/100")
        return (f"{self.count} of {self.n} businesses ({100 * self.prevalence:.1f}%) score below "
                f"Competent in {self.title}; their mean score in it is {mean}. Rank score = "
                f"gap {self.gap:.2f} × prevalence {self.prevalence:.2f} × priority "
                f"{self.priority:.2f} = {self.score:.3f}.")


def low_bound(pack: Pack) -> float:
    """The score below which an area is a gap: the lower bound of the level named
    "competent", else the third level's."""
    for level in pack.levels:
        if level.id == "competent":
            return level.min
    return pack.levels[min(2, len(pack.levels) - 1)].min


def is_practice_rule(rule: Rule) -> bool:
    """A rule about one practice (a question's answer), not about a level band or a group."""
    def walk(cond) -> bool:
        if not isinstance(cond, dict):
            return False
        if "all" in cond or "any" in cond:
            return all(walk(c) for c in cond.get("all", cond.get("any", [])))
        if "not" in cond:
            return walk(cond["not"])
        return "question" in cond
    return walk(rule.when or {})


def practice_label(pack: Pack, rule: Rule) -> str:
    """A short reader's label for a practice rule, from its question and options."""
    conds = (rule.when or {}).get("all") or [rule.when or {}]
    parts = []
    for cond in conds:
        q = pack.question(cond.get("question", ""))
        if q is None:
            continue
        labels = {o.id: o.label for o in q.options}
        for op, word in (("excludes", "not"), ("includes", ""), ("equals", ""), ("in", ""),
                         ("max", "at most"), ("min", "at least")):
            if op not in cond:
                continue
            values = cond[op] if isinstance(cond[op], list) else [cond[op]]
            shown = " or ".join(str(labels.get(v, {"no": "No", "never": "Never"}.get(v, v)))
                                for v in values)
            parts.append((q.text.rstrip("?"), f"{word} {shown}".strip()))
    if not parts:
        return rule.id.replace("_", " ")
    question = parts[0][0]
    if all(p[0] == question for p in parts):
        answers = ("; ".join(p[1] for p in parts) if parts[0][1].startswith("not")
                   else " / ".join(p[1] for p in parts))
        return f"{question}: {answers}"
    return "; ".join(f"{q}: {a}" for q, a in parts)


def sentence_case(label: str) -> str:
    """A label inside a sentence: its first letter in lower case, unless it is the word "I"
    or an abbreviation ("IT services", "QR code" stay as written)."""
    first = label.split(" ", 1)[0]
    if not label or first == "I" or (len(first) > 1 and first[:2].isupper()):
        return label
    return label[0].lower() + label[1:]


def practice_phrase(pack: Pack, rule: Rule) -> str:
    """A practice rule as a report's sentence quotes it: the question in quotes and the
    answers that make the gap ("“How do you know how much stock you have?” I do not keep
    track or I look at the shelves or remember"). Falls back to :func:`practice_label`."""
    when = rule.when or {}
    conds = when.get("all") or [when]
    questions = {c.get("question") for c in conds}
    if len(questions) != 1 or None in questions:
        return practice_label(pack, rule)
    q = pack.question(next(iter(questions)))
    if q is None:
        return practice_label(pack, rule)
    names = {o.id: o.label for o in q.options} | {"yes": "Yes", "partly": "Partly", "no": "No"}
    answers = []
    excluded = []
    for cond in conds:
        if "excludes" in cond:
            values = cond["excludes"] if isinstance(cond["excludes"], list) else [cond["excludes"]]
            excluded += [sentence_case(str(names.get(v, v))) for v in values]
        for op in ("includes", "equals", "in"):
            if op in cond:
                values = cond[op] if isinstance(cond[op], list) else [cond[op]]
                answers += [str(names.get(v, v)) for v in values]
        if "max" in cond:
            scale = pack.scale_labels_for(q)
            answers.append(f"at most “{scale.get(int(cond['max']), cond['max'])}”")
        if "min" in cond:
            scale = pack.scale_labels_for(q)
            answers.append(f"at least “{scale.get(int(cond['min']), cond['min'])}”")
    said = []
    if excluded:
        said.append("none of " + (", ".join(excluded[:-1]) + " or " + excluded[-1]
                                  if len(excluded) > 1 else excluded[0]))
    if answers:
        said.append(" or ".join(sentence_case(a) for a in answers))
    return f"“{q.text}” {'; '.join(said)}"


def rank_needs(pack: Pack, data: EconomyData, limit: int = 9) -> list[Need]:
    """The economy's needs, best first."""
    if data.n == 0:
        return []
    below = low_bound(pack)
    rules = list(pack.rules)
    counts = data.rule_counts()
    candidates = []
    for dim in pack.dimensions:
        scored = [r for r in data.responses if r.dimensions.get(dim.id) is not None]
        holders = [r for r in scored if r.dimensions[dim.id] < below]
        if not scored or not holders:
            continue
        count, n = len(holders), len(scored)
        prevalence = count / n
        if count < data.min_cell or prevalence < MIN_PREVALENCE:
            continue
        mean = round(statistics.fmean(r.dimensions[dim.id] for r in holders), 1)
        gap = (100 - mean) / 100
        weight = float(pack.priorities.get(dim.id, 1.0))
        area_rules = [r for r in rules if r.dimension == dim.id]
        practices = []
        for rule in area_rules:
            if not is_practice_rule(rule):
                continue
            c = counts.get(rule.id, 0)
            if c:
                practices.append(Practice(rule.id, practice_label(pack, rule), c,
                                          data.shown_count(pack, rule),
                                          practice_phrase(pack, rule)))
        practices.sort(key=lambda p: (-p.count, p.rule))
        fired = Counter(rule for r in holders for rule in r.rules)
        modules: Counter = Counter()
        topics: Counter = Counter()
        tools: Counter = Counter()
        for rule in area_rules:
            if fired.get(rule.id):
                for m in rule.modules:
                    modules[m] += fired[rule.id]
                for t in rule.programme_topics:
                    topics[t] += fired[rule.id]
                for c in rule.tool_categories:
                    tools[c] += fired[rule.id]
        candidates.append(Need(
            rank=0, area=dim.id, title=dim.title, count=count, n=n, prevalence=prevalence,
            mean_area_score=mean, gap=gap, priority=weight,
            score=round(gap * prevalence * weight, 4), holders=holders, practices=practices,
            modules=[m for m, _c in modules.most_common() if m in pack.modules],
            tool_categories=[c for c, _n in tools.most_common() if c in pack.tool_categories],
            programme_topics=[t for t, _n in topics.most_common()]))
    candidates.sort(key=lambda n: (-n.score, n.area))
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
            f"{NEEDS_SOUGHT} sought: in the other areas too few of the {n} businesses score "
            f"below Competent (under {int(MIN_PREVALENCE * 100)}% or under the small-group "
            "threshold) to report a need.")
