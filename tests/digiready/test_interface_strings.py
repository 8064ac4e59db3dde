"""An overlay's interface strings (``interface/<lang>.yaml``): the pages' own words in a
language the adapters have no catalogue for. Read and checked by the pack loader (file:line
for each mistake), carried by the pack, turned into gettext translations once per pack, and
offered only when they cover every text of a catalogue's template."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from digiready.packs import interface, load_pack, validate_pack

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEMPLATE = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Save and continue"
msgstr ""

#, python-format
msgid "Step %(n)s of %(total)s"
msgstr ""

msgid "%(count)s answer"
msgid_plural "%(count)s answers"
msgstr[0] ""
msgstr[1] ""
"""
COMPLETE = """\
plural_forms: "nplurals=1; plural=0;"
strings:
- msgid: "Save and continue"
  msgstr: "บันทึกและไปต่อ"
- msgid: "Step %(n)s of %(total)s"
  msgstr: "ขั้นที่ %(n)s จาก %(total)s"
- msgid: "%(count)s answer"
  msgid_plural: "%(count)s answers"
  msgstr: ["%(count)s คำตอบ"]
"""


@pytest.fixture
def overlay(tmp_path):
    """The fixture overlay ``xx`` copied as a Thai one, and a catalogue template."""
    folder = tmp_path / "th"
    shutil.copytree(FIXTURES / "economies" / "xx", folder)
    manifest = folder / "overlay.yaml"
    manifest.write_text(manifest.read_text().replace("economy: xx", "economy: th")
                        .replace("languages: [es]", "languages: [th]")
                        .replace("default_language: es", "default_language: th"))
    (folder / "interface").mkdir()
    template = tmp_path / "messages.pot"
    template.write_text(TEMPLATE)
    return folder, template


def _write(folder: Path, text: str) -> None:
    (folder / "interface" / "th.yaml").write_text(text)


def test_complete_strings_are_offered_as_gettext_translations(overlay):
    folder, template = overlay
    _write(folder, COMPLETE)
    pack = load_pack(FIXTURES / "pack", str(folder), "th")
    assert pack.language == "th" and pack.interface is not None
    found = interface.page_translations(pack, template)
    assert found is not None
    assert found.gettext("Save and continue") == "บันทึกและไปต่อ"
    assert found.gettext("Step %(n)s of %(total)s") % {"n": 1, "total": 3} == "ขั้นที่ 1 จาก 3"
    assert found.ngettext("%(count)s answer", "%(count)s answers", 5) == "%(count)s คำตอบ"
    assert found.gettext("Not in the overlay") == "Not in the overlay"
    assert interface.page_translations(pack, template) is found  # built once per pack
    assert interface.missing_messages(pack, template) == []


def test_incomplete_strings_are_not_offered_except_for_a_preview(overlay):
    folder, template = overlay
    _write(folder, COMPLETE.replace('msgstr: "บันทึกและไปต่อ"', "msgstr: null"))
    pack = load_pack(FIXTURES / "pack", str(folder), "th")
    assert interface.page_translations(pack, template) is None
    assert [m.msgid for m in interface.missing_messages(pack, template)] == ["Save and continue"]
    partial = interface.page_translations(pack, template, partial=True)
    assert partial.gettext("Step %(n)s of %(total)s") == "ขั้นที่ %(n)s จาก %(total)s"
    # A plural needs every form the language has.
    template.write_text(TEMPLATE)
    _write(folder, COMPLETE.replace('msgstr: ["%(count)s คำตอบ"]', 'msgstr: [null]'))
    pack = load_pack(FIXTURES / "pack", str(folder), "th")
    assert [m.msgid for m in interface.missing_messages(pack, template)] == ["%(count)s answer"]


def test_a_pack_in_another_language_gets_no_interface_strings(overlay):
    folder, template = overlay
    _write(folder, COMPLETE)
    english = load_pack(FIXTURES / "pack", str(folder), "en")
    assert english.language == "en"
    assert interface.page_translations(english, template) is None


