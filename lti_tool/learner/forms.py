"""From pack questions to form fields and back: what each step shows and how a posted step
becomes answers for :func:`digiready.attempts.save_answers`. Field names are the question
ids prefixed (``q-``, ``p-``) so a question id can never collide with ``launch`` or
``csrf_token``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from digiready.packs.model import NA, YESNO_VALUES, Pack, ProfileQuestion, Question

NA_FIELD = "__na__"


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    help: str | None = None


@dataclass
class Field:
    name: str
    id: str
    kind: str  # radio | checkbox | text
    label: str
    help: str | None
    example: str | None
    required: bool
    choices: list[Choice] = field(default_factory=list)
    value: str = ""
    error: str | None = None


def _yesno_labels() -> dict[str, str]:
    return {"yes": _("Yes"), "partly": _("Partly"), "no": _("No")}


def profile_field(pq: ProfileQuestion, current: Any) -> Field:
    name = "p-" + pq.id
    if pq.type == "text":
        return Field(name, name, "text", pq.text, pq.help, pq.example, pq.required,
                     value=str(current or ""))
    return Field(name, name, "radio", pq.text, pq.help, pq.example, pq.required,
                 [Choice(o.id, o.label, current == o.id, o.help) for o in pq.options])


def question_field(pack: Pack, q: Question, current: Any) -> Field:
    name = "q-" + q.id
    na = [Choice(NA if q.type != "checklist" else NA_FIELD, _("Not applicable"), current == NA)] \
        if q.allow_na else []
    if q.type == "checklist":
        chosen = set(current) if isinstance(current, list) else set()
        choices = [Choice(o.id, o.label, o.id in chosen, o.help) for o in q.options]
        return Field(name, name, "checkbox", q.text, q.help, q.example, q.required, choices + na)
    if q.type == "scale":
        labels = pack.scale_labels_for(q) or {}
        choices = [Choice(str(n), f"{n} – {labels.get(n, '')}".rstrip(" –"), current == n)
                   for n in range(0, 6)]
    elif q.type == "yesno":
        choices = [Choice(v, label, current == v) for v, label in _yesno_labels().items()]
    else:
        choices = [Choice(o.id, o.label, current == o.id, o.help) for o in q.options]
    return Field(name, name, "radio", q.text, q.help, q.example, q.required, choices + na)


def parse_profile(pack: Pack, form: MultiDict) -> dict[str, Any]:
    """Profile answers posted (absent fields are left out: nothing is cleared)."""
    out: dict[str, Any] = {}
    for pq in pack.profile:
        value = form.get("p-" + pq.id)
        if value is not None and (value.strip() or pq.type != "text"):
            out[pq.id] = value
    return out


def parse_questions(questions: list[Question], form: MultiDict) -> dict[str, Any]:
    """Answers posted for this step. A checklist on the page with nothing ticked is an
    answer too ("none of these"); radios left alone are not answered."""
    out: dict[str, Any] = {}
    for q in questions:
        name = "q-" + q.id
        if q.type == "checklist":
            values = form.getlist(name)
            if NA_FIELD in values:
                out[q.id] = NA
            elif name + "-shown" in form:
                out[q.id] = values
        else:
            value = form.get(name)
            if value is not None:
                out[q.id] = value
    return out


def yesno_values() -> tuple[str, ...]:
    return tuple(YESNO_VALUES)
