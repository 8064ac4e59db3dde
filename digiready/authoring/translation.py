"""Translation states, coverage, and the PO files professional translators work in (XLIFF
2.0 files: :mod:`digiready.authoring.xliff`).

States follow Weblate's: *missing* (no text), *draft* (translated, not yet approved),
*needs review* (the source text changed since the translation was saved: set by itself,
never by hand), *approved* (only reviewers set it). PO files carry one entry per string:
``msgctxt`` = the string's key, ``msgid`` = the source, ``msgstr`` = the translation, and the
``fuzzy`` flag for "needs review"; Babel (``babel.messages.pofile``) reads and writes them.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from digiready.authoring.build import Unit
from digiready.authoring.forms import text_problem
from digiready.packs.interface import placeholder_problem

MISSING, DRAFT, NEEDS_REVIEW, APPROVED = "missing", "draft", "needs_review", "approved"
STATES = (MISSING, NEEDS_REVIEW, DRAFT, APPROVED)
MAX_STRING = 5_000
MAX_LONG_TEXT = 200_000  # a module script or its captions


def state(unit: Unit, row) -> str:
    if row is None or not row.text:
        return MISSING
    if row.source_hash and row.source_hash != unit.source_hash:
        return NEEDS_REVIEW
    if not row.source_hash:
        return NEEDS_REVIEW if row.status != APPROVED else APPROVED
    return row.status


@dataclass
class Coverage:
    total: int
    counts: dict[str, int]

    @property
    def translated_percent(self) -> float:
        done = self.total - self.counts.get(MISSING, 0)
        return round(100.0 * done / self.total, 1) if self.total else 100.0

    @property
    def approved_percent(self) -> float:
        return round(100.0 * self.counts.get(APPROVED, 0) / self.total, 1) if self.total else 100.0


def coverage(units: list[Unit], rows: dict) -> Coverage:
    counts = dict.fromkeys(STATES, 0)
    for unit in units:
        counts[state(unit, rows.get(unit.key))] += 1
    return Coverage(len(units), counts)


def text_error(unit: Unit, text: str) -> str | None:
    """Why ``text`` cannot be saved as the translation of ``unit``, or None."""
    limit = MAX_LONG_TEXT if unit.long else MAX_STRING
    if len(text) > limit:
        return (f"This text is {len(text):,} characters long; the limit for "
                f"{'a script or captions' if unit.long else 'one string'} is {limit:,}.")
    if unit.key.endswith(".captions") and text.strip() and not text.lstrip("\ufeff").startswith("WEBVTT"):
        return "Captions must be a WebVTT file: the first line is WEBVTT."
    if unit.interface:
        problem = placeholder_problem(text, unit.source, *unit.alternatives)
        if problem:
            return problem
    return text_problem(text)


# --------------------------------------------------------------------------------- PO

def export_po(units: list[Unit], rows: dict, language: str, economy: str) -> bytes:
    catalog = Catalog(locale=None, project=f"DigiReady {economy}", fuzzy=False)
    catalog.locale = None
    for unit in units:
        if unit.long:
            continue  # scripts and captions travel as files, not PO strings
        row = rows.get(unit.key)
        current = state(unit, row)
        catalog.add(unit.source, row.text if row is not None else "", context=unit.key,
                    flags=("fuzzy",) if current == NEEDS_REVIEW else ())
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=False, include_previous=False)
    header = f"# Translations of DigiReady for economy '{economy}' into '{language}'.\n"
    return header.encode() + out.getvalue()


@dataclass
class ImportedString:
    unit: Unit
    text: str
    fuzzy: bool
    line: int


def collect(found: list[ImportedString], problems: list[tuple[int, str]], unit: Unit, text: str,
            fuzzy: bool, line: int) -> None:
    """Keep a translator's string for ``unit`` (an empty one is "not translated"), or note at
    its line why it cannot be saved: a file with any such note is refused whole."""
    if not text:
        return
    error = text_error(unit, text)
    if error:
        problems.append((line, f"{unit.key}: {error}"))
        return
    found.append(ImportedString(unit, text, fuzzy, line))


class TranslationFileError(ValueError):
    """A PO or XLIFF file that cannot be imported; ``problems`` are (line, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__("; ".join(f"line {n}: {m}" for n, m in problems[:10]))
        self.problems = problems


def import_po(data: bytes, units: list[Unit]) -> list[ImportedString]:
    """Every translated string of a PO file, checked; nothing is returned (and so nothing
    saved) unless the whole file is good."""
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", 0) or 0
        raise TranslationFileError([(line, f"not a valid PO file: {exc}")]) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise TranslationFileError([(0, f"not a valid PO file: {exc}")]) from exc
    by_key = {u.key: u for u in units}
    problems: list[tuple[int, str]] = []
    found: list[ImportedString] = []
    for message in catalog:
        if not message.id:
            continue
        line = message.lineno or 0
        unit = by_key.get(message.context or "")
        if unit is None:
            problems.append((line, f"unknown string {message.context!r} (was it exported from "
                                   "this economy?)"))
            continue
        text = message.string if isinstance(message.string, str) else ""
        collect(found, problems, unit, text, message.fuzzy or message.id != unit.source, line)
    if problems:
        raise TranslationFileError(problems)
    return found
