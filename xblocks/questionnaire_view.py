"""The questionnaire as steps for the templates and the mobile apps' ``student_view_data``.

Skip rules, steps and progress all come from :mod:`digiready.diagnostic`; this module only
lays them out (which control, which options, which answer is ticked).
"""
from __future__ import annotations

from typing import Any

from digiready.diagnostic import progress, visible_questions
from digiready.packs.model import NA, SCALE_MAX, Pack
from xblocks.i18n import Translator


def N_(text: str) -> str:
    """Marks a msgid for extraction; translated where the option is shown."""
    return text


YESNO = (("yes", N_("Yes")), ("partly", N_("Partly")), ("no", N_("No")))


def shown_dimension_ids(pack: Pack, chosen: list[str] | None) -> list[str]:
    """The author's choice of dimensions, in pack order; all of them when none is chosen
    or when none of the chosen exists in this pack."""
    ids = [d.id for d in pack.dimensions]
    picked = [d for d in ids if chosen and d in chosen]
    return picked or ids


def profile_questions(pack: Pack) -> list:
    """The profile questions asked: the economy is not asked when an overlay fixes it."""
    return [p for p in pack.profile if not (p.id == "economy" and pack.economy)]


def learner_progress(pack: Pack, profile: dict, answers: dict, shown: list[str]) -> dict[str, Any]:
    """Core progress limited to the profile and the dimensions shown."""
    asked = {p.id for p in profile_questions(pack)}
    raw = progress(pack, profile, answers)
    steps = []
    for step in raw["steps"]:
        if step["id"] == "profile":
            ids = [q for q in step["questions"] if q in asked]
            step = dict(step, questions=ids, answered=sum(1 for q in ids if q in profile))
            step["complete"] = step["answered"] == len(ids)
        elif step["id"] not in shown:
            continue
        steps.append(step)
    total = sum(len(s["questions"]) for s in steps)
    done = sum(s["answered"] for s in steps)
    current = next((n for n, s in enumerate(steps) if not s["complete"]), len(steps) - 1)
    return {"answered": done, "total": total, "percent": round(100 * done / total) if total else 100,
            "steps": [{"id": s["id"], "answered": s["answered"], "total": len(s["questions"]),
                       "complete": s["complete"]} for s in steps],
            "current_step": current, "current_step_id": steps[current]["id"] if steps else None}


def missing_required(pack: Pack, profile: dict, answers: dict, shown: list[str]) -> list[tuple[str, str]]:
    """(id, text) of every required question still unanswered, in the order asked."""
    missing = [(p.id, p.text) for p in profile_questions(pack) if p.required and p.id not in profile]
    visible, effective = visible_questions(pack, profile, answers)
    missing += [(q.id, q.text) for q in visible
                if q.dimension in shown and q.required and q.id not in effective]
    return missing


def _options(question, value, _: Translator, scale_labels: dict[int, str]) -> list[dict[str, Any]]:
    if question.type == "scale":
        options = [{"id": str(n), "label": f"{n} - {scale_labels.get(n, '')}".rstrip(" -"), "help": None,
                    "checked": value == n, "exclusive": False} for n in range(SCALE_MAX + 1)]
    elif question.type == "yesno":
        options = [{"id": key, "label": _(label), "help": None, "checked": value == key, "exclusive": False}
                   for key, label in YESNO]
    elif question.type == "checklist":
        chosen = value if isinstance(value, list) else []
        options = [{"id": o.id, "label": o.label, "help": o.help, "checked": o.id in chosen,
                    "exclusive": o.exclusive} for o in question.options]
    else:
        options = [{"id": o.id, "label": o.label, "help": o.help, "checked": value == o.id, "exclusive": False}
                   for o in question.options]
    if question.allow_na:
        options.append({"id": NA, "label": _("Not applicable"), "help": None, "checked": value == NA,
                        "exclusive": True})
    return options


def steps_view(pack: Pack, profile: dict, answers: dict, shown: list[str], _: Translator) -> list[dict[str, Any]]:
    """Every step with its questions; questions hidden by a skip rule carry ``visible=False``
    (the page hides them and shows them again when an answer changes the rule)."""
    visible_ids = {q.id for q in visible_questions(pack, profile, answers)[0]}
    steps = [{
        "id": "profile", "title": _("About your business"),
        "description": _("These questions are not scored: they choose the questions that fit "
                         "your business and the businesses you are compared with."),
        "questions": [{
            "id": p.id, "kind": "profile", "type": "text" if p.type == "text" else "single",
            "text": p.text, "help": p.help, "example": p.example, "required": p.required,
            "visible": True, "value": profile.get(p.id, ""), "multiple": False,
            "options": [{"id": o.id, "label": o.label, "help": o.help, "checked": profile.get(p.id) == o.id,
                         "exclusive": False} for o in p.options],
        } for p in profile_questions(pack)],
    }]
    for dimension in pack.dimensions:
        if dimension.id not in shown:
            continue
        questions = [q for q in pack.questions if q.dimension == dimension.id]
        if not questions:
            continue
        steps.append({
            "id": dimension.id, "title": dimension.title, "description": dimension.description,
            "questions": [{
                "id": q.id, "kind": "question", "type": q.type, "text": q.text, "help": q.help,
                "example": q.example, "required": q.required, "visible": q.id in visible_ids,
                "multiple": q.type == "checklist", "value": "",
                "options": _options(q, answers.get(q.id), _, pack.scale_labels_for(q)),
            } for q in questions],
        })
    return steps
