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
# The form's own words (not the pack's), in the languages the field studies use. A language
# missing here gets English for these few strings; the pack's questions are translated by
# its overlay.
FORM_STRINGS = {
    "en": {
        "profile": "Business profile", "na": "Not applicable", "yes": "Yes",
        "partly": "Partly", "no": "No",
        "exclusive": "'None of these' cannot be ticked with others.",
        "intro": "Consent and interview",
        "consent": "Read to the owner: this interview is about how your business uses digital "
                   "tools. It takes about 15 minutes. Your answers are anonymous, used only for "
                   "statistics, and you may stop at any time. Do you agree to answer?",
        "consent_hint": "If the answer is No, end the interview: nothing else is recorded.",
        "date": "Date of the interview",
    },
    "es": {
        "profile": "Perfil del negocio", "na": "No corresponde", "yes": "Sí",
        "partly": "En parte", "no": "No",
        "exclusive": "«Ninguno de estos» no se puede marcar junto con otras opciones.",
        "intro": "Consentimiento y entrevista",
        "consent": "Lea al propietario: esta entrevista trata de cómo su negocio usa "
                   "herramientas digitales. Dura unos 15 minutos. Sus respuestas son anónimas, "
                   "se usan solo con fines estadísticos y puede detenerse cuando quiera. "
                   "¿Acepta responder?",
        "consent_hint": "Si la respuesta es No, termine la entrevista: no se registra nada más.",
        "date": "Fecha de la entrevista",
    },
    "vi": {
        "profile": "Thông tin doanh nghiệp", "na": "Không áp dụng", "yes": "Có",
        "partly": "Một phần", "no": "Không",
        "exclusive": "Không thể chọn «Không có mục nào» cùng với các lựa chọn khác.",
        "intro": "Đồng ý tham gia và phỏng vấn",
        "consent": "Đọc cho chủ doanh nghiệp: cuộc phỏng vấn này hỏi về cách doanh nghiệp của "
                   "anh/chị sử dụng công cụ số. Mất khoảng 15 phút. Câu trả lời được ẩn danh, "
                   "chỉ dùng cho mục đích thống kê, và anh/chị có thể dừng bất cứ lúc nào. "
                   "Anh/chị có đồng ý trả lời không?",
        "consent_hint": "Nếu câu trả lời là Không, hãy kết thúc phỏng vấn: không ghi lại gì thêm.",
        "date": "Ngày phỏng vấn",
    },
}


def form_strings(language: str) -> dict[str, str]:
    return {**FORM_STRINGS["en"], **FORM_STRINGS.get(language.split("-")[0], {})}


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
    words = form_strings(pack.language)
    survey: list[dict[str, Any]] = [
        {"type": "start", "name": "start"}, {"type": "end", "name": "end"},
        {"type": "today", "name": "today"},
        {"type": "begin_group", "name": "intro", "label": words["intro"]},
        {"type": "select_one consent", "name": "consent", "label": words["consent"],
         "hint": words["consent_hint"], "required": "yes"},
        {"type": "date", "name": "interview_date", "label": words["date"], "required": "yes",
         "relevant": "${consent} = 'yes'", "default": "today()"},
        {"type": "end_group", "name": ""},
    ]
    choices: list[dict[str, Any]] = [
        {"list_name": "consent", "name": "yes", "label": words["yes"]},
        {"list_name": "consent", "name": "no", "label": words["no"]}]
    consented = "${consent} = 'yes'"
    ids = [p.id for p in pack.profile] + [q.id for q in pack.questions]
    clash = {i for i in ids if ids.count(i) > 1}
    if clash:
        raise ValueError(f"profile and question ids must differ for a form: {sorted(clash)}")
    group_names = {"profile"} | {d.id for d in pack.dimensions}
    bad = [i for i in ids if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", i) or i in group_names]
    if bad:
        raise ValueError(f"ids not usable as XLSForm names: {bad}")

    survey.append({"type": "begin_group", "name": "profile", "label": words["profile"],
                   "appearance": "field-list", "relevant": consented})
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
    for value in ("yes", "partly", "no"):
        for list_name in ("yesno", "yesno_na"):
            choices.append({"list_name": list_name, "name": value, "label": words[value]})
    for list_name in ("scale_na", "yesno_na"):
        choices.append({"list_name": list_name, "name": NA, "label": words["na"]})

    for dim in pack.dimensions:
        questions = [q for q in pack.questions if q.dimension == dim.id]
        if not questions:
            continue
        survey.append({"type": "begin_group", "name": dim.id, "label": dim.title,
                       "relevant": consented})
        for q in questions:
            row = {"name": q.id, "label": q.text, "hint": q.help or "",
                   "required": "yes" if q.required else ""}
            if q.type in ("checklist", "single"):
                kind = "select_multiple" if q.type == "checklist" else "select_one"
                row["type"] = f"{kind} {_list_name(q)}"
                choices.extend({"list_name": _list_name(q), "name": o.id, "label": o.label}
                               for o in q.options)
                if q.allow_na:
                    choices.append({"list_name": _list_name(q), "name": NA,
                                    "label": words["na"]})
                exclusive = [o.id for o in q.options if o.exclusive]
                if q.type == "checklist" and exclusive:
                    row["constraint"] = " and ".join(
                        f"not(selected(., {_quote(x)}) and count-selected(.) > 1)"
                        for x in exclusive)
                    row["constraint_message"] = words["exclusive"]
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
