"""The pages' own words translated in Studio like content strings (read from the adapters'
catalogues, checked for placeholders, coverage and what learners will see), and XLIFF 2.0
files for professional translators: valid against the XLIFF 2.0 core schema, imported back,
and a broken file refused whole with the line of each mistake."""
from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from lxml import etree

from tests.studio.conftest import csrf_of, signed_in
from tests.studio.test_translation import rows, save, team  # noqa: F401  (the fixture)

NS = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
SCHEMA = Path(__file__).with_name("schemas") / "xliff_core_2.0_subset.xsd"
STEP = "interface.0.Step %(n)s of %(total)s"


def upload(client, data: bytes, name: str):
    page = client.get("/e/th/translate/th")
    return client.post("/e/th/translate/th/import", data={
        "csrf_token": csrf_of(page.text), "po": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def test_the_pages_words_are_translated_side_by_side(team):  # noqa: F811
    from digiready.packs.interface import catalogue_messages, catalogues

    translator = signed_in(team, "translator@example.org")
    listing = translator.get("/e/th/translate")
    assert "The words of the learning pages" in listing.text
    assert "DigiReady LTI tool" in listing.text and "texts missing" in listing.text
    page = translator.get("/e/th/translate/th?area=interface")
    # Every text of the catalogues is there, read from the shipped templates.
    total = int(re.search(r"(\d+) strings", page.text).group(1))
    msgids = {m.msgid for c in catalogues() for m in catalogue_messages(c)}
    assert total == len(msgids)
    # Strings are paged; the deep-linking title is on one of the pages.
    paged = re.search(r"page 1 of (\d+)", page.text)
    pages = int(paged.group(1)) if paged else 1
    texts = [translator.get(f"/e/th/translate/th?area=interface&page={n}").text
             for n in range(1, pages + 1)]
    assert sum("DigiReady: digital readiness diagnostic" in t for t in texts) == 1
    lost = save(translator, STEP, "ขั้นที่ %(n)s")
    assert lost.status_code == 422 and "missing %(total)s" in lost.text
    assert STEP not in rows()  # nothing saved
    assert save(translator, STEP, "ขั้นที่ %(n)s จาก %(total)s").status_code == 303
    assert rows()[STEP] == ("ขั้นที่ %(n)s จาก %(total)s", "draft")
    reviewer = signed_in(team, "reviewer@example.org")
    review = reviewer.get("/e/th/review")
    assert 'id="english-pages"' in review.text and "in English until" in review.text


def test_xliff_export_is_valid_and_comes_back(team):  # noqa: F811
    translator = signed_in(team, "translator@example.org")
    assert save(translator, "dimensions.connectivity.title", "การเชื่อมต่อ").status_code == 303
    answer = translator.get("/e/th/translate/th.xlf")
    assert answer.status_code == 200 and answer.mimetype == "application/xliff+xml"
    document = etree.fromstring(answer.data)
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(document), schema.error_log
    assert document.get("trgLang") == "th"
    by_name = {u.get("name"): u for u in document.iterfind(".//x:unit", NS)}
    done = by_name["dimensions.connectivity.title"].find("x:segment", NS)
    assert done.get("state") == "translated" and done.findtext("x:target", namespaces=NS) == "การเชื่อมต่อ"
    assert by_name[STEP].find("x:segment", NS).get("state") == "initial"
    assert by_name[STEP].get("id") != STEP  # spaces and % make no XML name: a hash
    # The translator's tool fills two targets; one string's segment split in two.
    for name, text in ((STEP, "ขั้นที่ %(n)s จาก %(total)s"), ("levels.beginner.title", "ผู้เริ่มต้น")):
        segment = by_name[name].find("x:segment", NS)
        etree.SubElement(segment, f"{{{NS['x']}}}target").text = text
        segment.set("state", "translated")
    novice = by_name["levels.novice.title"]
    first = novice.find("x:segment", NS)
    etree.SubElement(first, f"{{{NS['x']}}}target").text = "มือ"
    second = etree.SubElement(novice, f"{{{NS['x']}}}segment", state="translated")
    etree.SubElement(second, f"{{{NS['x']}}}source").text = ""
    etree.SubElement(second, f"{{{NS['x']}}}target").text = "ใหม่"
    assert schema.validate(document), schema.error_log
    imported = upload(translator, etree.tostring(document, xml_declaration=True, encoding="UTF-8"),
                      "th.xlf")
    assert imported.status_code == 303, imported.text[:2000]
    saved = rows()
    assert saved[STEP] == ("ขั้นที่ %(n)s จาก %(total)s", "draft")
    assert saved["levels.beginner.title"] == ("ผู้เริ่มต้น", "draft")
    assert saved["levels.novice.title"][0] == "มือใหม่"


@pytest.mark.parametrize(("edit", "message"), [
    (lambda x: x.replace("</file>", "<unit></file>", 1), "not well-formed XML"),
    (lambda x: x.replace('name="levels.novice.title"', 'name="levels.nobody.title"', 1),
     "unknown string 'levels.nobody.title'"),
    (lambda x: x.replace("<source>Step %(n)s of %(total)s</source>",
                         "<source>Step %(n)s of %(total)s</source><target>ขั้นที่ %(n)s</target>", 1),
     "missing %(total)s"),
    (lambda x: x.replace("<source>Beginner</source>",
                         '<source>Beginner</source><target>ผู้<ph id="1"/>เริ่ม</target>', 1),
     "XLIFF <ph> element"),
    (lambda x: x.replace('version="2.0"', 'version="1.2"', 1), "not an XLIFF 2.0 file"),
    (lambda x: x.replace('trgLang="th"', 'trgLang="vi"', 1), "translates into 'vi'"),
])
def test_a_broken_xliff_file_saves_nothing(team, edit, message):  # noqa: F811
    translator = signed_in(team, "translator@example.org")
    exported = translator.get("/e/th/translate/th.xlf").text
    # One good string in the same file: it must not be saved either.
    good = exported.replace("<source>Beginner</source>",
                            "<source>Beginner</source><target>ผู้เริ่มต้น</target>", 1)
    if "<ph" in edit(good):
        good = exported
    broken = edit(good)
    assert broken != good
    answer = upload(translator, broken.encode(), "th.xlf")
    assert answer.status_code == 422, answer.text[:1000]
    shown = html.unescape(answer.text)
    assert message in shown and re.search(r"line \d+", shown), shown[:3000]
    assert "levels.beginner.title" not in rows()


def test_an_entity_bomb_is_refused_without_expanding_it(team):  # noqa: F811
    translator = signed_in(team, "translator@example.org")
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en">'
            '<file id="f"><unit id="u" name="levels.beginner.title"><segment><source>Beginner</source>'
            '<target>&c;</target></segment></unit></file></xliff>')
    answer = upload(translator, bomb.encode(), "th.xlf")
    assert answer.status_code == 422 and "DOCTYPE" in answer.text
    assert "levels.beginner.title" not in rows()
