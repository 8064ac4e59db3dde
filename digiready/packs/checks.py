"""Checks across files that a JSON Schema cannot express: references between collections,
skip rules that point at unknown or later questions, level bands that leave gaps, surveys
without exactly one correct answer. Each finding names the file and line of the mistake."""
from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from digiready.packs.interface import check_document
from digiready.packs.loader import Entry, RawPack
from digiready.packs.yamlfile import PackIssue, display_name

YESNO = {"yes", "partly", "no", "na"}


def iter_leaves(cond: Any, path: tuple = ()) -> Iterator[tuple[dict, tuple]]:
    """Every leaf condition ({profile|question|dimension: ...}) with its path."""
    if not isinstance(cond, dict):
        return
    for key in ("all", "any"):
        if isinstance(cond.get(key), list):
            for n, sub in enumerate(cond[key]):
                yield from iter_leaves(sub, path + (key, n))
            return
    if "not" in cond:
        yield from iter_leaves(cond["not"], path + ("not",))
        return
    yield cond, path


def check(raw: RawPack) -> list[PackIssue]:
    issues: list[PackIssue] = []
    c = raw.collections
    ids = {key: {e.id for e in entries} for key, entries in c.items()}
    ids["modules"] = set(raw.modules)

    def ref(entry: Entry, collection: str, value: str, *sub, what: str) -> None:
        if value in ids.get(collection, ()):
            return
        where = raw.disabled.get(collection, {}).get(value)
        if where is not None:
            issues.append(PackIssue(where.file, where.line, where.column, where.path,
                                    f"'{value}' is disabled but {entry.doc.file}:{entry.doc.position(entry.path + tuple(sub))[0]} still uses it"))
        else:
            issues.append(entry.issue(f"'{value}' is not a known {what}", *sub))

    questions = {e.id: (n, e) for n, e in enumerate(c["questions"])}
    profile = {e.id: e for e in c["profile"]}
    levels = ids["levels"]

    def check_condition(entry: Entry, cond: Any, field: str, *, position: int | None,
                        allow_dimension: bool) -> None:
        for leaf, path in iter_leaves(cond):
            at = (field,) + path
            if "profile" in leaf:
                pq = profile.get(leaf["profile"])
                if pq is None:
                    issues.append(entry.issue(f"'{leaf['profile']}' is not a known profile question", *at, "profile"))
                    continue
                options = {o.get("id") for o in pq.data.get("options") or []}
                values = leaf.get("in", [leaf.get("equals")])
                for value in values:
                    if options and value not in options:
                        issues.append(entry.issue(f"'{value}' is not an option of profile question '{pq.id}'", *at))
            elif "question" in leaf:
                qid = leaf["question"]
                if qid not in questions:
                    issues.append(entry.issue(f"'{qid}' is not a known question", *at, "question"))
                    continue
                n, target = questions[qid]
                if position is not None and n >= position:
                    issues.append(entry.issue(f"skip rule refers to '{qid}', which is not asked before this question", *at, "question"))
                _check_question_leaf(entry, leaf, target, at, issues)
            elif "dimension" in leaf:
                if not allow_dimension:
                    issues.append(entry.issue("dimension conditions are allowed only in recommendation rules", *at))
                    continue
                if leaf["dimension"] not in ids["dimensions"]:
                    issues.append(entry.issue(f"'{leaf['dimension']}' is not a known dimension", *at, "dimension"))
                for n, level in enumerate(leaf.get("level_in") or []):
                    if level not in levels:
                        issues.append(entry.issue(f"'{level}' is not a known level", *at, "level_in", n))

    for n, entry in enumerate(c["questions"]):
        if entry.data.get("dimension") and entry.data["dimension"] not in ids["dimensions"]:
            ref(entry, "dimensions", entry.data["dimension"], "dimension", what="dimension")
        _check_options(entry, issues)
        if entry.data.get("type") == "single":
            for k, option in enumerate(entry.data.get("options") or []):
                if "score" not in option:
                    issues.append(entry.issue("single-choice options need a score from 0 to 1", "options", k))
        if "show_if" in entry.data:
            check_condition(entry, entry.data["show_if"], "show_if", position=n, allow_dimension=False)
    for entry in c["profile"]:
        _check_options(entry, issues)
        if "show_if" in entry.data:
            check_condition(entry, entry.data["show_if"], "show_if", position=0, allow_dimension=False)
    for entry in c["dii_items"]:
        check_condition(entry, entry.data.get("when"), "when", position=None, allow_dimension=False)
    for entry in c["rules"]:
        check_condition(entry, entry.data.get("when"), "when", position=None, allow_dimension=True)
        variant_ids: set[str] = set()
        for k, variant in enumerate(entry.data.get("variants") or []):
            if variant.get("id") in variant_ids:
                issues.append(entry.issue(f"duplicate variant id '{variant.get('id')}'", "variants", k, "id"))
            variant_ids.add(variant.get("id"))
            check_condition(entry, variant.get("when"), "variants", position=None, allow_dimension=True)
        for k, module in enumerate(entry.data.get("modules") or []):
            ref(entry, "modules", module, "modules", k, what="module")
        for k, category in enumerate(entry.data.get("tool_categories") or []):
            ref(entry, "tool_categories", category, "tool_categories", k, what="tool category")
    for entry in c["tools"]:
        ref(entry, "tool_categories", entry.data.get("category"), "category", what="tool category")
    for entry in c["tool_categories"]:
        issues.extend(_check_needs(entry))
    for module in raw.modules.values():
        entry = module.entry
        if entry.data.get("dimension"):
            ref(entry, "dimensions", entry.data["dimension"], "dimension", what="dimension")
        if raw.manifest is not None and "needs" not in entry.data and not entry.data.get("replace"):
            issues.append(entry.issue("declares no 'needs': ranking treats it as usable by any "
                                      "business (docs/content-pack-format.md)", severity="warning"))
        for field in ("script", "captions"):
            name = entry.data.get(field)
            if name and not (module.folder / name).is_file():
                issues.append(entry.issue(f"file '{name}' not found in {display_name(module.folder)}", field))
        for k, kc in enumerate((entry.data.get("survey") or {}).get("knowledge_check") or []):
            correct = sum(1 for o in kc.get("options") or [] if o.get("correct") is True)
            if correct != 1:
                issues.append(entry.issue(f"knowledge-check question needs exactly one correct option, has {correct}",
                                          "survey", "knowledge_check", k))
    issues.extend(_check_levels(c["levels"]))
    if raw.manifest is not None:
        issues.extend(_check_retired(raw.manifest, {e.id: e for e in c["questions"]}))
    if raw.overlay is not None:
        for key in (raw.overlay.data or {}).get("priorities") or {}:
            if key not in ids["dimensions"]:
                issues.append(raw.overlay.issue(("priorities", key), f"'{key}' is not a known dimension"))
    for entry in c["tools"] + c["programmes"]:
        issues.extend(_check_fact(entry.data, lambda msg, *sub, e=entry: e.issue(msg, *sub)))
    if raw.overlay is not None:
        for n, law in enumerate((raw.overlay.data or {}).get("legislation") or []):
            if isinstance(law, dict):
                issues.extend(_check_fact(law, lambda msg, *sub, n=n: raw.overlay.issue(("legislation", n) + sub, msg)))
    issues.extend(_check_translation_ids(raw, ids))
    issues.extend(_check_interface(raw))
    if raw.manifest is not None and len(c["dii_items"]) not in (0, 12):
        issues.append(PackIssue(display_name(raw.base_dir / "dii.yaml"), 1, 1, "dii_items",
                                f"the Digital Intensity Index has 12 items; this pack has {len(c['dii_items'])}",
                                "warning"))
    return issues


