"""An economy overlay as editable items: what the CMS stores, edits, versions and diffs.

The files of an overlay (``docs/content-pack-format.md``) split into *items*, the unit a
person edits and the unit two people can collide on:

=============================  ==========================================================
key                            what it holds
=============================  ==========================================================
``overlay``                    ``overlay.yaml`` without its legislation list
``legislation/<id>``           one legislation note
``<collection>/<op>/<id>``     one change to a collection: ``tools/add/th_promptpay``,
                               ``tools/replace/...``, ``tools/disable/...`` (data ``None``)
``modules/<id>``               an overlay module's ``module.yaml`` (new, or ``replace: true``)
``files/<path>``               any other file: a module's own script, a README, a narration
=============================  ==========================================================

and *translations*: language -> unit -> text, where a unit is the dotted key of a string in
``translations/<lang>.yaml`` (``questions.payments_accepted.options.qr``) or a long text
(``modules.<id>.script`` and ``modules.<id>.captions``, the files ``script.<lang>.md`` and
``captions.<lang>.vtt``) or a text of the pages themselves (``interface.<form>.<msgid>``, in
``interface/<lang>.yaml``: :mod:`digiready.authoring.interface`).

Comments that teams write in their YAML files (the pe overlay notes how each fact was
checked) are kept as the item's *note* and written back as comments above the item.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from digiready.authoring.interface import file_texts, is_interface
from digiready.packs.interface import FOLDER
from digiready.packs.loader import COLLECTION_FILES
from digiready.packs.yamlfile import load_yaml

OPERATIONS = ("add", "replace", "disable")
LONG_TEXT = re.compile(r"^(?P<stem>script|captions)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]+)?)\."
                       r"(?P<suffix>md|vtt)$")
LONG_TEXT_FILES = {"script": ("script", "md"), "captions": ("captions", "vtt")}
COLLECTION_OF_KEY = {key: file for file, (_schema, keys) in COLLECTION_FILES.items()
                     for key in keys}
SCHEMA_OF_KEY = {key: schema for _file, (schema, keys) in COLLECTION_FILES.items()
                 for key in keys}


@dataclass
class Item:
    key: str
    data: Any
    note: str = ""

    @property
    def kind(self) -> str:
        """``overlay``, ``legislation``, ``modules``, ``files`` or a collection key."""
        return self.key.split("/", 1)[0]

    @property
    def item_id(self) -> str:
        return self.key.rsplit("/", 1)[-1]


@dataclass
class OverlayContent:
    economy: str
    items: list[Item] = field(default_factory=list)
    # language -> unit -> text (only units that have a text)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    # sha256 -> bytes of binary files (narrations), referenced by ``files/`` items
    blobs: dict[str, bytes] = field(default_factory=dict)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    @property
    def overlay(self) -> dict:
        found = self.item("overlay")
        return dict(found.data) if found else {}


class ContentError(ValueError):
    """An overlay folder that cannot be read into items; the message names file and line."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_value(content: bytes) -> tuple[dict, bytes | None]:
    """How a file is kept: ``{"text": ...}`` for UTF-8 text, else a blob reference."""
    try:
        text = content.decode("utf-8")
        if "\x00" not in text:
            return {"text": text}, None
    except UnicodeDecodeError:
        pass
    return {"blob": sha256(content), "size": len(content)}, content


# ---------------------------------------------------------------------------------- import

