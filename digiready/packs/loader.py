"""Read a base pack and an optional economy overlay, validate every file, and merge them.

Merge rules (documented in docs/content-pack-format.md and tested): for each collection the
overlay may ``disable`` ids, ``replace`` whole items by id and ``add`` new ones, applied in
that order. Every problem found is collected, with its file:line, so one run reports them all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digiready.packs.paths import economy_dir
from digiready.packs.schema import validate_document
from digiready.packs.yamlfile import PackIssue, YamlDocument, display_name, load_yaml

# file name -> (schema name, collection keys it holds)
COLLECTION_FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "dimensions.yaml": ("dimensions", ("dimensions",)),
    "levels.yaml": ("levels", ("levels",)),
    "profile.yaml": ("profile", ("profile",)),
    "questions.yaml": ("questions", ("questions",)),
    "dii.yaml": ("dii", ("dii_items",)),
    "recommendations.yaml": ("recommendations", ("rules",)),
    "tools.yaml": ("tools", ("tool_categories", "tools")),
    "programmes.yaml": ("programmes", ("programmes",)),
}
COLLECTIONS = [key for _schema, keys in COLLECTION_FILES.values() for key in keys]
REQUIRED_BASE_FILES = ("pack.yaml", "dimensions.yaml", "levels.yaml", "questions.yaml")


@dataclass
class Entry:
    """One item of a collection, remembering where it was written and in which language."""

    data: dict[str, Any]
    doc: YamlDocument
    path: tuple
    language: str

    @property
    def id(self) -> str:
        """The item's id; an id that is not text (the schema reports it) counts as none."""
        value = self.data.get("id", "")
        return value if isinstance(value, str) else ""

    def issue(self, message: str, *sub: str | int, severity: str = "error") -> PackIssue:
        return self.doc.issue(self.path + tuple(sub), message, severity)


@dataclass
class ModuleEntry:
    entry: Entry
    folder: Path  # where module.yaml is
    overlay_folder: Path | None = None  # overlay folder holding translated scripts/captions


@dataclass
class RawPack:
    base_dir: Path
    overlay_dir: Path | None
    manifest: YamlDocument | None = None
    overlay: YamlDocument | None = None
    collections: dict[str, list[Entry]] = field(default_factory=dict)
    modules: dict[str, ModuleEntry] = field(default_factory=dict)
    # language -> list of translation documents (base first, overlay last: later wins)
    translations: dict[str, list[YamlDocument]] = field(default_factory=dict)
    # language -> the overlay's interface/<lang>.yaml (digiready.packs.interface)
    interface: dict[str, YamlDocument] = field(default_factory=dict)
    # collection -> id -> where it was disabled (to explain dangling references)
    disabled: dict[str, dict[str, PackIssue]] = field(default_factory=dict)
    issues: list[PackIssue] = field(default_factory=list)

    @property
    def source_language(self) -> str:
        value = (self.manifest.data if self.manifest else {}).get("source_language")
        return value if isinstance(value, str) and value else "en"

    @property
    def overlay_language(self) -> str:
        data = self.overlay.data if self.overlay else {}
        languages = data.get("languages")
        first = languages[0] if isinstance(languages, list) and languages else None
        for value in (data.get("source_language"), data.get("default_language"), first):
            if isinstance(value, str) and value:
                return value
        return self.source_language


def _load(path: Path, schema: str, issues: list[PackIssue]) -> YamlDocument | None:
    """A pack file, schema-checked. Its data is always a mapping (an empty one when the file
    holds something else, reported here), so the rest of the loader can rely on it."""
    doc, parse_issues = load_yaml(path)
    issues.extend(parse_issues)
    if doc is None:
        return None
    if doc.data is None:
        doc.data = {}
    if not isinstance(doc.data, dict):
        found = "a list" if isinstance(doc.data, list) else f"a single value ({doc.data!r:.40})"
        issues.append(doc.issue((), f"a pack file holds named fields (`key: value` lines), "
                                    f"not {found}"))
        doc.data = {}
        return doc
    issues.extend(validate_document(doc, schema))
    return doc


def _present(path: Path) -> bool:
    """There, or a link that should be (a broken link is reported when it is read)."""
    return path.exists() or path.is_symlink()


def _editor_leftover(path: Path) -> bool:
    """Files editors leave beside the ones being edited (``.#x.yaml`` lock links, ``.x.swp``,
    ``x.yaml~``, ``#x.yaml#``): never part of a pack."""
    return path.name.startswith((".", "#")) or path.name.endswith("~")


def read_pack(base: Path, economy: str | None = None) -> RawPack:
    base = Path(base)
    raw = RawPack(base_dir=base, overlay_dir=None)
    if not base.is_dir():
        raw.issues.append(PackIssue(display_name(base), 1, 1, "", "no such pack directory"))
        return raw
    for name in REQUIRED_BASE_FILES:
        if not _present(base / name):
            raw.issues.append(PackIssue(display_name(base / name), 1, 1, "", "required file is missing"))
    if _present(base / "pack.yaml"):
        raw.manifest = _load(base / "pack.yaml", "pack", raw.issues)
    language = raw.source_language
    for file, (schema, keys) in COLLECTION_FILES.items():
        raw.collections.update({key: raw.collections.get(key, []) for key in keys})
        if not _present(base / file):
            continue
        doc = _load(base / file, schema, raw.issues)
        if doc is None:
            continue
        for key in keys:
            items = doc.data.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                raw.issues.append(doc.issue((key,), "a base pack lists items; add/replace/disable belong in overlays"))
                continue
            _add_unique(raw, key, [Entry(i, doc, (key, n), language) for n, i in enumerate(items) if isinstance(i, dict)])
    _read_modules(raw, base / "modules", language, overlay=False)
    _read_translations(raw, base / "translations")
    if economy:
        _read_overlay(raw, economy_dir(base, economy), economy)
    return raw


