"""The interface catalogues of the apps (gettext ``.po``/``.mo``), complete in every language
an app offers.

Each adapter declares its catalogue through the registry (:mod:`digiready.adapters`,
``registry.add_ui_catalog(UICatalog(...))``): where its ``<lang>/LC_MESSAGES/<domain>.po``
files are, which languages it offers, and its Babel mapping file (``babel.cfg``). The mapping
lists *every* source whose strings the app renders, by paths relative to the folder that
holds the packages (a core module such as the video player's is listed in the mapping of each
app that shows it), so one extraction finds them all and nothing an app shows is left out.

The workflow (``digiready i18n ...``, docs/translation.md):

- ``update``: extract the strings (Babel's extractors, with the mapping), write ``messages.pot``
  and merge it into every language's ``.po``: new strings arrive empty, changed ones are
  marked fuzzy with the old translation as a starting point, gone ones are dropped;
- a translator fills the empty and fuzzy entries (any PO editor);
- ``compile``: build each ``.mo`` from its ``.po`` (the ``.mo`` files are committed, so an
  installation from git or a wheel needs no build step); an app may add its own step (the
  XBlocks write their JavaScript catalogues);
- ``check``: what a fresh extraction finds that a catalogue lacks, leaves fuzzy or
  translates with other placeholders, a wrong Plural-Forms header, a stale ``.mo``;
  ``tests/i18n/test_ui_catalogs.py`` runs it for every app and language.

Babel is imported only here, by these developer and translator commands: an app at run time
reads its ``.mo`` files with gettext (Flask-Babel, or the standard library in the XBlocks).
"""
from __future__ import annotations

import copy
import importlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

# The marker functions every app uses: gettext's, plus N_ (mark only), Flask-Babel's lazy ones.
KEYWORDS_EXTRA = {"N_": None, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
                  "lazy_pgettext": ((1, "c"), 2)}
# Comments starting with this tag, just above a marked string, reach the translator.
COMMENT_TAGS = ("TRANSLATORS:",)
# %(name)s, %s, %d, %% (printf style, what the apps use) and {name} (str.format).
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdif]|%%|\{\w*\}")


@dataclass(frozen=True)
class UICatalog:
    """One app's gettext catalogue. Paths are relative to ``root``, the folder holding the
    packages (the repository, or ``site-packages`` once installed).

    The app offers its source language and every language whose compiled catalogue is in
    ``directory``: adding a language is adding its ``.po`` (``digiready i18n update --app NAME
    --language th``), translating and compiling it, no code to change."""

    name: str
    root: Path
    mapping: str  # Babel mapping (babel.cfg), patterns relative to root
    directory: str  # holds <lang>/LC_MESSAGES/<domain>.po and the .pot
    domain: str = "messages"
    project: str = "DigiReady"
    source_language: str = "en"
    # Learner- and attendee-facing apps must offer every language of the content packs.
    learner_facing: bool = True
    # Its pages show a content pack in the pack's language: for a language it has no catalogue
    # for, an economy overlay's interface strings stand in (digiready.packs.interface).
    pack_pages: bool = False
    # A source-language catalogue is shipped too (msgstr = msgid), for runtimes that look
    # one up (Open edX).
    source_catalog: bool = False
    # "module:function" called with this catalogue after compiling (the XBlocks' JS catalogs).
    after_compile: str | None = None
    keywords: tuple[tuple[str, object], ...] = ()

    @property
    def folder(self) -> Path:
        return self.root / self.directory

    @property
    def pot_path(self) -> Path:
        return self.folder / f"{self.domain}.pot"

    def po_path(self, language: str) -> Path:
        return self.folder / language / "LC_MESSAGES" / f"{self.domain}.po"

    def mo_path(self, language: str) -> Path:
        return self.po_path(language).with_suffix(".mo")

    @property
    def languages(self) -> tuple[str, ...]:
        """The translated languages: those with a ``.po`` (the source language's excluded),
        the pack languages first in their usual order."""
        found = {p.parent.parent.name for p in self.folder.glob(f"*/LC_MESSAGES/{self.domain}.po")}
        found.discard(self.source_language)
        return tuple(sorted(found, key=language_order))

    def offered(self) -> tuple[str, ...]:
        """What the app offers: the source language and each compiled translation."""
        return (self.source_language, *(lang for lang in self.languages
                                        if self.mo_path(lang).exists()))

    @property
    def catalog_languages(self) -> tuple[str, ...]:
        """The languages that have a ``.po`` file of their own."""
        return ((self.source_language,) if self.source_catalog else ()) + self.languages


