"""Every interface catalogue whole in every language (issue 17 item 11): `digiready i18n
check` fails on any string a fresh extraction finds that a catalogue lacks, leaves fuzzy or
untranslated, translates with other placeholders or plural forms, or a stale .mo; and on a
learner- or attendee-facing app (LTI tool, portal, XBlocks) that does not offer every pack
language (en, es, fil, vi, id, tpi). Studio, for economy teams, offers what it has (en, es)
and is checked whole in those. This test runs the command itself, as CI and translators do."""
from __future__ import annotations

import dataclasses
import re
import shutil

import pytest

from digiready import ui_catalogs
from digiready.cli.main import main as cli

PACK_LANGUAGES = ["en", "es", "fil", "vi", "id", "tpi"]


def test_digiready_i18n_check_passes_for_every_catalogue_and_language(capsys):
    code = cli(["i18n", "check"])
    out = capsys.readouterr().out
    assert code == 0, out
    names = {c.name for c in ui_catalogs.registered()}
    assert {"lti", "portal", "studio", "xblocks"} <= names
    for catalog in ui_catalogs.registered():
        assert f"{catalog.name} (" in out and "complete" in out.split(f"{catalog.name} (")[1]
        if catalog.learner_facing:
            assert list(catalog.offered()) == PACK_LANGUAGES, catalog.name


def test_the_pack_languages_are_the_six():
    assert ui_catalogs.pack_languages() == PACK_LANGUAGES


def test_no_msgid_writes_a_plural_with_a_bracketed_s():
    """"problem(s)", "1 people": counts go through ngettext, in every catalogue."""
    found = []
    for catalog in ui_catalogs.registered():
        for message in ui_catalogs.read(catalog.pot_path):
            for text in ([message.id] if isinstance(message.id, str) else message.id or []):
                if re.search(r"[A-Za-z]\(s\)|\b1 (people|learners|responses|seats)\b", text):
                    found.append((catalog.name, text))
    assert found == []


@pytest.fixture
def portal_copy(tmp_path):
    """The portal's catalogue copied aside (the real one is never edited by a test)."""
    portal = next(c for c in ui_catalogs.registered() if c.name == "portal")
    shutil.copytree(portal.folder, tmp_path / portal.directory)
    return portal, dataclasses.replace(portal, root=tmp_path)


def test_the_check_names_a_missing_a_fuzzy_and_an_untranslated_string(portal_copy):
    real, copy = portal_copy
    template = ui_catalogs.extract(real)
    assert ui_catalogs.check(copy, template) == []
    path = copy.po_path("tpi")
    po = ui_catalogs.read(path, "tpi")
    del po["Programme"]
    po["Speakers"].flags.add("fuzzy")
    po["Privacy"].string = ""
    ui_catalogs.write(path, po)
    problems = [str(p) for p in ui_catalogs.check(copy, template)]
    assert "portal/tpi: missing 'Programme' (run `digiready i18n update`, then translate)" \
        in problems
    assert "portal/tpi: fuzzy 'Speakers': check the translation, remove the flag" in problems
    assert "portal/tpi: untranslated 'Privacy'" in problems
    assert any("messages.mo differs" in p for p in problems)
    assert not [p for p in problems if "/es:" in p]
