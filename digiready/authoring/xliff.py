"""XLIFF 2.0 files for professional translators (OASIS XLIFF Version 2.0, core only).

One ``<unit>`` per string, named by its key (``name``; the ``id`` is the key when it is an
XML name token, else a hash of it), with one ``<segment>``: the source, the translation when
there is one, and the state: *missing* -> ``initial`` without a target, *needs review* ->
``initial`` with the target and ``subState="digiready:needs-review"``, *draft* ->
``translated``, *approved* -> ``final``. Scripts and captions travel too (``xml:space``
keeps their lines).

Written and read with lxml rather than translate-toolkit's ``xliff2`` store: that one (3.20)
writes ``xml:space`` and ``<notes>`` on ``<segment>``, which the OASIS core schema does not
allow, and a CAT tool would refuse such a file. Reading uses a parser that loads no DTD,
expands no entity and reaches no network. A file with any mistake is refused whole, with the
line of each; a tool that split a unit into several segments is understood (the segments are
joined back in order).
"""
from __future__ import annotations

import re
from collections import Counter

from digiready.authoring.build import Unit
from digiready.authoring.translation import (
    APPROVED,
    NEEDS_REVIEW,
    ImportedString,
    TranslationFileError,
    collect,
    state,
)

NS = "urn:oasis:names:tc:xliff:document:2.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NMTOKEN = re.compile(r"^[A-Za-z0-9_.:-]+$")
NEEDS_REVIEW_SUBSTATE = "digiready:needs-review"
# Inline elements whose text is the translation's own (annotations); any other inline
# element (a placeholder, a code) is refused: DigiReady's strings are plain text.
TEXT_ELEMENTS = {f"{{{NS}}}mrk"}


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def unit_id(key: str) -> str:
    from digiready.authoring.content import sha256

    return key if NMTOKEN.match(key) and not key[0].isdigit() else "u" + sha256(key.encode())[:20]


def export_xliff(units: list[Unit], rows: dict, language: str, economy: str) -> bytes:
    from lxml import etree

    source_language = Counter(u.source_language for u in units).most_common(1)
    root = etree.Element(_q("xliff"), nsmap={None: NS},
                         attrib={"version": "2.0", "srcLang": source_language[0][0] if units else "en",
                                 "trgLang": language})
    file = etree.SubElement(root, _q("file"), id=f"digiready-{economy}-{language}")
    notes = etree.SubElement(file, _q("notes"))
    etree.SubElement(notes, _q("note"), category="description").text = (
        f"DigiReady, economy '{economy}': the strings learners see, for translation into "
        f"'{language}'. Keep placeholders such as %(n)s as they are.")
    for unit in units:
        row = rows.get(unit.key)
        current = state(unit, row)
        element = etree.SubElement(file, _q("unit"), id=unit_id(unit.key), name=unit.key)
        if unit.source_language != root.get("srcLang"):
            unit_notes = etree.SubElement(element, _q("notes"))
            etree.SubElement(unit_notes, _q("note"), category="source-language").text = (
                f"The source text is written in '{unit.source_language}'.")
        segment = etree.SubElement(element, _q("segment"))
        source = etree.SubElement(segment, _q("source"))
        source.text = unit.source
        if unit.long or "\n" in unit.source:
            source.set(f"{{{XML_NS}}}space", "preserve")
        if row is None or not row.text:
            segment.set("state", "initial")
            continue
        target = etree.SubElement(segment, _q("target"))
        target.text = row.text
        if source.get(f"{{{XML_NS}}}space"):
            target.set(f"{{{XML_NS}}}space", "preserve")
        if current == NEEDS_REVIEW:
            segment.set("state", "initial")
            segment.set("subState", NEEDS_REVIEW_SUBSTATE)
        else:
            segment.set("state", "final" if current == APPROVED else "translated")
    etree.indent(root, space="  ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _text(element, problems: list, key: str) -> str | None:
    """The plain text of a ``<source>``/``<target>`` (annotations' text included), or None
    after noting a problem when it holds other markup."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in TEXT_ELEMENTS:
            name = child.tag.split("}")[-1] if isinstance(child.tag, str) else "markup"
            problems.append((child.sourceline or element.sourceline or 0,
                             f"{key}: the text holds an XLIFF <{name}> element; DigiReady's "
                             "strings are plain text (remove it, keep its text)"))
            return None
        nested = _text(child, problems, key)
        if nested is None:
            return None
        parts.append(nested)
        parts.append(child.tail or "")
    return "".join(parts)


def import_xliff(data: bytes, units: list[Unit], language: str) -> list[ImportedString]:
    """Every translated string of an XLIFF 2.0 file, checked; nothing is returned (and so
    nothing saved) unless the whole file is good."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TranslationFileError([(exc.lineno or 0, f"not well-formed XML: {exc.msg}")]) from exc
    if root.getroottree().docinfo.doctype:
        raise TranslationFileError([(1, "an XLIFF file has no <!DOCTYPE>; export a new file "
                                        "from Studio and translate that")])
    if root.tag != _q("xliff") or not (root.get("version") or "").startswith("2."):
        found = root.get("version") or root.tag.split("}")[-1]
        raise TranslationFileError([(root.sourceline or 1, f"not an XLIFF 2.0 file (found "
                                     f"{found!r}); export the XLIFF file from this page")])
    if root.get("trgLang") and root.get("trgLang") != language:
        raise TranslationFileError([(root.sourceline or 1, f"this file translates into "
                                     f"'{root.get('trgLang')}', not '{language}'")])
    by_key = {u.key: u for u in units}
    by_id = {unit_id(u.key): u for u in units}
    problems: list[tuple[int, str]] = []
    found: list[ImportedString] = []
    seen: dict[str, int] = {}
    for element in root.iter(_q("unit")):
        line = element.sourceline or 0
        name = element.get("name")
        unit = by_key.get(name) if name is not None else by_id.get(element.get("id") or "")
        if unit is None:
            problems.append((line, f"unknown string {element.get('name') or element.get('id')!r} "
                                   "(was this file exported from this economy?)"))
            continue
        if unit.key in seen:
            problems.append((line, f"{unit.key}: already in this file at line {seen[unit.key]}"))
            continue
        seen[unit.key] = line
        sources, targets, states, fuzzy = [], [], [], False
        for part in element:
            if part.tag not in (_q("segment"), _q("ignorable")):
                continue
            source, target = part.find(_q("source")), part.find(_q("target"))
            sources.append(_text(source, problems, unit.key) if source is not None else "")
            if target is None:
                targets.append(None if part.tag == _q("segment") else sources[-1])
            else:
                targets.append(_text(target, problems, unit.key))
            if part.tag == _q("segment"):
                states.append(part.get("state") or "")
                fuzzy = fuzzy or part.get("subState") == NEEDS_REVIEW_SUBSTATE
        if any(t is None for t in targets):
            continue  # not translated (or a markup problem, noted above)
        text = "".join(targets)
        fuzzy = fuzzy or "initial" in states or "".join(s or "" for s in sources) != unit.source
        collect(found, problems, unit, text if unit.long else text.strip(), fuzzy, line)
    if problems:
        raise TranslationFileError(sorted(problems))
    return found

