"""The words of the learning pages themselves (buttons, headings, messages) in a language the
pages have no compiled catalogue for, written by an economy's team in its overlay.

An economy can add a language the project never shipped (Thai for ``th``) and translate its
content; the pages around that content come from the adapters' gettext catalogues, which the
economy team cannot compile. So an overlay may hold ``interface/<lang>.yaml``::

    plural_forms: "nplurals=1; plural=0;"          # gettext's rule for the language
    strings:
      - msgid: "Next"                             # the English text, as in the catalogue
        msgstr: "ถัดไป"
      - msgid: "%(n)s answer"                     # a text that depends on a number
        msgid_plural: "%(n)s answers"
        msgstr: ["%(n)s คำตอบ"]                     # one form per nplurals

Which texts there are is not decided here: each app's interface catalogue is registered
(:class:`digiready.ui_catalogs.UICatalog`, ``pack_pages`` for the apps whose pages show a
pack), and only the public shape of its template counts (the msgids of its ``.pot``). An adapter asks :func:`page_translations` for a pack's
language; it gets a gettext translations object built from the overlay (cached with the
pack, so once per published version) when the overlay covers every message of its template,
and plugs it in where its own catalogue would be (Flask-Babel's domain, the XBlocks'
translator). A language is offered to learners only once its interface strings are complete:
one language per page, never a page half in English.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

FOLDER = "interface"
DEFAULT_PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
# The plural rule is a C expression of n (it ends up in the blocks' JavaScript too): only
# n, numbers, spaces, parentheses and C's operators, as every gettext rule is written.
PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*(?P<n>[1-6])\s*;\s*plural\s*=\s*"
                          r"(?P<expr>[n0-9\s?:<>=!&|%()+*/-]+?)\s*;?\s*$")
# printf-style (``%(name)s``, ``%s``, ``%d``; ``%%`` is a literal) and brace placeholders.
PRINTF = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"
                    r"(?P<type>[diouxXeEfFgGcrsa%])")
BRACE = re.compile(r"(?<!\{)\{(?P<name>\w*)\}(?!\})")

Key = tuple  # (context or None, msgid)


@dataclass(frozen=True)
class Message:
    """One message of a catalogue template."""

    msgid: str
    plural: str | None = None
    context: str | None = None

    @property
    def key(self) -> Key:
        return (self.context, self.msgid)


def base_language(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def catalogues() -> list:
    """The installed apps' interface catalogues whose pages show a content pack
    (:class:`digiready.ui_catalogs.UICatalog` with ``pack_pages``), in registration order."""
    from digiready.ui_catalogs import registered

    return [c for c in registered() if c.pack_pages]


def needs(catalogue, language: str) -> bool:
    """Whether the catalogue's pages need the overlay's words to speak ``language``."""
    return base_language(language) not in catalogue.offered()


def catalogue_messages(catalogue) -> tuple[Message, ...]:
    return template_messages(catalogue.pot_path)


def template_messages(path: Path) -> tuple[Message, ...]:
    """The messages of a ``.pot`` or ``.po`` file, in file order (cached per file version)."""
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return ()
    return _template_messages(str(path), stamp)


@lru_cache(maxsize=16)
def _template_messages(path: str, _stamp: int) -> tuple[Message, ...]:
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id:
            continue  # the header
        if isinstance(message.id, (list, tuple)):
            found.append(Message(message.id[0], message.id[1], message.context))
        else:
            found.append(Message(message.id, None, message.context))
    return tuple(found)


# ------------------------------------------------------------------------------ placeholders

def placeholders(text: str) -> tuple[Counter, list[str]]:
    """Named placeholders (``%(n)s``, ``{n}``) as a multiset, positional ones in order."""
    named: Counter = Counter()
    positional: list[str] = []
    for match in PRINTF.finditer(text or ""):
        if match["type"] == "%":
            continue
        if match["name"] is not None:
            named[match.group(0)] += 1
        else:
            positional.append(match["type"])
    for match in BRACE.finditer(text or ""):
        named["{" + match["name"] + "}"] += 1
    return named, positional


def placeholder_problem(text: str, *sources: str) -> str | None:
    """Why ``text`` cannot translate ``sources[0]`` (or, for a plural form, any of the
    sources): its placeholders differ. None when they match."""
    if not text:
        return None
    wanted = [placeholders(s) for s in sources if s]
    got = placeholders(text)
    if not wanted or any(got[0] == w[0] and got[1] == w[1] for w in wanted):
        return None
    source_named, source_positional = wanted[0]
    missing = sorted((source_named - got[0]).elements())
    extra = sorted((got[0] - source_named).elements())
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not in the English text: " + ", ".join(extra))
    if source_positional != got[1]:
        parts.append(f"the English text has {len(source_positional)} unnamed placeholder(s) "
                     f"(%s, %d...), this has {len(got[1])}")
    return ("Keep the placeholders of the English text exactly as they are (the page puts a "
            "number or a name there): " + "; ".join(parts or ["they differ"]) + ".")


def plural_count(plural_forms: str | None) -> int:
    found = PLURAL_FORMS.match(plural_forms or DEFAULT_PLURAL_FORMS)
    return int(found["n"]) if found else 2


def plural_expression(plural_forms: str | None) -> str:
    """The C expression of ``n`` giving a plural form's index."""
    found = PLURAL_FORMS.match(plural_forms or "") or PLURAL_FORMS.match(DEFAULT_PLURAL_FORMS)
    return found["expr"]


