"""Scores as in the EU Digital Maturity Assessment.

A dimension scores ``50 x breadth + 50 x depth`` (0-100): breadth is the share of digital
items ticked across its checklists, depth the mean of its adoption-scale, yes/partly/no and
single-choice answers. "Not applicable" and skipped questions leave both the numerator and the
denominator. A dimension with only one kind of question scores ``100 x`` that part; one with
no counted answer is "not answered" and leaves the overall score, which is the equal-weight
mean of the answered core (non-optional) dimensions.

The per-answer work runs in a function generated once per pack (see :mod:`codegen`): one
straight pass over the questions with skip rules inline and each dimension's sums in local
variables. ``tests/digiready/reference_engine.py`` computes the same thing the plain way and
a property test holds the two together.
"""
from __future__ import annotations

from typing import Any

from digiready.diagnostic.codegen import Source, condition_source, skip_rules_look_back
from digiready.diagnostic.conditions import Context
from digiready.diagnostic.questionnaire import question_info
from digiready.packs.model import NA, SCALE_MAX, Pack

DII_BANDS = ((0, 3, "very_low"), (4, 6, "low"), (7, 9, "high"), (10, 12, "very_high"))


# One dimension's entry of the result document from its sums, as generated code (``{i}`` is
# the dimension's number, ``{id}``/``{title}``/``{optional}`` expressions for its fixed fields).
# ``round(x, 1)`` goes through a decimal conversion and is the slowest step here, so a number
# is rounded as ``round(10 x) / 10`` whenever ``10 x`` is clearly not near a half: both then
# give the same float, the double nearest to that many tenths. Near a half, round(x, 1) it is.
# The breadth share, a ratio of two small whole numbers, comes from a table; ``tenths`` (the
# shown score x 10) picks the level from a table too.
_DIMENSION_ENTRY = """\
if n{i}:
    depth = s{i} / n{i}
    y = 1000 * depth; tenths = round(y)
    if -0.4999 < y - tenths < 0.4999: depth_shown = tenths / 10
    else: depth_shown = round(100 * depth, 1); tenths = round(depth_shown * 10)
    if c{i}:
        breadth, breadth_shown, _ = BREADTH[c{i}][t{i}]
        value = 50 * breadth + 50 * depth
        y = value * 10; tenths = round(y)
        if -0.4999 < y - tenths < 0.4999: value = tenths / 10
        else: value = round(value, 1); tenths = round(value * 10)
    else:
        breadth_shown = None; value = depth_shown
elif c{i}:
    breadth, breadth_shown, tenths = BREADTH[c{i}][t{i}]
    depth_shown = None; value = breadth_shown
else:
    value = None
if value is None:
    v{i} = level{i} = None
    d{i} = {{'id': {id}, 'title': {title}, 'optional': {optional}, 'score': None, 'breadth': None,
          'depth': None, 'level': None, 'level_title': None, 'answered': k{i} + n{i} + x{i}, 'not_applicable': x{i}}}
else:
    level{i}, level_title = LEVELS[tenths] if 0 <= tenths <= 1000 else LEVEL_OF(value)
    v{i} = value
    d{i} = {{'id': {id}, 'title': {title}, 'optional': {optional}, 'score': value,
          'breadth': breadth_shown, 'depth': depth_shown, 'level': level{i},
          'level_title': level_title, 'answered': k{i} + n{i} + x{i}, 'not_applicable': x{i}}}
"""