# The content packs' languages, in the order the apps list them (others follow, sorted).
USUAL_ORDER = ("en", "es", "fil", "vi", "id", "tpi")


def language_order(code: str) -> tuple[int, str]:
    return (USUAL_ORDER.index(code) if code in USUAL_ORDER else len(USUAL_ORDER), code)


def pack_languages() -> list[str]:
    """Every language of the shipped content packs (the base pack's and each overlay's):
    what a learner- or attendee-facing interface must speak."""
    from digiready.packs.paths import content_dir
    from digiready.packs.yamlfile import load_yaml

    found = {"en"}
    root = content_dir()
    for path in [root / "base" / "pack.yaml", *sorted((root / "economies").glob("*/overlay.yaml"))]:
        doc, _issues = load_yaml(path)
        data = doc.data if doc is not None else {}
        if isinstance(data, dict):
            found.update(str(code) for code in data.get("languages") or [])
            if data.get("language"):
                found.add(str(data["language"]))
    return sorted(found, key=language_order)


@dataclass(frozen=True)
class Problem:
    catalog: str
    language: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.catalog}/{self.language}" if self.language else self.catalog
        return f"{where}: {self.message}"


def registered() -> list[UICatalog]:
    """The catalogues of the installed apps."""
    from digiready.adapters import registry

    return list(registry().ui_catalogs)


def find(names: Iterable[str] | None = None) -> list[UICatalog]:
    """The registered catalogues named (all when ``names`` is empty); ValueError for an unknown name."""
    catalogs = registered()
    if not names:
        return catalogs
    known = {c.name: c for c in catalogs}
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ValueError(f"no interface catalogue named {', '.join(unknown)} "
                         f"(installed: {', '.join(sorted(known)) or 'none'})")
    return [known[n] for n in names]


# -- extraction ------------------------------------------------------------------------------
def _mapping(catalog: UICatalog) -> tuple[list[tuple[str, str]], dict]:
    from babel.messages.frontend import parse_mapping_cfg

    path = catalog.root / catalog.mapping
    with path.open(encoding="utf-8") as fh:
        return parse_mapping_cfg(fh, str(path))


