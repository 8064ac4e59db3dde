"""Items -> the overlay's files, checked by the core validator exactly as ``digiready pack
validate`` checks a folder, with the list of strings each language still needs.

The files are written to a scratch folder and read back with :func:`read_pack`, so a draft
is judged by the same code that will load it for learners; nothing here has its own idea of
what a valid overlay is.
"""
from __future__ import annotations

import re
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from digiready.authoring.content import (
    LONG_TEXT_FILES,
    OverlayContent,
    nest_translations,
    plain_translation_file,
    sha256,
    structure_files,
)
from digiready.authoring.interface import interface_file, is_interface, needing, texts_for
from digiready.packs.build import pack_languages, translation_coverage
from digiready.packs.checks import check
from digiready.packs.interface import FOLDER
from digiready.packs.loader import RawPack, read_pack
from digiready.packs.published import write_files
from digiready.packs.scaffold import _units, translation_template
from digiready.packs.yamlfile import PackIssue

DOM_SAFE = re.compile(r"^[A-Za-z0-9_.:-]+$")


@dataclass(frozen=True)
class Unit:
    """A string (or long text) learners see that a language may need translated."""

    key: str  # dotted: "questions.payments_accepted.options.qr", "modules.<id>.script"
    source: str
    source_language: str
    long: bool = False
    # Other texts whose placeholders a translation may follow instead of the source's (a
    # plural form of a page's text: the singular or the plural English text).
    alternatives: tuple[str, ...] = ()

    @property
    def interface(self) -> bool:
        """A text of the pages themselves, not of the content."""
        return is_interface(self.key)

    @property
    def dom_id(self) -> str:
        """An HTML id for the unit's form: its key when that is one (no spaces), else a hash."""
        return f"u-{self.key}" if DOM_SAFE.match(self.key) else f"u-i{sha256(self.key.encode())[:16]}"

    @property
    def source_hash(self) -> str:
        return sha256(self.source.encode())[:16]

    @property
    def collection(self) -> str:
        return self.key.split(".", 1)[0]


@dataclass
class BuiltOverlay:
    files: dict[str, bytes]
    issues: list[PackIssue]
    coverage: dict[str, float]
    units: dict[str, list[Unit]] = field(default_factory=dict)  # language -> units

    @property
    def errors(self) -> list[PackIssue]:
        return [i for i in self.issues if i.severity == "error"]


def interface_units(language: str) -> list[Unit]:
    """The pages' own texts ``language`` needs (none when every catalogue has it)."""
    found = []
    for text in texts_for(language):
        message = text.message
        for form, key in enumerate(text.units):
            source = message.msgid if form == 0 or not message.plural else message.plural
            others = tuple(t for t in (message.msgid, message.plural) if t and t != source)
            found.append(Unit(key, source, "en", alternatives=others))
    return found


def unit_key(collection: str, item_id: str | None, key: tuple) -> str:
    return ".".join([collection] + ([item_id] if item_id else []) + [str(k) for k in key])


def translatable_units(raw: RawPack, language: str) -> list[Unit]:
    """Every string and long text learners of ``language`` see that is written in another
    language, in the order of the translation file."""
    languages = _unit_languages(raw)
    found = []
    for collection, item_id, key, text in _units(raw, language):
        if isinstance(text, str):
            written_in = languages.get(f"{collection}.{item_id}", raw.source_language)
            found.append(Unit(unit_key(collection, item_id, key), text, written_in))
    for module_id, module in raw.modules.items():
        if module.entry.language == language:
            continue
        for name in LONG_TEXT_FILES:
            path = module.folder / module.entry.data.get(name, "")
            if path.is_file():
                found.append(Unit(f"modules.{module_id}.{name}", path.read_text("utf-8"),
                                  module.entry.language, long=True))
    return found


def _unit_languages(raw: RawPack) -> dict[str, str]:
    """"collection.id" -> the language that item is written in."""
    languages = {f"{c}.{e.id}": e.language for c, entries in raw.collections.items()
                 for e in entries}
    languages.update({f"modules.{m}": e.entry.language for m, e in raw.modules.items()})
    if raw.overlay is not None:
        for item in (raw.overlay.data or {}).get("legislation") or []:
            languages[f"legislation.{item.get('id')}"] = raw.overlay_language
    return languages


def build_overlay(content: OverlayContent, base: Path) -> BuiltOverlay:
    """The overlay's files (translation files as commented templates, as ``digiready economy
    translations`` writes them), every issue the validator finds, and the coverage."""
    files = structure_files(content)
    for language in interface_languages(content):
        files[f"{FOLDER}/{language}.yaml"] = interface_file(
            language, content.translations.get(language, {}))
    provisional = dict(files)
    for language, units in content.translations.items():
        provisional[f"translations/{language}.yaml"] = plain_translation_file(units)
    with tempfile.TemporaryDirectory(prefix="digiready-overlay-") as scratch:
        folder = Path(scratch) / content.economy
        folder.mkdir()
        write_files(folder, provisional)
        raw = _read_with_overlay(Path(base), folder)
        issues = list(raw.issues)
        if not any(i.severity == "error" for i in issues):
            issues.extend(check(raw))
        errors = any(i.severity == "error" for i in issues)
        languages, _default = pack_languages(raw) if raw.manifest else ([], "en")
        wanted = list((raw.overlay.data or {}).get("languages", [])) if raw.overlay else []
        coverage = translation_coverage(raw, wanted) if not errors and raw.overlay else {}
        built = BuiltOverlay(files, [_relocate(i, str(folder), content.economy) for i in issues],
                             coverage)
        if raw.overlay is None or raw.manifest is None:
            return built
        for language in dict.fromkeys(wanted + sorted(content.translations)):
            units = translatable_units(raw, language)
            built.units[language] = units + interface_units(language)
            if not units:
                continue
            existing = nest_translations(content.translations.get(language, {}))
            text, _total, _done = translation_template(raw, language, existing)
            files[f"translations/{language}.yaml"] = text.encode()
    return built