def _check_needs(entry: Entry) -> list[PackIssue]:
    """A category's older flags must agree with its ``needs`` (the ranking reads ``needs``;
    pages still show ``basic_phone`` and ``offline``), so the two can never tell a learner
    different things."""
    issues = []
    data, needs = entry.data, entry.data.get("needs")
    if not isinstance(needs, dict):
        return [entry.issue("declares no 'needs': ranking treats it as usable by any business "
                            "(docs/content-pack-format.md)", severity="warning")]
    device, connectivity = needs.get("device"), needs.get("connectivity")
    if "basic_phone" in data and device is not None:
        if data["basic_phone"] is True and device in ("smartphone", "computer"):
            issues.append(entry.issue(f"basic_phone: true, but needs.device is '{device}'", "basic_phone"))
        if data["basic_phone"] is False and device in ("none", "basic_phone"):
            issues.append(entry.issue(f"basic_phone: false, but needs.device is '{device}'", "basic_phone"))
    if data.get("offline") == "yes" and connectivity not in (None, "none"):
        issues.append(entry.issue(f"offline: yes, but needs.connectivity is '{connectivity}'", "offline"))
    if data.get("offline") == "no" and connectivity == "none":
        issues.append(entry.issue("offline: no, but needs.connectivity is 'none'", "offline"))
    return issues