def extract(catalog: UICatalog) -> Catalog:
    """Every string the app renders, found afresh in its sources (the template catalogue)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    method_map, options_map = _mapping(catalog)
    root = catalog.root.resolve()
    # Walk only the top folders the patterns name (not var/, build/ or the content packs).
    tops = {pattern.split("/", 1)[0] for pattern, _method in method_map}

    def wanted(dirpath: str) -> bool:
        relative = Path(dirpath).resolve().relative_to(root).parts
        return not relative or (relative[0] in tops and not any(
            part.startswith((".", "_")) for part in relative))

    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS_EXTRA, **dict(catalog.keywords)}
    template = Catalog(project=catalog.project, fuzzy=False, locale=None)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root), method_map, options_map, keywords=keywords, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True, directory_filter=wanted):
        if not (message[0] if isinstance(message, tuple) else message):
            continue
        template.add(message, None, [(filename, lineno)], auto_comments=comments,
                     context=context)
    return template


# -- reading and writing ---------------------------------------------------------------------
def read(path: Path, language: str | None = None) -> Catalog:
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def write(path: Path, po: Catalog) -> None:
    from babel.messages.pofile import write_po

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        # File names without line numbers: translators see where a string is used, and
        # moving code does not rewrite every language's file.
        write_po(fh, po, ignore_obsolete=True, include_lineno=False)


def write_template(catalog: UICatalog, template: Catalog | None = None) -> Catalog:
    template = template if template is not None else extract(catalog)
    write(catalog.pot_path, template)
    return template


def new_catalog(catalog: UICatalog, language: str) -> Catalog:
    """An empty catalogue for ``language``, with its CLDR Plural-Forms (through Babel)."""
    from babel.messages.catalog import Catalog

    return Catalog(locale=language, domain=catalog.domain, project=catalog.project,
                   fuzzy=False)


def update(catalog: UICatalog, add: Iterable[str] = ()) -> dict[str, tuple[int, int]]:
    """Extract, write the ``.pot``, merge into each language's ``.po``; ``add`` starts the
    catalogues of new languages. Returns ``{language: (translated, total)}``."""
    template = write_template(catalog)
    counts = {}
    for language in dict.fromkeys([*catalog.catalog_languages, *add]):
        path = catalog.po_path(language)
        po = read(path, language) if path.exists() else new_catalog(catalog, language)
        _use_cldr_plurals(po, language)
        # A copy each time: Babel's update adds the template's own Message objects.
        po.update(copy.deepcopy(template))
        if language == catalog.source_language:
            for message in po:  # the source catalogue says what the msgids say
                if message.id:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        write(path, po)
        counts[language] = stats(po)
    return counts


def _use_cldr_plurals(po: Catalog, language: str) -> None:
    """Give the catalogue its language's CLDR Plural-Forms (Babel's); a plural translation
    written for another number of forms is kept, padded or cut, and marked fuzzy."""
    from babel.messages.plurals import get_plural

    wanted = get_plural(language)
    if po.plural_forms == wanted.plural_forms:
        return
    po.mime_headers = [(name, wanted.plural_forms if name == "Plural-Forms" else value)
                       for name, value in po.mime_headers]
    for message in po:
        if message.id and isinstance(message.string, (list, tuple)) and any(message.string) \
                and len(message.string) != wanted.num_plurals:
            forms = list(message.string)[:wanted.num_plurals]
            message.string = tuple(forms + [forms[-1]] * (wanted.num_plurals - len(forms)))
            message.flags.add("fuzzy")


def stats(po: Catalog) -> tuple[int, int]:
    messages = [m for m in po if m.id]
    return sum(1 for m in messages if is_translated(m)), len(messages)


def compile_catalog(catalog: UICatalog) -> list[Path]:
    """Each language's ``.mo`` from its ``.po`` (fuzzy entries left out), then the app's own step."""
    from babel.messages.mofile import write_mo

    written = []
    for language in catalog.catalog_languages:
        po = read(catalog.po_path(language), language)
        with catalog.mo_path(language).open("wb") as fh:
            write_mo(fh, po, use_fuzzy=False)
        written.append(catalog.mo_path(language))
    if catalog.after_compile:
        module, _, function = catalog.after_compile.partition(":")
        getattr(importlib.import_module(module), function)(catalog)
    return written


# -- checking --------------------------------------------------------------------------------
def _forms(value) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def is_translated(message: Message) -> bool:
    return not message.fuzzy and all(_forms(message.string))


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def one_only_forms(plural_expr: str, nplurals: int) -> set[int]:
    """The plural forms a language uses for n = 1 alone (Spanish's first; none in Filipino,
    whose first form also says 2, 3, 5...; none in a language with one form)."""
    import gettext

    rule = gettext.c2py(plural_expr)
    used: dict[int, set[int]] = {}
    for n in range(0, 1001):
        used.setdefault(rule(n), set()).add(n)
    return {form for form in range(nplurals) if used.get(form) == {1}}


def placeholder_problem(message: Message, one_only: set[int] = frozenset()) -> str | None:
    """Why a translation's placeholders differ from its msgid's (None when they match).
    Each plural form keeps the plural msgid's placeholders: a form said only of n = 1 may
    leave the count out, as the singular msgid may ("Please correct this problem:")."""
    ids = _forms(message.id)
    wanted = placeholders(ids[-1])
    for index, form in enumerate(_forms(message.string)):
        if not form:
            continue
        found = placeholders(form)
        if found == wanted or (index in one_only and found == placeholders(ids[0])):
            continue
        return (f"placeholders {', '.join(found) or 'none'} in the translation {form!r}, "
                f"but {', '.join(wanted) or 'none'} in the msgid")
    return None


def expected_plural_forms(language: str) -> str:
    from babel.messages.plurals import get_plural

    return get_plural(language).plural_forms


def check(catalog: UICatalog, template: Catalog | None = None) -> list[Problem]:
    """Everything that keeps the catalogue from showing the app whole in each language."""
    from babel.messages.mofile import read_mo

    template = template if template is not None else extract(catalog)
    problems: list[Problem] = []

    def problem(language: str | None, text: str) -> None:
        problems.append(Problem(catalog.name, language, text))

    if not catalog.pot_path.exists() or {m.id for m in read(catalog.pot_path) if m.id} != {
            m.id for m in template if m.id}:
        problem(None, f"{catalog.pot_path.name} is not what the sources say: run "
                      f"`digiready i18n update --app {catalog.name}`")
    for language in catalog.catalog_languages:
        path = catalog.po_path(language)
        if not path.exists():
            problem(language, f"no catalogue ({path.relative_to(catalog.root)}): run "
                              f"`digiready i18n update --app {catalog.name}`")
            continue
        po = read(path, language)
        header = po.plural_forms
        one_only = one_only_forms(po.plural_expr, po.num_plurals)
        if language != catalog.source_language and header != expected_plural_forms(language):
            problem(language, f"Plural-Forms is {header!r}, CLDR (Babel) says "
                              f"{expected_plural_forms(language)!r}")
        for wanted in template:
            if not wanted.id:
                continue
            message = po.get(wanted.id, context=wanted.context)
            if message is None:
                problem(language, f"missing {wanted.id!r} (run `digiready i18n update`, "
                                  "then translate)")
            elif message.fuzzy:
                problem(language, f"fuzzy {wanted.id!r}: check the translation, remove the flag")
            elif not is_translated(message):
                problem(language, f"untranslated {wanted.id!r}")
            elif _forms(message.id) != _forms(wanted.id):
                problem(language, f"{wanted.id!r}: plural msgid differs from the sources'")
            elif isinstance(message.string, (list, tuple)) and len(message.string) != po.num_plurals:
                problem(language, f"{wanted.id!r}: {len(message.string)} plural forms, the "
                                  f"header says {po.num_plurals}")
            else:
                why = placeholder_problem(message, one_only)
                if why:
                    problem(language, f"{wanted.id!r}: {why}")
        problems.extend(Problem(catalog.name, language, f"{m.id!r}: {err}")
                        for m, errors in po.check() for err in errors
                        if not any(str(err) in p.message for p in problems))
        compiled = catalog.mo_path(language)
        if not compiled.exists():
            problem(language, "no compiled .mo: run `digiready i18n compile`")
        else:
            with compiled.open("rb") as fh:
                mo = read_mo(fh)
            if _translations(mo) != _translations(po):
                problem(language, f"{compiled.name} differs from {path.name}: run "
                                  f"`digiready i18n compile --app {catalog.name}`")
    return problems


def _translations(po: Catalog) -> dict:
    return {(m.context, _forms(m.id)): _forms(m.string) for m in po
            if m.id and is_translated(m)}


def check_all(catalogs: Iterable[UICatalog]) -> Iterator[Problem]:
    for catalog in catalogs:
        yield from check(catalog)