def read_overlay_folder(folder: Path) -> OverlayContent:
    """Every item, translation and file of an overlay folder."""
    folder = Path(folder)
    manifest = folder / "overlay.yaml"
    if not manifest.is_file():
        raise ContentError(f"{manifest}: no overlay.yaml in this folder")
    overlay_doc = _parse(manifest)
    data = overlay_doc.data if isinstance(overlay_doc.data, dict) else {}
    economy = str(data.get("economy") or folder.name)
    content = OverlayContent(economy)
    notes = _comment_notes(manifest, overlay_doc, ("legislation",))
    settings = {k: v for k, v in data.items() if k != "legislation"}
    content.items.append(Item("overlay", settings, notes.get(None, "")))
    for n, entry in enumerate(data.get("legislation") or []):
        if isinstance(entry, dict):
            content.items.append(Item(f"legislation/{entry.get('id')}", entry,
                                      notes.get(("legislation", n), "")))
    for file, (_schema, keys) in COLLECTION_FILES.items():
        path = folder / file
        if not path.is_file():
            continue
        doc = _parse(path)
        if not isinstance(doc.data, dict):
            continue
        lists = [(key, op) for key in keys for op in OPERATIONS
                 if isinstance(doc.data.get(key), dict) and doc.data[key].get(op)]
        notes = _comment_notes(path, doc, *lists)
        for key, op in lists:
            for n, entry in enumerate(doc.data[key][op]):
                if op == "disable":
                    content.items.append(Item(f"{key}/disable/{entry}", None,
                                              notes.get((key, op, n), "")))
                elif isinstance(entry, dict):
                    content.items.append(Item(f"{key}/{op}/{entry.get('id')}", entry,
                                              notes.get((key, op, n), "")))
    for path in sorted((folder / "translations").glob("*.yaml")):
        doc = _parse(path)
        units = flatten_translations(doc.data or {})
        if units:
            content.translations[path.stem] = units
    for path in sorted((folder / FOLDER).glob("*.yaml")):
        units = file_texts(_parse(path).data)
        if units:
            content.translations.setdefault(path.stem, {}).update(units)
    modules = folder / "modules"
    if modules.is_dir():
        for module_dir in sorted(p for p in modules.iterdir() if p.is_dir()):
            if (module_dir / "module.yaml").is_file():
                doc = _parse(module_dir / "module.yaml")
                content.items.append(Item(f"modules/{module_dir.name}", doc.data,
                                          _comment_notes(module_dir / "module.yaml", doc).get(None, "")))
            for path in sorted(p for p in module_dir.rglob("*") if p.is_file()):
                relative = path.relative_to(folder).as_posix()
                if path.name == "module.yaml" and path.parent == module_dir:
                    continue
                match = LONG_TEXT.match(path.name)
                if match and path.parent == module_dir:
                    unit = f"modules.{module_dir.name}.{match['stem']}"
                    content.translations.setdefault(match["lang"], {})[unit] = \
                        path.read_text("utf-8")
                    continue
                _add_file(content, relative, path.read_bytes())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        top = relative.split("/", 1)[0]
        if relative == "overlay.yaml" or relative in COLLECTION_FILES or \
                top in ("modules", "translations", FOLDER):
            continue
        _add_file(content, relative, path.read_bytes())
    content.items = _ordered(content.items)
    return content


def _add_file(content: OverlayContent, relative: str, data: bytes) -> None:
    value, blob = file_value(data)
    if blob is not None:
        content.blobs[value["blob"]] = blob
    content.items.append(Item(f"files/{relative}", value))


def _parse(path: Path):
    doc, issues = load_yaml(path)
    errors = [i for i in issues if i.severity == "error"]
    if doc is None or errors:
        raise ContentError("; ".join(str(i) for i in errors) or f"{path}: cannot be read")
    return doc


def flatten_translations(tree: Any, prefix: str = "") -> dict[str, str]:
    """``{questions: {q1: {text: T}}}`` -> ``{"questions.q1.text": T}``; nulls are left out
    (null means "still to translate")."""
    out: dict[str, str] = {}
    if isinstance(tree, dict):
        for key, value in tree.items():
            out.update(flatten_translations(value, f"{prefix}{key}."))
    elif isinstance(tree, list):
        for n, value in enumerate(tree):
            out.update(flatten_translations(value, f"{prefix}{n}."))
    elif isinstance(tree, str):
        out[prefix[:-1]] = tree
    return out


def nest_translations(units: dict[str, str]) -> dict:
    tree: dict = {}
    for unit, text in units.items():
        if unit.startswith("modules.") and unit.count(".") == 2 and \
                unit.rsplit(".", 1)[1] in LONG_TEXT_FILES:
            continue  # long texts are files, not strings of the YAML file
        if is_interface(unit):
            continue  # the pages' words: interface/<lang>.yaml
        node = tree
        parts = unit.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = text
    return tree


def _comment_notes(path: Path, doc, *lists: tuple) -> dict:
    """Comment lines of a YAML file, as notes: those inside an item of one of ``lists`` (or
    right above it) belong to that item (key ``(list path..., n)``); the rest, after the
    file's first key, to the file (key ``None``)."""
    lines = path.read_text("utf-8").splitlines()
    starts: list[tuple[int, Any]] = []
    for list_path in lists:
        n = 0
        while tuple(list_path) + (n,) in doc.positions:
            starts.append((doc.positions[tuple(list_path) + (n,)][0], tuple(list_path) + (n,)))
            n += 1
    starts.sort()
    first_key = next((n for n, line in enumerate(lines, 1)
                      if line.strip() and not line.lstrip().startswith("#")), len(lines) + 1)
    notes: dict[Any, list[str]] = {}
    pending: list[str] = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("#"):
            if number > first_key or "yaml-language-server:" not in stripped:
                pending.append(stripped[1:].removeprefix(" "))
            continue
        if not stripped:
            continue
        owner = None
        for start, key in starts:
            if start <= number:
                owner = key
        # A comment block right above an item's first line belongs to that item.
        if any(start == number for start, _k in starts):
            owner = next(k for s, k in starts if s == number)
        if pending:
            notes.setdefault(owner, []).extend(pending)
            pending = []
    if pending:
        owner = starts[-1][1] if starts else None
        notes.setdefault(owner, []).extend(pending)
    return {key: "\n".join(text) for key, text in notes.items()}


