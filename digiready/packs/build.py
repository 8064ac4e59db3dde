"""Turn a checked :class:`RawPack` into a typed :class:`Pack` in one language, and measure
how much of each language is translated.

A string written inline is in its file's source language (the base pack's, or the overlay's
``source_language`` for items an overlay adds). Other languages come from
``translations/<lang>.yaml``; a missing or ``null`` entry falls back to the source text.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from digiready.packs.checks import iter_leaves, module_file
from digiready.packs.interface import strings_of
from digiready.packs.loader import Entry, ModuleEntry, RawPack
from digiready.packs.model import (
    DiiItem,
    Dimension,
    Level,
    Module,
    Needs,
    Option,
    Pack,
    ProfileQuestion,
    Programme,
    Question,
    Rule,
    RuleVariant,
    Tool,
    ToolCategory,
)

TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "dimensions": ("title", "description"),
    "levels": ("title", "description", "next_steps"),
    "profile": ("text", "help", "example"),
    "questions": ("text", "help", "example"),
    "dii_items": ("label",),
    "rules": ("reason",),
    "tool_categories": ("title", "solves", "skills"),
    "tools": ("description",),
    "programmes": ("name", "description"),
}

Key = tuple[str | int, ...]


def item_units(collection: str, data: dict) -> Iterator[tuple[Key, str]]:
    """Every translatable string of one item, as (key in the translation file, source text)."""
    for name in TEXT_FIELDS.get(collection, ()):
        if isinstance(data.get(name), str):
            yield (name,), data[name]
    if collection == "rules":
        for variant in data.get("variants") or []:
            yield ("variants", variant["id"], "reason"), variant["reason"]
    if collection in ("profile", "questions"):
        for option in data.get("options") or []:
            yield ("options", option["id"]), option["label"]
    if collection == "questions":
        for value, label in (data.get("scale_labels") or {}).items():
            yield ("scale_labels", str(value)), label


def module_units(data: dict) -> Iterator[tuple[Key, str]]:
    yield ("title",), data["title"]
    for n, objective in enumerate(data.get("objectives") or []):
        yield ("objectives", n), objective
    survey = data.get("survey") or {}
    for kc in survey.get("knowledge_check") or []:
        yield ("knowledge_check", kc["id"], "text"), kc["text"]
        for option in kc.get("options") or []:
            yield ("knowledge_check", kc["id"], "options", option["id"], "label"), option["label"]
            if option.get("feedback"):
                yield ("knowledge_check", kc["id"], "options", option["id"], "feedback"), option["feedback"]
    for name in ("usefulness", "comment"):
        if survey.get(name):
            yield (name,), survey[name]["text"]


def manifest_units(data: dict) -> Iterator[tuple[Key, str]]:
    if data.get("title"):
        yield ("title",), data["title"]
    for value, label in (data.get("scale_labels") or {}).items():
        yield ("scale_labels", str(value)), label


class Translator:
    """Looks strings up in the translation files of one language (overlay before base)."""

    def __init__(self, raw: RawPack, language: str) -> None:
        self.language = language
        self.docs = [d.data or {} for d in reversed(raw.translations.get(language, []))]

    def lookup(self, collection: str, item_id: str | None, key: Key) -> str | None:
        for data in self.docs:
            node: Any = data.get(collection)
            if item_id is not None:
                node = node.get(item_id) if isinstance(node, dict) else None
            for part in key:
                if isinstance(node, dict):
                    node = node.get(part, node.get(str(part)))
                elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                    node = node[part]
                else:
                    node = None
            if isinstance(node, str) and node.strip():
                return node
        return None

    def text(self, entry_language: str, collection: str, item_id: str | None, key: Key, source: Any) -> Any:
        if source is None or entry_language == self.language:
            return source
        return self.lookup(collection, item_id, key) or source


def _all_units(raw: RawPack):
    """(language written in, collection, id, key) of every translatable string."""
    if raw.manifest is not None:
        for key, _text in manifest_units(raw.manifest.data or {}):
            yield raw.source_language, "pack", None, key
    for collection, entries in raw.collections.items():
        for entry in entries:
            for key, _text in item_units(collection, entry.data):
                yield entry.language, collection, entry.id, key
    for module_id, module in raw.modules.items():
        for key, _text in module_units(module.entry.data):
            yield module.entry.language, "modules", module_id, key
    if raw.overlay is not None:
        for item in (raw.overlay.data or {}).get("legislation") or []:
            yield raw.overlay_language, "legislation", item["id"], ("text",)


def translation_coverage(raw: RawPack, languages: list[str]) -> dict[str, float]:
    """Percent of the strings and long texts (scripts, captions) a learner sees in each
    language that are translated; strings written in that language count as done."""
    units = list(_all_units(raw))
    coverage = {}
    for language in languages:
        translator = Translator(raw, language)
        needed = [(c, i, k) for lang, c, i, k in units if lang != language]
        done = sum(translator.lookup(c, i, k) is not None for c, i, k in needed)
        total = len(needed)
        for module in raw.modules.values():
            if module.entry.language != language:
                for name in ("script", "captions"):
                    total += 1
                    done += _module_path(module, module.entry.data[name], language) is not None
        coverage[language] = round(100.0 * done / total, 1) if total else 100.0
    return coverage


def _module_path(module: ModuleEntry, name: str, language: str) -> Path | None:
    for folder in (module.overlay_folder, module.folder):
        if folder is not None and module_file(folder, name, language).is_file():
            return module_file(folder, name, language)
    return None


def rule_dimension(when: dict, questions: dict[str, dict]) -> str | None:
    first_question = None
    for leaf, _path in iter_leaves(when):
        if "dimension" in leaf:
            return leaf["dimension"]
        if "question" in leaf and first_question is None:
            first_question = leaf["question"]
    if first_question in questions:
        return questions[first_question].get("dimension")
    return None


def pack_languages(raw: RawPack) -> tuple[list[str], str]:
    """(languages learners can choose, default language)."""
    manifest = (raw.manifest.data or {}) if raw.manifest else {}
    base_languages = list(manifest.get("languages") or [raw.source_language])
    if raw.overlay is None:
        return base_languages, raw.source_language
    overlay = raw.overlay.data or {}
    languages = list(overlay.get("languages") or [])
    default = overlay.get("default_language") or (languages[0] if languages else raw.source_language)
    return languages + [lang for lang in base_languages if lang not in languages], default


def build(raw: RawPack, language: str, coverage: dict[str, float], warnings: tuple[str, ...]) -> Pack:
    tr = Translator(raw, language)
    manifest = raw.manifest.data or {}
    overlay = (raw.overlay.data or {}) if raw.overlay else {}
    c = raw.collections

    def t(entry: Entry, collection: str, key: Key, source: Any) -> Any:
        return tr.text(entry.language, collection, entry.id, key, source)

    def options(entry: Entry, collection: str) -> tuple[Option, ...]:
        return tuple(
            Option(id=o["id"], label=t(entry, collection, ("options", o["id"]), o["label"]),
                   score=o.get("score"), counts=o.get("counts", True),
                   exclusive=o.get("exclusive", False), peer_group=o.get("peer_group"),
                   help=o.get("help"))
            for o in entry.data.get("options") or []
        )

    question_data = {e.id: e.data for e in c["questions"]}
    category_needs = {e.id: Needs.of(e.data.get("needs")) for e in c["tool_categories"]}
    settings = {**(manifest.get("settings") or {}), **(overlay.get("settings") or {})}
    languages, _default = pack_languages(raw)
    scale = {int(k): tr.text(raw.source_language, "pack", None, ("scale_labels", str(k)), v)
             for k, v in (manifest.get("scale_labels") or {}).items()}
    return Pack(
        id=manifest.get("id", ""),
        version=manifest.get("version", "0.0.0") + (f"+{overlay['economy']}.{overlay.get('version', '0')}" if overlay else ""),
        title=tr.text(raw.source_language, "pack", None, ("title",), manifest.get("title", "")),
        language=language,
        languages=tuple(languages),
        source_language=raw.source_language,
        economy=overlay.get("economy"),
        economy_name=overlay.get("name"),
        currency=overlay.get("currency") or settings.get("currency"),
        licence=manifest.get("licence", "CC-BY-4.0"),
        min_peer_group=int(settings.get("min_peer_group", 30)),
        scale_labels=scale or {i: str(i) for i in range(6)},
        dimensions=tuple(
            Dimension(e.id, t(e, "dimensions", ("title",), e.data["title"]),
                      t(e, "dimensions", ("description",), e.data.get("description")),
                      e.data.get("optional", False))
            for e in c["dimensions"]
        ),
        levels=tuple(
            Level(e.id, e.data["min"], e.data["max"], t(e, "levels", ("title",), e.data["title"]),
                  t(e, "levels", ("description",), e.data["description"]),
                  t(e, "levels", ("next_steps",), e.data.get("next_steps")))
            for e in sorted(c["levels"], key=lambda e: e.data["min"])
        ),
        profile=tuple(
            ProfileQuestion(e.id, e.data["type"], t(e, "profile", ("text",), e.data["text"]),
                            t(e, "profile", ("help",), e.data.get("help")),
                            t(e, "profile", ("example",), e.data.get("example")),
                            e.data.get("required", True), e.data.get("show_if"), options(e, "profile"))
            for e in c["profile"]
        ),
        questions=tuple(
            Question(e.id, e.data["dimension"], e.data["type"],
                     t(e, "questions", ("text",), e.data["text"]),
                     t(e, "questions", ("help",), e.data.get("help")),
                     t(e, "questions", ("example",), e.data.get("example")),
                     e.data.get("required", True), e.data.get("allow_na", False),
                     e.data.get("show_if"), options(e, "questions"), n,
                     {int(k): t(e, "questions", ("scale_labels", str(k)), v)
                      for k, v in e.data["scale_labels"].items()} if e.data.get("scale_labels") else None)
            for n, e in enumerate(c["questions"])
        ),
        dii_items=tuple(DiiItem(e.id, t(e, "dii_items", ("label",), e.data["label"]), e.data["when"])
                        for e in c["dii_items"]),
        rules=tuple(
            Rule(e.id, e.data["when"], t(e, "rules", ("reason",), e.data["reason"]),
                 e.data.get("priority", 3), tuple(e.data.get("modules") or ()),
                 tuple(e.data.get("tool_categories") or ()), tuple(e.data.get("programme_topics") or ()),
                 rule_dimension(e.data["when"], question_data),
                 tuple(RuleVariant(v["id"], v["when"], t(e, "rules", ("variants", v["id"], "reason"), v["reason"]))
                       for v in e.data.get("variants") or ()))
            for e in c["rules"]
        ),
        tool_categories={
            e.id: ToolCategory(e.id, t(e, "tool_categories", ("title",), e.data["title"]),
                               t(e, "tool_categories", ("solves",), e.data["solves"]),
                               e.data.get("cost"), e.data.get("basic_phone"), e.data.get("offline"),
                               t(e, "tool_categories", ("skills",), e.data.get("skills")),
                               Needs.of(e.data.get("needs")))
            for e in c["tool_categories"]
        },
        tools=tuple(
            Tool(e.id, e.data["category"], e.data["name"], e.data.get("url"),
                 t(e, "tools", ("description",), e.data.get("description")), e.data.get("source"),
                 e.data.get("verified", True),
                 Needs.of(e.data.get("needs"), category_needs.get(e.data["category"])))
            for e in c["tools"]
        ),
        programmes=tuple(
            Programme(e.id, t(e, "programmes", ("name",), e.data["name"]), e.data.get("organisation"),
                      e.data.get("url"), tuple(e.data.get("topics") or ()),
                      t(e, "programmes", ("description",), e.data.get("description")),
                      e.data.get("source"), e.data.get("verified", True))
            for e in c["programmes"]
        ),
        modules={mid: _module(m, tr) for mid, m in raw.modules.items()},
        priorities={k: float(v) for k, v in (overlay.get("priorities") or {}).items()},
        legislation=tuple(
            {**item, "text": tr.text(raw.overlay_language, "legislation", item["id"], ("text",), item["text"])}
            for item in overlay.get("legislation") or []
        ),
        translation_coverage=coverage,
        warnings=warnings,
        retired_questions={item["id"]: {"became": item.get("became"), "map": item.get("map") or {}}
                           for item in (manifest.get("retired") or {}).get("questions") or []},
        retired_options=_retired_options(manifest),
        interface=strings_of(raw.interface[language].data, language) if language in raw.interface
        else None,
    )


def _retired_options(manifest: dict) -> dict[str, frozenset[str]]:
    by_question: dict[str, set[str]] = {}
    for item in (manifest.get("retired") or {}).get("options") or []:
        by_question.setdefault(item["question"], set()).add(item["id"])
    return {qid: frozenset(ids) for qid, ids in by_question.items()}


def _module(module: ModuleEntry, tr: Translator) -> Module:
    data, language = module.entry.data, module.entry.language

    def t(key: Key, source: Any) -> Any:
        return tr.text(language, "modules", data["id"], key, source)

    def read(name: str) -> tuple[str, str]:
        if tr.language != language:
            path = _module_path(module, name, tr.language)
            if path is not None:
                return path.read_text("utf-8"), tr.language
        return (module.folder / name).read_text("utf-8"), language

    script, _ = read(data["script"])
    captions, captions_language = read(data["captions"])
    survey = data.get("survey") or {}
    localized_survey: dict[str, Any] = {
        "knowledge_check": [
            {"id": kc["id"], "text": t(("knowledge_check", kc["id"], "text"), kc["text"]),
             "options": [
                 {"id": o["id"], "correct": bool(o.get("correct")),
                  "label": t(("knowledge_check", kc["id"], "options", o["id"], "label"), o["label"]),
                  "feedback": t(("knowledge_check", kc["id"], "options", o["id"], "feedback"), o.get("feedback"))}
                 for o in kc["options"]]}
            for kc in survey.get("knowledge_check") or []
        ],
    }
    for name in ("usefulness", "comment"):
        if survey.get(name):
            localized_survey[name] = {"text": t((name,), survey[name]["text"])}
    return Module(
        id=data["id"], title=t(("title",), data["title"]), dimension=data.get("dimension"),
        duration_seconds=data["duration_seconds"],
        objectives=tuple(t(("objectives", n), o) for n, o in enumerate(data.get("objectives") or [])),
        script=script, captions=captions, captions_language=captions_language,
        video={k: v for k, v in (data.get("video") or {}).items() if v},
        survey=localized_survey,
        needs=Needs.of(data.get("needs")),
        unlocks=tuple(data.get("unlocks") or ()),
    )