def _check_fact(data: dict, issue) -> list[PackIssue]:
    """A tool, programme or law: ``checked`` is a real date, not in the future, and a fact marked
    ``verified: true`` says when it was checked (facts change: learners and reports rely on it)."""
    checked = data.get("checked")
    if checked is None:
        if data.get("verified") is True:
            return [issue("verified: true needs the date the facts were checked at the source "
                          "(checked: YYYY-MM-DD); set verified: false if nobody has checked them")]
        return []
    try:
        day = datetime.date.fromisoformat(str(checked))
    except ValueError:
        return [issue(f"'{checked}' is not a date (YYYY-MM-DD)", "checked")]
    # A day ahead of UTC is still today somewhere (UTC+14): no false alarm for a team east of here.
    if day > datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=1):
        return [issue(f"'{checked}' is in the future; give the day the source was read", "checked")]
    return []


def _check_options(entry: Entry, issues: list[PackIssue]) -> None:
    seen: set[str] = set()
    for k, option in enumerate(entry.data.get("options") or []):
        if option.get("id") in seen:
            issues.append(entry.issue(f"duplicate option id '{option.get('id')}'", "options", k, "id"))
        seen.add(option.get("id"))
        if option.get("id") == "na":
            issues.append(entry.issue("'na' is reserved for 'not applicable': use allow_na", "options", k, "id"))


def _check_question_leaf(entry: Entry, leaf: dict, target: Entry, at: tuple, issues: list[PackIssue]) -> None:
    qtype = target.data.get("type")
    options = {o.get("id") for o in target.data.get("options") or []}
    for op in ("includes", "excludes"):
        if op in leaf:
            if qtype != "checklist":
                issues.append(entry.issue(f"'{op}' applies to checklist questions; '{target.id}' is {qtype}", *at, op))
            elif leaf[op] not in options:
                issues.append(entry.issue(f"'{leaf[op]}' is not an option of '{target.id}'", *at, op))
    for op in ("min", "max"):
        if op in leaf and qtype != "scale":
            issues.append(entry.issue(f"'{op}' applies to scale questions; '{target.id}' is {qtype}", *at, op))
    values = leaf["in"] if "in" in leaf else ([leaf["equals"]] if "equals" in leaf else [])
    allowed = YESNO if qtype == "yesno" else (options | {"na"}) if qtype == "single" else None
    if qtype == "scale":
        allowed = set(range(6)) | {"na"}
    if qtype == "checklist" and values:
        issues.append(entry.issue(f"use includes/excludes for checklist question '{target.id}'", *at))
        return
    for value in values:
        if allowed is not None and value not in allowed:
            issues.append(entry.issue(f"{value!r} is not a possible answer of '{target.id}'", *at))