# ----------------------------------------------------------------------- an overlay's strings

@dataclass(frozen=True)
class InterfaceStrings:
    """The interface strings of one language, as a pack carries them."""

    language: str
    plural_forms: str
    # (context, msgid) -> text, or the plural forms (a form may be None: not translated)
    strings: Mapping[Key, Any]
    plurals: Mapping[Key, str] = field(default_factory=dict)  # (context, msgid) -> msgid_plural
    _cache: dict = field(default_factory=dict, repr=False, compare=False, hash=False)

    def has(self, message: Message) -> bool:
        value = self.strings.get(message.key)
        if message.plural is None:
            return isinstance(value, str) and bool(value)
        return (isinstance(value, (list, tuple)) and len(value) >= plural_count(self.plural_forms)
                and all(isinstance(v, str) and v for v in value))

    def missing(self, messages: Iterable[Message]) -> list[Message]:
        return [m for m in messages if not self.has(m)]

    def translations(self):
        """A gettext translations object (Babel's, which Flask-Babel and the standard
        library's callers both accept) holding every translated string; built once."""
        found = self._cache.get("translations")
        if found is None:
            found = self._cache["translations"] = _compile(self)
        return found


def _compile(strings: InterfaceStrings):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    catalog = Catalog(locale=None, fuzzy=False, charset="utf-8")
    catalog.mime_headers = [("Content-Type", "text/plain; charset=utf-8"),
                            ("Plural-Forms", strings.plural_forms)]
    for (context, msgid), value in strings.strings.items():
        if isinstance(value, str) and value:
            catalog.add(msgid, value, context=context)
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) and v for v in value):
            plural = strings.plurals.get((context, msgid)) or msgid
            catalog.add((msgid, plural), tuple(value), context=context)
    out = io.BytesIO()
    write_mo(out, catalog)
    out.seek(0)
    return Translations(out)


def strings_of(data: Any, language: str) -> InterfaceStrings:
    """The strings of a parsed (schema-valid) ``interface/<lang>.yaml``."""
    data = data if isinstance(data, dict) else {}
    found: dict[Key, Any] = {}
    plurals: dict[Key, str] = {}
    for entry in data.get("strings") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("msgid"), str):
            continue
        key = (entry.get("context"), entry["msgid"])
        value = entry.get("msgstr")
        found[key] = tuple(value) if isinstance(value, list) else value
        if isinstance(entry.get("msgid_plural"), str):
            plurals[key] = entry["msgid_plural"]
    forms = data.get("plural_forms")
    return InterfaceStrings(language, forms if isinstance(forms, str) and PLURAL_FORMS.match(forms)
                            else DEFAULT_PLURAL_FORMS, found, plurals)


def check_document(doc) -> list:
    """What the schema cannot say about an interface file: a text given twice, plural forms
    that do not fit ``plural_forms``, and placeholders that differ from the English text's.
    ``doc`` is the file's :class:`~digiready.packs.yamlfile.YamlDocument`."""
    data = doc.data if isinstance(doc.data, dict) else {}
    issues = []
    forms = plural_count(data.get("plural_forms"))
    seen: dict[Key, int] = {}
    for n, entry in enumerate(data.get("strings") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("msgid"), str):
            continue
        key = (entry.get("context"), entry["msgid"])
        if key in seen:
            line = doc.position(("strings", seen[key]))[0]
            issues.append(doc.issue(("strings", n, "msgid"),
                                    f"this text is already translated at line {line}"))
            continue
        seen[key] = n
        value = entry.get("msgstr")
        plural = entry.get("msgid_plural")
        if isinstance(value, list):
            if not isinstance(plural, str):
                issues.append(doc.issue(("strings", n, "msgstr"),
                                        "a list of forms needs msgid_plural (the English plural)"))
                continue
            if len(value) != forms:
                issues.append(doc.issue(("strings", n, "msgstr"),
                                        f"plural_forms says {forms} form(s); this gives {len(value)}"))
            for i, text in enumerate(value):
                problem = placeholder_problem(text, entry["msgid"], plural) if i == 0 or forms == 1 \
                    else placeholder_problem(text, plural, entry["msgid"])
                if isinstance(text, str) and problem:
                    issues.append(doc.issue(("strings", n, "msgstr", i), problem))
        elif isinstance(value, str):
            if isinstance(plural, str):
                issues.append(doc.issue(("strings", n, "msgstr"),
                                        f"a text with msgid_plural takes a list of {forms} form(s)"))
                continue
            problem = placeholder_problem(value, entry["msgid"])
            if problem:
                issues.append(doc.issue(("strings", n, "msgstr"), problem))
    return issues


# ---------------------------------------------------------------------------------- adapters

def page_translations(pack, template: Path, *, partial: bool = False):
    """The gettext translations for the pages of a catalogue (named by its ``template``) in
    ``pack.language``, from the pack's overlay; None when the overlay has no interface
    strings in that language, or (unless ``partial``, which a preview of a draft asks for)
    when they do not cover every message of the template yet."""
    strings = getattr(pack, "interface", None)
    if strings is None or strings.language != pack.language:
        return None
    if not partial and strings.missing(template_messages(template)):
        return None
    return strings.translations()


def missing_messages(pack, template: Path) -> list[Message]:
    strings = getattr(pack, "interface", None)
    messages = template_messages(template)
    if strings is None or strings.language != pack.language:
        return list(messages)
    return strings.missing(messages)
