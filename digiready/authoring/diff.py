"""Readable differences between two states of an overlay (two versions, or the draft and
the published version): what a reviewer reads before publishing.

Item by item and field by field ("Tool th_promptpay: url changed from ... to ..."), string by
string for translations, and line by line for long texts (scripts, captions), rather than a
diff of YAML text that a non-programmer cannot read.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from digiready.authoring.content import OverlayContent

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass
class Change:
    what: str  # added | removed | changed
    key: str  # item key, or "translations/<lang>/<unit>"
    field: str = ""  # the field inside the item that changed ("" = the whole item)
    before: str = ""
    after: str = ""
    lines: list[str] = dataclass_field(default_factory=list)  # unified diff of a long text

    @property
    def area(self) -> str:
        return self.key.split("/", 1)[0]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=False)


def _long(before: str, after: str) -> list[str]:
    return list(difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after",
                                     lineterm="", n=1))[2:]


def diff(old: OverlayContent, new: OverlayContent) -> list[Change]:
    changes: list[Change] = []
    before = {i.key: i for i in old.items}
    after = {i.key: i for i in new.items}
    for key, item in after.items():
        if key not in before:
            changes.append(Change(ADDED, key, after=_text(item.data)))
            continue
        changes.extend(_item_changes(key, before[key].data, item.data))
        if before[key].note != item.note:
            changes.append(Change(CHANGED, key, "note", before[key].note, item.note))
    for key, item in before.items():
        if key not in after:
            changes.append(Change(REMOVED, key, before=_text(item.data)))
    languages = sorted(set(old.translations) | set(new.translations))
    for language in languages:
        was, now = old.translations.get(language, {}), new.translations.get(language, {})
        for unit in sorted(set(was) | set(now)):
            a, b = was.get(unit), now.get(unit)
            if a == b:
                continue
            key = f"translations/{language}/{unit}"
            what = ADDED if a is None else REMOVED if b is None else CHANGED
            long = unit.endswith((".script", ".captions"))
            changes.append(Change(what, key, before="" if long else (a or ""),
                                  after="" if long else (b or ""),
                                  lines=_long(a or "", b or "") if long else []))
    return changes


def _item_changes(key: str, a: Any, b: Any) -> list[Change]:
    if a == b:
        return []
    if isinstance(a, dict) and isinstance(b, dict):
        if "text" in a and "text" in b and set(a) == set(b) == {"text"}:  # a text file
            return [Change(CHANGED, key, "text", lines=_long(a["text"], b["text"]))]
        out = []
        for name in list(b) + [n for n in a if n not in b]:
            if a.get(name) != b.get(name):
                what = ADDED if name not in a else REMOVED if name not in b else CHANGED
                out.append(Change(what if what != ADDED else CHANGED, key, name,
                                  _text(a.get(name)), _text(b.get(name))))
        return out
    return [Change(CHANGED, key, "", _text(a), _text(b))]


def summary(changes: list[Change]) -> dict[str, int]:
    counts = {ADDED: 0, REMOVED: 0, CHANGED: 0}
    for change in changes:
        counts[change.what] += 1
    return counts