def _check_retired(manifest, questions: dict[str, Entry]) -> list[PackIssue]:
    """A retired question or option must really be gone, and a mapped answer must be one the
    replacing question accepts (else old attempts would fail on it)."""
    issues: list[PackIssue] = []
    retired = (manifest.data or {}).get("retired") or {}
    for n, item in enumerate(retired.get("questions") or []):
        at = ("retired", "questions", n)
        if item.get("id") in questions:
            issues.append(manifest.issue(at + ("id",), f"'{item['id']}' is retired but is still a question"))
        became = item.get("became")
        if became is None:
            continue
        target = questions.get(became)
        if target is None:
            issues.append(manifest.issue(at + ("became",), f"'{became}' is not a known question"))
            continue
        options = {o.get("id") for o in target.data.get("options") or []}
        qtype = target.data.get("type")
        for old, new in (item.get("map") or {}).items():
            values = new if isinstance(new, list) else [new]
            if new == "na":
                ok = bool(target.data.get("allow_na"))
            elif isinstance(new, list) != (qtype == "checklist"):
                ok = False
            elif qtype in ("checklist", "single"):
                ok = all(v in options for v in values)
            elif qtype == "yesno":
                ok = new in YESNO
            else:
                ok = isinstance(new, int) and 0 <= new <= 5 or new == "na"
            if not ok:
                issues.append(manifest.issue(at + ("map", old), f"{new!r} is not an answer of '{became}' ({qtype})"))
    for n, item in enumerate(retired.get("options") or []):
        at = ("retired", "options", n)
        target = questions.get(item.get("question"))
        if target is None:
            issues.append(manifest.issue(at + ("question",), f"'{item.get('question')}' is not a known question"))
        elif any(o.get("id") == item.get("id") for o in target.data.get("options") or []):
            issues.append(manifest.issue(at + ("id",), f"option '{item['id']}' is retired but '{target.id}' still offers it"))
    return issues


def _check_levels(entries: list[Entry]) -> list[PackIssue]:
    issues = []
    bands = sorted(entries, key=lambda e: e.data.get("min", 0))
    expected = 0
    for entry in bands:
        low, high = entry.data.get("min"), entry.data.get("max")
        if low is None or high is None:
            continue
        if low >= high:
            issues.append(entry.issue(f"min {low} must be below max {high}", "min"))
        if low != expected:
            issues.append(entry.issue(f"levels must cover 0-100 without gaps or overlaps: expected min {expected}", "min"))
        expected = high
    if bands and expected != 100:
        issues.append(bands[-1].issue("the last level must end at 100", "max"))
    return issues


def _check_translation_ids(raw: RawPack, ids: dict[str, set[str]]) -> list[PackIssue]:
    issues = []
    legislation = {item.get("id") for item in ((raw.overlay.data or {}).get("legislation") or [])} if raw.overlay else set()
    known = dict(ids, legislation=legislation)
    for docs in raw.translations.values():
        for doc in docs:
            for collection, items in (doc.data or {}).items():
                if collection == "pack" or not isinstance(items, dict):
                    continue
                for item_id in items:
                    if item_id not in known.get(collection, set()):
                        issues.append(doc.issue((collection, item_id), f"no {collection} item '{item_id}' to translate"))
    return issues


def _check_interface(raw: RawPack) -> list[PackIssue]:
    """Interface files: placeholders, plural forms and duplicates (digiready.packs.interface),
    and a language learners cannot choose (the file is then never used)."""
    issues = []
    languages = (raw.overlay.data or {}).get("languages") or [] if raw.overlay else []
    for language, doc in raw.interface.items():
        issues.extend(check_document(doc))
        if language not in languages:
            issues.append(doc.issue((), f"'{language}' is not one of the overlay's languages "
                                        f"({', '.join(map(str, languages))}): learners never see "
                                        "these words", "warning"))
    return issues


def module_file(folder: Path, name: str, language: str) -> Path:
    """``script.md`` in language ``es`` is ``script.es.md``."""
    stem, dot, suffix = name.rpartition(".")
    return folder / (f"{stem}.{language}.{suffix}" if dot else f"{name}.{language}")