class _CompiledScoring:
    """Per-pack: the generated scoring pass and the level of every score."""

    def __init__(self, pack: Pack) -> None:
        # Scores are rounded to one decimal, so a table by tenths (0.0-100.0) gives each
        # score's level with one lookup; pack.level_for stays the rule for anything else.
        self.level_by_tenths = [pack.level_for(tenths / 10) for tenths in range(1001)]
        self.level_for = pack.level_for
        # breadth_table[items][ticked] = (share, share in % rounded to one decimal, that x 10)
        most = max((sum(len(question_info(q).countable) for q in pack.questions if q.dimension == d.id)
                    for d in pack.dimensions), default=0)
        self.breadth_table = [[(t / n, round(100 * (t / n), 1), round(round(100 * (t / n), 1) * 10))
                               if n else None for t in range(n + 1)] for n in range(most + 1)]
        self.pass_ = self._compile_pass(pack)
        src = self._source()
        src.add_block(_DIMENSION_ENTRY.format(i=0, id="ID", title="TITLE", optional="OPTIONAL"))
        src.add("return d0")
        # the same entry code on its own, for the tests of its rounding
        self.dimension_entry = src.function("dimension_entry", "ID, TITLE, OPTIONAL, t0, c0, s0, n0, x0, k0",
                                            f"<pack {pack.id} dimension entry>")
        self.dii_of = len(pack.dii_items)
        self.dii_bands = [dii_band(count) for count in range(self.dii_of + 1)]

    def _source(self) -> Source:
        src = Source()
        src.bind("BREADTH", self.breadth_table)
        src.bind("LEVELS", [(level.id, level.title) for level in self.level_by_tenths])
        src.bind("LEVEL_OF", self._level_pair)
        return src

    def _level_pair(self, value: float) -> tuple[str, str]:
        level = self.level_for(value)
        return level.id, level.title

    def _compile_pass(self, pack: Pack):
        """Generated ``score_pass(P, A) -> (E, dimensions, S, L, core scores, DII items)``.

        Per dimension ``i`` the locals are ``t{i}`` ticked items, ``c{i}`` countable items,
        ``s{i}`` depth sum, ``n{i}`` depth answers, ``x{i}`` not applicable, ``k{i}`` checklists
        answered (so ``k + n + x`` questions answered).
        Sums are added in pack order, as the plain computation does, so floats agree exactly.

        ``E``, the answers that count, starts as the answers themselves and is copied only
        when a skip rule hides an answered question (rare): skip rules name only earlier
        questions (a pack check), so they never see an answer they should not. A pack that
        breaks that rule gets ``E`` built answer by answer instead.
        """
        src = self._source()
        position = {d.id: i for i, d in enumerate(pack.dimensions)}
        forward = not skip_rules_look_back(pack)
        for i in range(len(pack.dimensions)):
            src.add(f"t{i} = c{i} = n{i} = x{i} = k{i} = 0; s{i} = 0.0")
        src.add("E = {}" if forward else "E = A")
        src.add("S = L = {}  # skip rules come before any score")
        for question in pack.questions:
            i, qid, info = position[question.dimension], src.const(question.id), question_info(question)
            src.add("v = A.get(" + qid + ")")
            if question.show_if:
                src.add(f"if v is not None and not {condition_source(question.show_if, src)}:")
                src.add("if E is A: E = dict(A)" if not forward else "pass", 2)
                src.add(f"del E[{qid}]" if not forward else "pass", 2)
                src.add("elif v is not None:")
            else:
                src.add("if v is not None:")
            if forward:
                src.add(f"E[{qid}] = v", 2)
            src.add(f"if v == {NA!r}: x{i} += 1", 2)
            if question.type == "checklist":
                src.add(f"else: t{i} += len({src.const(info.countable)}.intersection(v)); "
                        f"c{i} += {len(info.countable)}; k{i} += 1", 2)
            elif question.type == "scale":
                src.add(f"else: s{i} += v / {SCALE_MAX}; n{i} += 1", 2)
            else:  # yes/no, single choice: depth from the option's value
                src.add(f"else: s{i} += {src.const(info.depth)}[v]; n{i} += 1", 2)
        for i, dim in enumerate(pack.dimensions):
            src.add_block(_DIMENSION_ENTRY.format(i=i, id=src.const(dim.id), title=src.const(dim.title),
                                                  optional=src.const(dim.optional)))
        n = len(pack.dimensions)
        src.add("S = {" + ", ".join(f"{src.const(d.id)}: v{i}" for i, d in enumerate(pack.dimensions)) + "}")
        src.add("L = {" + ", ".join(f"{src.const(d.id)}: level{i}" for i, d in enumerate(pack.dimensions)) + "}")
        core = [f"v{i}" for i, d in enumerate(pack.dimensions) if not d.optional]
        src.add(f"core = [v for v in ({', '.join(core)}{',' if len(core) == 1 else ''}) if v is not None]")
        src.add("dii = []")
        for item in pack.dii_items:
            src.add(f"if {condition_source(item.when, src)}: dii.append({src.const(item.id)})")
        src.add(f"return E, [{', '.join(f'd{i}' for i in range(n))}], S, L, core, dii")
        return src.function("score_pass", "P, A", f"<pack {pack.id} scoring>")

    def level(self, value: float):
        """The level of a score rounded to one decimal (``pack.level_for``, by table)."""
        tenths = round(value * 10)
        if 0 <= tenths <= 1000 and tenths / 10 == value:
            return self.level_by_tenths[tenths]
        return self.level_for(value)


def _compiled_scoring(pack: Pack) -> _CompiledScoring:
    cached = pack._index.get("scoring")
    if cached is None:
        cached = pack._index["scoring"] = _CompiledScoring(pack)
    return cached


def score(pack: Pack, profile: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """Per-dimension and overall scores, levels and the DII count of normalised answers."""
    compiled_scoring = _compiled_scoring(pack)
    effective, dimensions, scores, levels, answered, dii_items = compiled_scoring.pass_(profile, answers)
    if answered:
        mean = sum(answered) / len(answered)
        tenths_x = mean * 10  # round(mean, 1) as the dimension entries do it (see there)
        tenths = round(tenths_x)
        overall = tenths / 10 if -0.4999 < tenths_x - tenths < 0.4999 else round(mean, 1)
        level = compiled_scoring.level(overall)
        overall_entry = {"score": overall, "level": level.id, "level_title": level.title,
                         "level_description": level.description, "next_steps": level.next_steps,
                         "dimensions_answered": len(answered)}
    else:
        overall_entry = {"score": None, "level": None, "level_title": None, "level_description": None,
                         "next_steps": None, "dimensions_answered": 0}
    count = len(dii_items)
    return {
        "dimensions": dimensions,
        "overall": overall_entry,
        "dii": {"count": count, "of": compiled_scoring.dii_of, "band": compiled_scoring.dii_bands[count],
                "items": dii_items},
        "_context": Context(profile, effective, scores, levels),
    }


def dii_band(count: int) -> str:
    for low, high, band in DII_BANDS:
        if low <= count <= high:
            return band
    return "very_high"