def interface_languages(content: OverlayContent) -> list[str]:
    """Languages whose interface file the overlay has: those learners can choose that some
    pages have no catalogue for, and any with interface translations already."""
    wanted = list(content.overlay.get("languages") or [])
    found = [lang for lang in wanted if isinstance(lang, str) and needing(lang)]
    found += [lang for lang, units in sorted(content.translations.items())
              if any(is_interface(u) for u in units)]
    return list(dict.fromkeys(found))


_base_reads: OrderedDict[tuple, RawPack] = OrderedDict()
_base_lock = threading.Lock()


def _read_with_overlay(base: Path, folder: Path) -> RawPack:
    """``read_pack(base, folder)``, with the base pack read once per version of its files:
    a draft is built again at every publish and preview, the base pack (most of the reading)
    seldom changes. A fork of the parsed base gets the overlay, exactly as read_pack does."""
    from digiready.packs import _walk_signature, loader

    overlay_reader = getattr(loader, "_read_overlay", None)
    if overlay_reader is None:  # the loader changed shape: read everything
        return read_pack(base, str(folder))
    key = (str(base.resolve()), _walk_signature(str(base.resolve()), None))
    with _base_lock:
        cached = _base_reads.get(key)
    if cached is None:
        cached = read_pack(base)
        with _base_lock:
            _base_reads[key] = cached
            while len(_base_reads) > 2:
                _base_reads.popitem(last=False)
    raw = _fork(cached)
    overlay_reader(raw, folder, folder.name)
    return raw


def _fork(raw: RawPack) -> RawPack:
    """A copy of a parsed pack that reading an overlay into cannot change: the overlay reader
    replaces, removes and adds items in the collection lists and dicts, and marks base
    modules as translated in a folder; it never changes a parsed document. So the containers
    and the module entries are copied, the parsed documents shared (a deep copy of them was
    a quarter of a publish)."""
    import copy
    import dataclasses

    forked = copy.copy(raw)
    for found in dataclasses.fields(raw):
        value = getattr(raw, found.name)
        if isinstance(value, list):
            setattr(forked, found.name, list(value))
        elif isinstance(value, dict):
            setattr(forked, found.name, {k: list(v) if isinstance(v, list) else
                                         dict(v) if isinstance(v, dict) else
                                         copy.copy(v) if dataclasses.is_dataclass(v) else v
                                         for k, v in value.items()})
    return forked


def _relocate(issue: PackIssue, scratch: str, economy: str) -> PackIssue:
    """Name the overlay's files as ``economies/<code>/...``, not the scratch folder."""
    if scratch in issue.file:
        issue.file = f"economies/{economy}" + issue.file.split(scratch, 1)[1]
    return issue


class BuildCache:
    """Recent builds by a hash of the content, so pages that need the units or the issues of
    an unchanged draft do not validate it again."""

    def __init__(self, size: int = 16) -> None:
        self._items: OrderedDict[str, BuiltOverlay] = OrderedDict()
        self._lock = threading.Lock()
        self.size = size

    def get(self, content: OverlayContent, base: Path) -> BuiltOverlay:
        key = content_hash(content) + str(base)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        built = build_overlay(content, base)
        with self._lock:
            self._items[key] = built
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return built


def content_hash(content: OverlayContent) -> str:
    import json

    payload = json.dumps([content.economy, [(i.key, i.data, i.note) for i in content.items],
                          content.translations], sort_keys=True, ensure_ascii=False, default=str)
    return sha256(payload.encode())


BUILDS = BuildCache()


def base_collections(base: Path) -> dict[str, dict[str, dict]]:
    """The base pack's items by collection and id (cached with the pack), for forms that
    replace or disable a base item and for duplicate-id checks."""
    from digiready.packs import _validated

    raw = _validated(str(Path(base).resolve()), None)[0]
    found = {key: {e.id: e.data for e in entries} for key, entries in raw.collections.items()}
    found["modules"] = {module_id: m.entry.data for module_id, m in raw.modules.items()}
    return found


def units_for(content: OverlayContent, base: Path) -> dict[str, list[Unit]]:
    """The strings each language needs, from the draft's structure only: saving a
    translation does not change them, so translators' pages reuse one build."""
    structure = OverlayContent(content.economy, content.items, {}, content.blobs)
    return BUILDS.get(structure, base).units
