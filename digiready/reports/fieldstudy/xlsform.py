"""Pack → XLSForm (survey, choices, settings sheets), valid for pyxform, KoboToolbox and ODK.

- profile questions and scored questions keep their pack ids as field names, inside one
  group per dimension (``profile``, ``connectivity``...), so a tablet shows one topic at a time;
- checklists become ``select_multiple`` with a constraint for "none of these" options;
- 0-5 adoption scales and yes/partly/no become ``select_one`` lists with the pack's labels;
- skip rules (``show_if``) become ``relevant`` expressions. Conditions on scores, which only
  exist after scoring, cannot be evaluated on a tablet: such questions are always shown, and
  the engine ignores the answer when the rule hides the question.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from digiready.packs.model import NA, SCALE_MAX, Pack, Question

SURVEY_COLUMNS = ["type", "name", "label", "hint", "required", "relevant", "constraint",
                  "constraint_message", "appearance", "default"]
NA_LABEL = "Not applicable"
YESNO_LABELS = {"yes": "Yes", "partly": "Partly", "no": "No"}


def _quote(value: Any) -> str:
    return "'" + str(value).replace("'", "") + "'"


def relevant_expression(cond: dict[str, Any] | None, pack: Pack) -> str | None:
    """The XPath of a pack condition, or None when a tablet cannot evaluate it."""
    if not cond:
        return None
    if "all" in cond or "any" in cond:
        parts = [relevant_expression(c, pack) for c in cond.get("all", cond.get("any", []))]
        if any(p is None for p in parts):
            return None
        joiner = " and " if "all" in cond else " or "
        return "(" + joiner.join(parts) + ")"  # type: ignore[arg-type]
    if "not" in cond:
        inner = relevant_expression(cond["not"], pack)
        return None if inner is None else f"not({inner})"
    if "dimension" in cond:
        return None
    ref = "${" + (cond.get("question") or cond.get("profile")) + "}"
    if "includes" in cond:
        return f"selected({ref}, {_quote(cond['includes'])})"
    if "excludes" in cond:
        return f"({ref} != '' and not(selected({ref}, {_quote(cond['excludes'])})))"
    if "min" in cond:
        return f"({ref} != '' and {ref} != '{NA}' and number({ref}) >= {cond['min']})"
    if "max" in cond:
        return f"({ref} != '' and {ref} != '{NA}' and number({ref}) <= {cond['max']})"
    if "in" in cond:
        return "(" + " or ".join(f"{ref} = {_quote(v)}" for v in cond["in"]) + ")"
    if "equals" in cond:
        return f"{ref} = {_quote(cond['equals'])}"
    return None


def _list_name(q: Question) -> str:
    if q.type == "scale":
        return "scale_na" if q.allow_na else "scale"
    if q.type == "yesno":
        return "yesno_na" if q.allow_na else "yesno"
    return f"q_{q.id}"


def build_xlsform(pack: Pack) -> dict[str, list[dict[str, Any]]]:
    """The XLSForm as sheets of rows (what pyxform also accepts as a dict)."""
    survey: list[dict[str, Any]] = [{"type": "start", "name": "start"},
                                    {"type": "end", "name": "end"}]
    choices: list[dict[str, Any]] = []
    ids = [p.id for p in pack.profile] + [q.id for q in pack.questions]
    clash = {i for i in ids if ids.count(i) > 1}
    if clash:
        raise ValueError(f"profile and question ids must differ for a form: {sorted(clash)}")
    group_names = {"profile"} | {d.id for d in pack.dimensions}
    bad = [i for i in ids if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", i) or i in group_names]
    if bad:
        raise ValueError(f"ids not usable as XLSForm names: {bad}")

    survey.append({"type": "begin_group", "name": "profile", "label": "Business profile",
                   "appearance": "field-list"})
    for pq in pack.profile:
        row: dict[str, Any] = {"name": pq.id, "label": pq.text, "hint": pq.help or "",
                               "required": "yes" if pq.required else ""}
        if pq.type == "text":
            row["type"] = "text"
        else:
            row["type"] = f"select_one p_{pq.id}"
            choices.extend({"list_name": f"p_{pq.id}", "name": o.id, "label": o.label}
                           for o in pq.options)
        if pq.id == "economy" and pack.economy in {o.id for o in pq.options}:
            row["default"] = pack.economy  # the overlay's economy, changeable on the tablet
        if pq.show_if and (expr := relevant_expression(pq.show_if, pack)):
            row["relevant"] = expr
        survey.append(row)
    survey.append({"type": "end_group", "name": ""})

    for value, label in sorted(pack.scale_labels.items()):
        for list_name in ("scale", "scale_na"):
            choices.append({"list_name": list_name, "name": str(value),
                            "label": f"{value} – {label}"})
    if not pack.scale_labels:
        for value in range(SCALE_MAX + 1):
            for list_name in ("scale", "scale_na"):
                choices.append({"list_name": list_name, "name": str(value), "label": str(value)})
    for value, label in YESNO_LABELS.items():
        for list_name in ("yesno", "yesno_na"):
            choices.append({"list_name": list_name, "name": value, "label": label})
    for list_name in ("scale_na", "yesno_na"):
        choices.append({"list_name": list_name, "name": NA, "label": NA_LABEL})

    for dim in pack.dimensions:
        questions = [q for q in pack.questions if q.dimension == dim.id]
        if not questions:
            continue
        survey.append({"type": "begin_group", "name": dim.id, "label": dim.title})
        for q in questions:
            row = {"name": q.id, "label": q.text, "hint": q.help or "",
                   "required": "yes" if q.required else ""}
            if q.type in ("checklist", "single"):
                kind = "select_multiple" if q.type == "checklist" else "select_one"
                row["type"] = f"{kind} {_list_name(q)}"
                choices.extend({"list_name": _list_name(q), "name": o.id, "label": o.label}
                               for o in q.options)
                if q.allow_na:
                    choices.append({"list_name": _list_name(q), "name": NA, "label": NA_LABEL})
                exclusive = [o.id for o in q.options if o.exclusive]
                if q.type == "checklist" and exclusive:
                    row["constraint"] = " and ".join(
                        f"not(selected(., {_quote(x)}) and count-selected(.) > 1)"
                        for x in exclusive)
                    row["constraint_message"] = "'None of these' cannot be ticked with others."
            else:
                row["type"] = f"select_one {_list_name(q)}"
            if q.show_if and (expr := relevant_expression(q.show_if, pack)):
                row["relevant"] = expr
            survey.append(row)
        survey.append({"type": "end_group", "name": ""})

    form_id = re.sub(r"[^A-Za-z0-9_]", "_", f"digiready_{pack.id}_{pack.economy or 'base'}")
    version = re.sub(r"[^0-9A-Za-z._-]", "_", pack.version)
    settings = [{"form_title": f"{pack.title} ({pack.economy_name or 'base'})",
                 "form_id": form_id, "version": version,
                 "default_language": pack.language}]
    return {"survey": survey, "choices": choices, "settings": settings}


def write_xlsform(pack: Pack, path: Path) -> Path:
    from openpyxl import Workbook

    from digiready.spreadsheet import xlsx_append

    sheets = build_xlsform(pack)
    wb = Workbook()
    wb.remove(wb.active)
    columns = {"survey": SURVEY_COLUMNS, "choices": ["list_name", "name", "label"],
               "settings": ["form_title", "form_id", "version", "default_language"]}
    for name in ("survey", "choices", "settings"):
        ws = wb.create_sheet(name)
        xlsx_append(ws, columns[name])
        for row in sheets[name]:
            xlsx_append(ws, [row.get(c, "") for c in columns[name]])  # labels stay text
    wb.save(str(path))
    return path
