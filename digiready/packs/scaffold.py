"""Scaffold an economy overlay and translation templates.

A template lists every string a learner sees, with the source text as a comment and ``null``
as the value: ``null`` means "still to translate" (the source text is shown meanwhile), so a
fresh overlay validates at once and its coverage starts at 0 %. Re-running the template
keeps every translation already made and adds only what is new.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from digiready.packs.build import item_units, manifest_units, module_units
from digiready.packs.loader import RawPack, read_pack
from digiready.packs.yamlfile import load_yaml


def _units(raw: RawPack, language: str):
    """(collection, id, key, source) for every string not already written in ``language``."""
    if raw.manifest is not None and raw.source_language != language:
        for key, text in manifest_units(raw.manifest.data or {}):
            yield "pack", None, key, text
    for collection, entries in raw.collections.items():
        for entry in entries:
            if entry.language != language:
                for key, text in item_units(collection, entry.data):
                    yield collection, entry.id, key, text
    for module_id, module in raw.modules.items():
        if module.entry.language != language:
            for key, text in module_units(module.entry.data):
                yield "modules", module_id, key, text
    if raw.overlay is not None and raw.overlay_language != language:
        for item in (raw.overlay.data or {}).get("legislation") or []:
            yield "legislation", item["id"], ("text",), item["text"]


def _get(tree: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(tree, dict):
            tree = tree.get(part, tree.get(str(part)) if not isinstance(part, str) else None)
        elif isinstance(tree, list) and isinstance(part, int) and part < len(tree):
            tree = tree[part]
        else:
            return None
    return tree


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def translation_template(raw: RawPack, language: str, existing: dict | None = None) -> tuple[str, int, int]:
    """YAML text of the template, and (strings, already translated)."""
    existing = existing or {}
    tree: dict[str, Any] = {}
    total = done = 0
    for collection, item_id, key, source in _units(raw, language):
        path = (collection,) + ((item_id,) if item_id else ()) + key
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = (source, _get(existing, path))
        total += 1
        done += isinstance(_get(existing, path), str)
    # List items (objectives) are keyed "0", "1", ... which the translator's lookup accepts.
    lines = ["# yaml-language-server: $schema=../../../schema/translations.schema.json",
             f"# Translations into '{language}'. Replace each null with the translation of the",
             "# text in the comment above it; a null keeps showing the source text."]

    def emit(node: dict, indent: int) -> None:
        pad = "  " * indent
        for key, value in node.items():
            if isinstance(value, tuple):
                source, current = value
                lines.append(f"{pad}# {source.replace(chr(10), ' ')[:300]}")
                lines.append(f"{pad}{_key(key)}: {_q(current) if isinstance(current, str) else 'null'}")
            else:
                lines.append(f"{pad}{_key(key)}:")
                emit(value, indent + 1)

    emit(tree, 0)
    return "\n".join(lines) + "\n", total, done


def _key(key: Any) -> str:
    """A plain key when it is an identifier starting with a letter, else a quoted one (so
    ``"25_34"`` and ``"0"`` stay strings for every YAML reader)."""
    text = str(key)
    plain = text[:1].isalpha() and text.replace("_", "").isalnum() and text.isascii()
    return text if plain else _q(text)


def new_economy(base: Path, economies: Path, code: str, language: str, name: str | None) -> Path:
    code = code.lower()
    folder = economies / code
    if folder.exists():
        raise FileExistsError(f"{folder} already exists; edit it, or remove it first")
    raw = read_pack(base)
    if any(i.severity == "error" for i in raw.issues):
        raise ValueError("the base pack has errors; run 'digiready pack validate' first")
    base_id = (raw.manifest.data or {}).get("id")
    (folder / "translations").mkdir(parents=True)
    (folder / "modules").mkdir()
    overlay = {
        "economy": code, "name": name or code.upper(), "base": base_id, "version": "0.1.0",
        "languages": [language], "default_language": language, "source_language": language,
        "settings": {"min_peer_group": 30}, "priorities": {}, "legislation": [],
    }
    (folder / "overlay.yaml").write_text(
        "# yaml-language-server: $schema=../../schema/overlay.schema.json\n"
        "# Economy overlay: see content/README.md. Add `currency: XXX` (ISO 4217), priorities\n"
        "# (dimension id: weight, default 1) and legislation entries with their source URLs.\n"
        + yaml.safe_dump(overlay, allow_unicode=True, sort_keys=False), "utf-8")
    (folder / "tools.yaml").write_text(
        "# yaml-language-server: $schema=../../schema/tools.schema.json\n"
        "# Local tools: add items {id, category, name, url, description, source, verified}.\n"
        "tools:\n  add: []\n", "utf-8")
    (folder / "programmes.yaml").write_text(
        "# yaml-language-server: $schema=../../schema/programmes.schema.json\n"
        "# Public support programmes: add items {id, name, organisation, url, topics, description, source}.\n"
        "programmes:\n  add: []\n", "utf-8")
    if language != raw.source_language:
        text, _total, _done = translation_template(raw, language)
        (folder / "translations" / f"{language}.yaml").write_text(text, "utf-8")
        todo = ["# Long texts to translate", "",
                "Copy each file below into `modules/<id>/` of this overlay with the language suffix "
                "and translate it (keep the WebVTT timings; `python scripts/make_captions.py` can "
                "re-time captions from a translated script):", ""]
        for module_id, module in raw.modules.items():
            for field in ("script", "captions"):
                stem, _, suffix = module.entry.data[field].rpartition(".")
                todo.append(f"- [ ] `modules/{module_id}/{stem}.{language}.{suffix}` "
                            f"(from `{module.folder}/{module.entry.data[field]}`)")
        (folder / "TRANSLATE.md").write_text("\n".join(todo) + "\n", "utf-8")
    return folder


def refresh_translations(base: Path, economy: str, language: str) -> tuple[Path, int, int]:
    """Rewrite ``translations/<language>.yaml`` of an overlay, keeping every translation."""
    raw = read_pack(base, economy)
    if raw.overlay_dir is None or raw.overlay is None:
        raise ValueError(f"no overlay for economy '{economy}'")
    path = raw.overlay_dir / "translations" / f"{language}.yaml"
    existing = {}
    if path.exists() or path.is_symlink():
        doc, issues = load_yaml(path)  # the bounded loader: this file may come from anyone
        if doc is None or issues:
            raise ValueError("\n".join(map(str, issues)) or f"{path}: cannot be read")
        existing = doc.data if isinstance(doc.data, dict) else {}
    text, total, done = translation_template(raw, language, existing or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path, total, done
