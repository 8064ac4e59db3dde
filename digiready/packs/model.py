"""The typed, read-only view of a merged and localised content pack.

Everything here is immutable and plain, so a pack can be cached per (path, economy, language)
and shared by every request and every worker thread.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Condition = dict[str, Any]

# "Not applicable": the question leaves the denominator of its dimension.
NA = "na"
YESNO_VALUES = {"yes": 1.0, "partly": 0.5, "no": 0.0}
SCALE_MAX = 5


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str
    score: float | None = None
    counts: bool = True
    exclusive: bool = False
    peer_group: str | None = None
    help: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    dimension: str
    type: str  # checklist | scale | yesno | single
    text: str
    help: str | None
    example: str | None
    required: bool
    allow_na: bool
    show_if: Condition | None
    options: tuple[Option, ...] = ()
    index: int = 0
    # scale questions: labels of 0-5 that fit this question (else the pack's scale_labels)
    scale_labels: dict[int, str] | None = None

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def allowed_values(self) -> list[Any]:
        """What an answer file may hold for this question (for ``pack show --json``)."""
        if self.type == "checklist":
            values: list[Any] = [o.id for o in self.options]  # a list of these
        elif self.type == "single":
            values = [o.id for o in self.options]
        elif self.type == "scale":
            values = list(range(SCALE_MAX + 1))
        else:
            values = list(YESNO_VALUES)
        return values + ([NA] if self.allow_na else [])


@dataclass(frozen=True, slots=True)
class ProfileQuestion:
    id: str
    type: str  # single | text
    text: str
    help: str | None
    example: str | None
    required: bool
    show_if: Condition | None
    options: tuple[Option, ...] = ()


@dataclass(frozen=True, slots=True)
class Dimension:
    id: str
    title: str
    description: str | None
    optional: bool


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    min: float
    max: float
    title: str
    description: str
    next_steps: str | None


@dataclass(frozen=True, slots=True)
class DiiItem:
    id: str
    label: str
    when: Condition


@dataclass(frozen=True, slots=True)
class Needs:
    """What a business needs to use a tool or follow a module (``needs`` in the pack); None
    asks for nothing. Orders of the values: :data:`NEED_ORDERS`."""
    device: str | None = None
    connectivity: str | None = None
    literacy: str | None = None
    cost: str | None = None
    languages: tuple[str, ...] = ()

    @classmethod
    def of(cls, data: dict[str, Any] | None, base: Needs | None = None) -> Needs:
        """``data`` (a pack's ``needs`` mapping) over ``base`` (a tool over its category)."""
        data = data or {}
        base = base or NO_NEEDS
        return cls(data.get("device", base.device), data.get("connectivity", base.connectivity),
                   data.get("literacy", base.literacy), data.get("cost", base.cost),
                   tuple(data.get("languages") or base.languages))


NO_NEEDS = Needs()
# Each need's values from least to most demanding (the schema's enums, in this order).
NEED_ORDERS: dict[str, tuple[str, ...]] = {
    "device": ("none", "basic_phone", "smartphone", "computer"),
    "connectivity": ("none", "occasional", "daily", "broadband"),
    "literacy": ("basic", "reading", "confident"),
    "cost": ("free", "low", "medium", "high"),
}


@dataclass(frozen=True, slots=True)
class RuleVariant:
    id: str
    when: Condition
    reason: str


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: Condition
    reason: str
    priority: int
    modules: tuple[str, ...]
    tool_categories: tuple[str, ...]
    programme_topics: tuple[str, ...]
    dimension: str | None  # the dimension whose gap weighs this rule
    # wordings that fit particular answers; the first whose condition holds is shown
    variants: tuple[RuleVariant, ...] = ()


@dataclass(frozen=True, slots=True)
class ToolCategory:
    id: str
    title: str
    solves: str
    cost: str | None
    basic_phone: bool | None
    offline: str | None
    skills: str | None
    needs: Needs = NO_NEEDS


@dataclass(frozen=True, slots=True)
class Tool:
    id: str
    category: str
    name: str
    url: str | None
    description: str | None
    source: str | None
    verified: bool
    needs: Needs = NO_NEEDS  # the category's needs with the tool's own over them


@dataclass(frozen=True, slots=True)
class Programme:
    id: str
    name: str
    organisation: str | None
    url: str | None
    topics: tuple[str, ...]
    description: str | None
    source: str | None
    verified: bool


@dataclass(frozen=True, slots=True)
class Module:
    id: str
    title: str
    dimension: str | None
    duration_seconds: int
    objectives: tuple[str, ...]
    script: str  # the spoken script, which is also the transcript
    captions: str  # WebVTT text
    captions_language: str
    video: dict[str, str]
    survey: dict[str, Any]  # knowledge_check, usefulness, comment (localised)
    needs: Needs = NO_NEEDS  # what following the module's advice needs
    unlocks: tuple[str, ...] = ()  # needs the module helps a business meet (device, connectivity...)


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title: str
    language: str  # the language this view is localised to
    languages: tuple[str, ...]  # every language learners can choose
    source_language: str
    economy: str | None
    economy_name: str | None
    currency: str | None
    licence: str
    min_peer_group: int
    scale_labels: dict[int, str]
    dimensions: tuple[Dimension, ...]
    levels: tuple[Level, ...]
    profile: tuple[ProfileQuestion, ...]
    questions: tuple[Question, ...]
    dii_items: tuple[DiiItem, ...]
    rules: tuple[Rule, ...]
    tool_categories: dict[str, ToolCategory]
    tools: tuple[Tool, ...]
    programmes: tuple[Programme, ...]
    modules: dict[str, Module]
    priorities: dict[str, float]
    legislation: tuple[dict[str, Any], ...]
    translation_coverage: dict[str, float]
    warnings: tuple[str, ...] = ()
    # Answers saved under an earlier pack version (pack.yaml ``retired``): question id ->
    # {"became": id or None, "map": {old answer: new answer}}, and question id -> option ids.
    retired_questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    retired_options: dict[str, frozenset[str]] = field(default_factory=dict)
    # The words of the pages in this view's language when the overlay has them
    # (interface/<lang>.yaml; digiready.packs.interface.InterfaceStrings).
    interface: Any = None
    _index: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index["questions"] = {q.id: q for q in self.questions}
        self._index["profile"] = {p.id: p for p in self.profile}
        self._index["dimensions"] = {d.id: d for d in self.dimensions}

    def question(self, question_id: str) -> Question | None:
        return self._index["questions"].get(question_id)

    def profile_question(self, profile_id: str) -> ProfileQuestion | None:
        return self._index["profile"].get(profile_id)

    def dimension(self, dimension_id: str) -> Dimension | None:
        return self._index["dimensions"].get(dimension_id)

    def level_for(self, score: float) -> Level:
        for level in self.levels:
            if level.min <= score < level.max:
                return level
        return self.levels[-1]

    def scale_labels_for(self, question: Question) -> dict[int, str]:
        """The labels of a scale question's answers 0-5: its own, else the pack's."""
        return question.scale_labels or self.scale_labels

    def tools_in(self, category_id: str) -> list[Tool]:
        return [t for t in self.tools if t.category == category_id]