@pytest.mark.parametrize(("text", "where", "message"), [
    (COMPLETE.replace("ขั้นที่ %(n)s จาก %(total)s", "ขั้นที่ %(n)s"), "th.yaml:6:",
     "missing %(total)s"),
    (COMPLETE.replace("ขั้นที่ %(n)s จาก %(total)s", "ขั้นที่ %(m)s จาก %(total)s"), "th.yaml:6:",
     "not in the English text: %(m)s"),
    (COMPLETE.replace('["%(count)s คำตอบ"]', '["%(count)s คำตอบ", "%(count)s คำตอบ"]'),
     "th.yaml:9:", "plural_forms says 1 form(s); this gives 2"),
    (COMPLETE + '- msgid: "Save and continue"\n  msgstr: "อีกครั้ง"\n', "th.yaml:10:",
     "already translated at line 3"),
    (COMPLETE.replace("msgid: \"Save and continue\"", "msgid: 12"), "th.yaml:3:", "is not of type 'string'"),
    (COMPLETE.replace('"nplurals=1; plural=0;"', '"two forms"'), "th.yaml:1:", "does not match"),
])
def test_mistakes_are_errors_at_their_line(overlay, text, where, message):
    folder, _template = overlay
    _write(folder, text)
    issues, _coverage = validate_pack(FIXTURES / "pack", str(folder))
    errors = [str(i) for i in issues if i.severity == "error"]
    assert any(where in e and message in e for e in errors), errors


def test_a_language_learners_cannot_choose_is_a_warning(overlay):
    folder, _template = overlay
    (folder / "interface" / "km.yaml").write_text(COMPLETE)
    issues, _coverage = validate_pack(FIXTURES / "pack", str(folder))
    assert not [i for i in issues if i.severity == "error"]
    assert any("km.yaml" in str(i) and "never see" in str(i) for i in issues)


def test_placeholders_compare_named_ones_as_a_set_and_positional_ones_in_order():
    assert interface.placeholder_problem("%(b)s y %(a)s", "%(a)s and %(b)s") is None
    assert interface.placeholder_problem("100%% listo", "100%% done") is None
    assert interface.placeholder_problem("%d de %s", "%s of %d") is not None
    assert interface.placeholder_problem("{n} ข้อ", "{n} items") is None
    assert "missing {n}" in interface.placeholder_problem("ข้อ", "{n} items")
    # A plural form may follow the singular or the plural English text.
    assert interface.placeholder_problem("%(n)s คำตอบ", "One answer", "%(n)s answers") is None


def test_the_apps_whose_pages_show_packs_are_the_ones_translated():
    found = {c.name: c for c in interface.catalogues()}
    assert set(found) == {"lti", "xblocks"}  # not Studio's, not the portal's
    for catalogue in found.values():
        assert interface.catalogue_messages(catalogue), catalogue.pot_path
        assert not interface.needs(catalogue, "es") and interface.needs(catalogue, "th")


def test_economy_commands_write_the_pages_words_and_keep_translations(tmp_path, capsys):
    from digiready.cli.main import main

    pack = tmp_path / "base"
    shutil.copytree(FIXTURES / "pack", pack)
    assert main(["economy", "new", "th", "--language", "th", "--pack", str(pack)]) == 0
    path = tmp_path / "economies" / "th" / "interface" / "th.yaml"
    assert "0 of" in capsys.readouterr().out
    text = path.read_text()
    assert 'msgid: "Save and continue"\n  msgstr: null' in text
    issues, _ = validate_pack(pack, str(path.parent.parent))
    assert not [i for i in issues if i.severity == "error"], issues
    path.write_text(text.replace('msgid: "Save and continue"\n  msgstr: null',
                                 'msgid: "Save and continue"\n  msgstr: "บันทึกและไปต่อ"'))
    assert main(["economy", "translations", "th", "--language", "th", "--pack", str(pack)]) == 0
    assert "1 of" in capsys.readouterr().out
    assert 'msgstr: "บันทึกและไปต่อ"' in path.read_text()
    # A language the pages have: no such file.
    assert main(["economy", "translations", "th", "--language", "es", "--pack", str(pack)]) == 0
    assert not (path.parent / "es.yaml").exists()
