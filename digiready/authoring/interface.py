"""The pages' own words (buttons, headings, messages) as strings a team translates side by
side with its content, kept in the overlay's ``interface/<lang>.yaml``
(:mod:`digiready.packs.interface` says what that file is and how the pages use it).

Each text of a catalogue is one translation unit per plural form, keyed
``interface.<form>.<msgid>`` (``interface.<form>.<context>\\x04<msgid>`` when the catalogue
gives a context), so states, approval, optimistic locks, PO and XLIFF files work on them
exactly as on content strings. Which texts there are comes from the catalogues the adapters
registered, for the languages at least one of them has no compiled catalogue for: never a
copied list.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from digiready.packs.interface import (
    DEFAULT_PLURAL_FORMS,
    Message,
    catalogue_messages,
    catalogues,
    needs,
    plural_count,
)

PREFIX = "interface."
CONTEXT_SEPARATOR = "\x04"  # as in a compiled gettext catalogue


def is_interface(unit: str) -> bool:
    return unit.startswith(PREFIX)


def unit_key(message: Message, form: int = 0) -> str:
    text = f"{message.context}{CONTEXT_SEPARATOR}{message.msgid}" if message.context else message.msgid
    return f"{PREFIX}{form}.{text}"


def parse_unit(unit: str) -> tuple[str | None, str, int]:
    """``interface.1.Hello`` -> (None, "Hello", 1)."""
    _prefix, form, text = unit.split(".", 2)
    context, _sep, msgid = text.rpartition(CONTEXT_SEPARATOR)
    return context or None, msgid, int(form)


def needing(language: str) -> list:
    """The catalogues whose pages need the overlay's words to speak ``language``."""
    return [c for c in catalogues() if needs(c, language)]


def plural_forms_for(language: str) -> str:
    """gettext's plural rule of ``language`` from Babel's CLDR data (the default rule for a
    language Babel does not know)."""
    from babel.messages.plurals import get_plural

    try:
        return str(get_plural(language.replace("-", "_")))
    except (ValueError, LookupError):
        return DEFAULT_PLURAL_FORMS


@dataclass(frozen=True)
class InterfaceText:
    """A text of the pages and the units it is translated in."""

    message: Message
    units: tuple[str, ...]
    catalogues: tuple[str, ...]  # names of the catalogues that show it


def texts_for(language: str) -> list[InterfaceText]:
    """Every text the pages need in ``language``, once each (a text two catalogues share,
    "Yes", is translated once), in catalogue order."""
    forms = plural_count(plural_forms_for(language))
    found: dict[tuple, InterfaceText] = {}
    for catalogue in needing(language):
        for message in catalogue_messages(catalogue):
            known = found.get(message.key)
            if known is not None:
                found[message.key] = InterfaceText(known.message, known.units,
                                                   known.catalogues + (catalogue.name,))
                continue
            count = forms if message.plural else 1
            found[message.key] = InterfaceText(
                message, tuple(unit_key(message, form) for form in range(count)), (catalogue.name,))
    return list(found.values())


@dataclass
class CatalogueCoverage:
    catalogue: object  # digiready.ui_catalogs.UICatalog
    total: int
    missing: list[Message]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def percent(self) -> float:
        done = self.total - len(self.missing)
        return round(100.0 * done / self.total, 1) if self.total else 100.0


def coverage(language: str, texts: dict[str, str]) -> list[CatalogueCoverage]:
    """Per catalogue needing ``language``: how many of its texts have a translation (every
    plural form) in ``texts`` (unit -> text); learners are offered the language in that
    catalogue's pages once it is complete."""
    by_key = {t.message.key: t for t in texts_for(language)}
    found = []
    for catalogue in needing(language):
        messages = catalogue_messages(catalogue)
        missing = [m for m in messages
                   if not all(texts.get(u) for u in by_key[m.key].units)]
        found.append(CatalogueCoverage(catalogue, len(messages), missing))
    return found


# ------------------------------------------------------------------------------- the file

def _q(text: str | None) -> str:
    return json.dumps(text, ensure_ascii=False) if isinstance(text, str) else "null"


def interface_file(language: str, texts: dict[str, str]) -> bytes:
    """``interface/<lang>.yaml``: every text the pages need in ``language`` (null where not
    translated yet), then translations of texts the pages no longer show, kept until someone
    removes them. Strings are JSON-quoted (a JSON string is a YAML scalar), so the file
    reads back exactly."""
    forms = plural_forms_for(language)
    lines = ["# yaml-language-server: $schema=../../../schema/interface.schema.json",
             f"# The words of the learning pages (buttons, headings, messages) in '{language}', for",
             "# the pages that have no catalogue of their own in it. Keep placeholders such as",
             f"# %(n)s exactly as they are. Learners see the pages in '{language}' once every text",
             "# below has a translation (msgstr); until then, in English.",
             f"plural_forms: {_q(forms)}", "strings:"]
    used = set()
    for text in texts_for(language):
        used.update(text.units)
        lines += _entry(text.message, [texts.get(u) for u in text.units])
    leftover: dict[tuple, dict[int, str]] = {}
    for unit, value in texts.items():
        if is_interface(unit) and unit not in used:
            context, msgid, form = parse_unit(unit)
            leftover.setdefault((context, msgid), {})[form] = value
    if leftover:
        lines.append("# Texts the pages no longer show (kept until you remove them):")
    for (context, msgid), values in sorted(leftover.items(), key=lambda kv: (kv[0][1], kv[0][0] or "")):
        count = max(values) + 1
        message = Message(msgid, msgid if count > 1 else None, context)
        lines += _entry(message, [values.get(n) for n in range(count)])
    return ("\n".join(lines) + "\n").encode()


def _entry(message: Message, values: list[str | None]) -> list[str]:
    lines = []
    if message.context:
        lines.append(f"- context: {_q(message.context)}")
    lines.append(f"{'  ' if message.context else '- '}msgid: {_q(message.msgid)}")
    if message.plural:
        lines.append(f"  msgid_plural: {_q(message.plural)}")
        lines.append(f"  msgstr: [{', '.join(_q(v) for v in values)}]")
    else:
        lines.append(f"  msgstr: {_q(values[0] if values else None)}")
    return lines


def file_texts(data) -> dict[str, str]:
    """unit -> text of a parsed interface file (untranslated entries left out)."""
    found: dict[str, str] = {}
    for entry in (data or {}).get("strings") or [] if isinstance(data, dict) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("msgid"), str):
            continue
        message = Message(entry["msgid"], entry.get("msgid_plural"), entry.get("context"))
        value = entry.get("msgstr")
        values = value if isinstance(value, list) else [value]
        for form, text in enumerate(values):
            if isinstance(text, str) and text:
                found[unit_key(message, form)] = text
    return found