def _ordered(items: list[Item]) -> list[Item]:
    """Overlay first, then legislation, collections in file order, modules, files; within
    each, the order they were written in."""
    rank = {"overlay": 0, "legislation": 1}
    for n, key in enumerate(COLLECTION_OF_KEY, 2):
        rank[key] = n
    rank["modules"] = 100
    rank["files"] = 101
    op_rank = {op: n for n, op in enumerate(OPERATIONS)}

    def sort_key(pair):
        position, item = pair
        parts = item.key.split("/")
        op = op_rank.get(parts[1], 0) if parts[0] in COLLECTION_OF_KEY and len(parts) > 2 else 0
        return (rank.get(item.kind, 50), op, position)

    return [item for _n, item in sorted(enumerate(items), key=sort_key)]


# ---------------------------------------------------------------------------------- export

def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False,
                          width=100)


def _note_lines(note: str, pad: str) -> list[str]:
    return [f"{pad}# {line}".rstrip() for line in note.splitlines()] if note else []


def _list_entry(data: Any, pad: str) -> list[str]:
    lines = _dump(data).rstrip("\n").splitlines()
    if lines and lines[-1] == "...":  # a lone scalar ends its document with "..."
        lines = lines[:-1]
    return [f"{pad}- {lines[0]}"] + [f"{pad}  {line}" for line in lines[1:]]


def _schema_line(schema: str, depth: int) -> str:
    return f"# yaml-language-server: $schema={'../' * depth}schema/{schema}.schema.json"


def structure_files(content: OverlayContent) -> dict[str, bytes]:
    """Every file except the translation files: overlay.yaml, collections, modules, other
    files and long-text translations."""
    files: dict[str, bytes] = {}
    overlay = content.item("overlay")
    lines = [_schema_line("overlay", 2)]
    if overlay is not None:
        lines += _note_lines(overlay.note, "")
        lines += _dump(overlay.data).rstrip("\n").splitlines() if overlay.data else []
    legislation = [i for i in content.items if i.kind == "legislation"]
    if legislation:
        lines.append("legislation:")
        for item in legislation:
            lines += _note_lines(item.note, "  ") + _list_entry(item.data, "  ")
    else:
        lines.append("legislation: []")
    files["overlay.yaml"] = ("\n".join(lines) + "\n").encode()
    for file, (schema, keys) in COLLECTION_FILES.items():
        body: list[str] = []
        for key in keys:
            ops = [(op, [i for i in content.items if i.key.startswith(f"{key}/{op}/")])
                   for op in OPERATIONS]
            ops = [(op, items) for op, items in ops if items]
            if not ops:
                continue
            body.append(f"{key}:")
            for op, items in ops:
                body.append(f"  {op}:")
                for item in items:
                    value = item.item_id if op == "disable" else item.data
                    body += _note_lines(item.note, "    ") + _list_entry(value, "    ")
        if not body and file in ("tools.yaml", "programmes.yaml"):
            body = [f"{keys[-1]}:", "  add: []"]  # what `economy new` writes: a place to start
        if body:
            files[file] = ("\n".join([_schema_line(schema, 2)] + body) + "\n").encode()
    for item in content.items:
        if item.kind == "modules":
            lines = [_schema_line("module", 4)] + _note_lines(item.note, "")
            lines += _dump(item.data).rstrip("\n").splitlines()
            files[f"modules/{item.item_id}/module.yaml"] = ("\n".join(lines) + "\n").encode()
        elif item.kind == "files":
            path = item.key.split("/", 1)[1]
            value = item.data or {}
            files[path] = (value["text"].encode() if "text" in value
                           else content.blobs[value["blob"]])
    for language, units in sorted(content.translations.items()):
        for unit, text in sorted(units.items()):
            parts = unit.split(".")
            if len(parts) == 3 and parts[0] == "modules" and parts[2] in LONG_TEXT_FILES:
                stem, suffix = LONG_TEXT_FILES[parts[2]]
                files[f"modules/{parts[1]}/{stem}.{language}.{suffix}"] = text.encode()
    return files


def plain_translation_file(units: dict[str, str]) -> bytes:
    """A translation file the loader reads (no comments, no nulls): used to validate before
    the commented template can be written. Written with libyaml's emitter when PyYAML has
    it: this file holds every string of a language, and PyYAML's own emitter took most of
    a publish's time."""
    return yaml.dump(nest_translations(units), Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                     allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=100).encode()