def _add_unique(raw: RawPack, key: str, entries: list[Entry]) -> None:
    seen = {e.id: e for e in raw.collections[key]}
    for entry in entries:
        if not entry.id:  # no id, or not text: the schema has said so
            continue
        if entry.id in seen:
            first = seen[entry.id]
            line, _ = first.doc.position(first.path)
            raw.issues.append(entry.issue(f"duplicate id '{entry.id}' (first defined at {first.doc.file}:{line})", "id"))
            continue
        seen[entry.id] = entry
        raw.collections[key].append(entry)


def _read_modules(raw: RawPack, folder: Path, language: str, overlay: bool) -> None:
    if not folder.is_dir():
        return
    for module_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not _editor_leftover(p)):
        manifest = module_dir / "module.yaml"
        existing = raw.modules.get(module_dir.name)
        if not _present(manifest):
            if overlay and existing:
                existing.overlay_folder = module_dir  # translated scripts/captions only
            elif not overlay or not existing:
                raw.issues.append(PackIssue(display_name(module_dir), 1, 1, "",
                                            f"module folder without module.yaml (no module '{module_dir.name}' to translate)"))
            continue
        doc = _load(manifest, "module", raw.issues)
        if doc is None:
            continue
        entry = Entry(doc.data, doc, (), language)
        if entry.id and entry.id != module_dir.name:
            raw.issues.append(entry.issue(f"module id '{entry.id}' differs from its folder name '{module_dir.name}'", "id"))
        wants_replace = bool(doc.data.get("replace"))
        if overlay and existing and not wants_replace:
            raw.issues.append(entry.issue(f"module '{module_dir.name}' exists in the base pack: set 'replace: true' to replace it", "id"))
            continue
        if overlay and not existing and wants_replace:
            raw.issues.append(entry.issue(f"cannot replace unknown module '{module_dir.name}'", "replace"))
            continue
        raw.modules[module_dir.name] = ModuleEntry(entry, module_dir, module_dir if overlay else None)


def _read_translations(raw: RawPack, folder: Path) -> None:
    if not folder.is_dir():
        return
    for file in sorted(f for f in folder.glob("*.yaml") if not _editor_leftover(f)):
        doc = _load(file, "translations", raw.issues)
        if doc is not None:
            raw.translations.setdefault(file.stem, []).append(doc)


def _read_overlay(raw: RawPack, folder: Path, economy: str) -> None:
    raw.overlay_dir = folder
    manifest = folder / "overlay.yaml"
    if not _present(manifest):
        raw.issues.append(PackIssue(display_name(manifest), 1, 1, "", f"no overlay for economy '{economy}'"))
        return
    raw.overlay = _load(manifest, "overlay", raw.issues)
    if raw.overlay is None:
        return
    base_id = raw.manifest.data.get("id") if raw.manifest else None
    wanted = raw.overlay.data.get("base")
    if isinstance(base_id, str) and wanted and wanted != base_id:
        raw.issues.append(raw.overlay.issue(("base",), f"overlay is for pack '{wanted}', not '{base_id}'"))
    language = raw.overlay_language
    for file, (schema, keys) in COLLECTION_FILES.items():
        if not _present(folder / file):
            continue
        doc = _load(folder / file, schema, raw.issues)
        if doc is None:
            continue
        for key in keys:
            changes = doc.data.get(key)
            if changes is None:
                continue
            if not isinstance(changes, dict):
                raw.issues.append(doc.issue((key,), "an overlay changes a collection with add/replace/disable, not a list"))
                continue
            _apply_changes(raw, key, doc, changes, language)
    _read_modules(raw, folder / "modules", language, overlay=True)
    _read_translations(raw, folder / "translations")
    _read_interface(raw, folder / "interface")


def _read_interface(raw: RawPack, folder: Path) -> None:
    """The words of the pages in languages they have no catalogue for (``interface/<lang>.yaml``)."""
    if not folder.is_dir():
        return
    for file in sorted(f for f in folder.glob("*.yaml") if not _editor_leftover(f)):
        doc = _load(file, "interface", raw.issues)
        if doc is not None:
            raw.interface[file.stem] = doc


def _listed(changes: dict, kind: str, wanted: type) -> list[tuple[int, Any]]:
    """The (position, item) of an overlay's add/replace/disable list that have the right
    type; the schema reports the others, which are left out here."""
    items = changes.get(kind)
    return [(n, item) for n, item in enumerate(items) if isinstance(item, wanted)] \
        if isinstance(items, list) else []


def _apply_changes(raw: RawPack, key: str, doc: YamlDocument, changes: dict, language: str) -> None:
    items = raw.collections[key]
    index = {e.id: n for n, e in enumerate(items)}
    disabled = raw.disabled.setdefault(key, {})
    for n, item_id in _listed(changes, "disable", str):
        if item_id not in index:
            raw.issues.append(doc.issue((key, "disable", n), f"cannot disable unknown id '{item_id}'"))
            continue
        disabled[item_id] = doc.issue((key, "disable", n), "")
    for n, data in _listed(changes, "replace", dict):
        entry = Entry(data, doc, (key, "replace", n), language)
        if not entry.id:
            continue
        if entry.id not in index or entry.id in disabled:
            raw.issues.append(entry.issue(f"cannot replace unknown id '{entry.id}'", "id"))
            continue
        items[index[entry.id]] = entry
    items[:] = [e for e in items if e.id not in disabled]
    _add_unique(raw, key, [Entry(d, doc, (key, "add", n), language) for n, d in _listed(changes, "add", dict)])
