"""Translations in the Open edX layout, complete and compiled; the shared result view model;
content chosen by name only; both entry points installed."""
from __future__ import annotations

import gettext
import io
import json
from importlib.metadata import entry_points

import pytest

from digiready.presentation.results_view import (
    benchmark_sentence,
    change_summary,
    recommendation_groups,
    results_view,
)
from xblocks import content, i18n_build
from xblocks.i18n import CATALOG, LOCALES, Translator, negotiate


@pytest.mark.parametrize("locale", LOCALES)
def test_the_javascript_catalogs_say_what_the_compiled_catalogs_say(locale):
    """textjs.js holds the strings the blocks' JavaScript shows, as text.mo translates them,
    with the language's plural rule (rebuild: digiready i18n compile --app xblocks). Every
    catalogue's completeness is tests/i18n/test_ui_catalogs.py's."""
    js = (i18n_build.JS_CATALOG / locale / "textjs.js").read_text(encoding="utf-8")
    assert js == i18n_build.js_catalog_text(CATALOG, locale) and "DigiReadyI18N" in js
    assert "Saving..." in i18n_build.js_msgids()
    with open(CATALOG.mo_path(locale), "rb") as shipped:
        saving = gettext.GNUTranslations(shipped).gettext("Saving...")
    assert json.dumps(saving, ensure_ascii=False) in js


def test_template_tags_are_extracted_singular_and_plural():
    source = io.BytesIO(b'<p>{% t "Hello %(name)s" name=x %}</p>\n{% tn "one day" "%(count)s days" n %}')
    found = list(i18n_build.extract_template_tags(source, [], [], {}))
    assert found == [(1, "gettext", "Hello %(name)s", []),
                     (2, "ngettext", ("one day", "%(count)s days"), [])]


def test_language_negotiation():
    assert negotiate("es-PE") == "es" and negotiate("tl") == "fil" and negotiate("in") == "id"
    assert negotiate("fr") == "en" and negotiate(None) == "en" and negotiate("tpi") == "tpi"
    assert Translator("vi").gettext("Back") == "Quay lại"


def test_results_view_sentences_in_spanish():
    _ = Translator("es")
    result = {"overall": {"score": 42.5, "level": "competent", "level_title": "Competente"},
              "dimensions": [{"id": "d", "title": "Pagos", "score": 42.5, "level": "competent",
                              "level_title": "Competente"}],
              "recommendations": [{"rank": 1, "kind": "programme", "id": "p", "title": "P", "reason": "R",
                                   "url": "https://p.example"},
                                  {"rank": 2, "kind": "module", "id": "m", "title": "M", "reason": "R",
                                   "duration_seconds": 150}],
              "next_step": {"rank": 1, "kind": "programme", "id": "p", "title": "P", "reason": "R"},
              "dii": {"count": 3, "of": 12}, "benchmark": None, "change": None}
    view = results_view(result, gettext=_, link_for=lambda r: "/m" if r["kind"] == "module" else None)
    assert view["level_sentence"] == "Su madurez digital general es 42.5 de 100: nivel Competente."
    # grouped by need (issue 17): both answer the same rule, stated once; items in rank order
    assert [g["kind"] for g in view["groups"]] == ["need"]
    assert [r["text"] for r in view["groups"][0]["reasons"]] == ["R"]
    assert [i["kind_label"] for i in view["groups"][0]["items"]] == ["Programa de apoyo", "Video corto de capacitación"]
    module = view["groups"][0]["items"][1]
    # 150 s is "about 3 minutes": every page rounds up alike (digiready.media.player.minutes_for).
    assert module["link"] == "/m" and module["minutes"] == 3 and module["tools"] == [] and module["solves"] is None
    assert view["next_step"]["link"] == "https://p.example"
    assert "<title" in view["chart_svg"] and view["rows"][0]["title"] == "Pagos"


def test_unverified_tools_and_programmes_carry_a_translated_caveat():
    """Issue 17: a learner sees when nobody has checked a tool's or programme's facts."""
    recs = [{"rank": 1, "kind": "tool_category", "id": "qr", "title": "QR", "reason": "R",
             "tools": [{"id": "a", "name": "A", "url": None, "verified": True},
                       {"id": "b", "name": "B", "url": None, "verified": False}]},
            {"rank": 2, "kind": "programme", "id": "p", "title": "P", "reason": "R", "verified": False},
            {"rank": 3, "kind": "programme", "id": "q", "title": "Q", "reason": "R", "verified": True},
            {"rank": 4, "kind": "programme", "id": "old", "title": "Old", "reason": "R"}]
    for language, note in [("en", "Not yet checked by the DigiReady team; check with the provider."),
                           ("es", "Aún no verificado por el equipo de DigiReady; confírmelo con el proveedor."),
                           ("tpi", "DigiReady tim i no sekim yet; askim husat i givim dispela sevis.")]:
        groups = recommendation_groups(recs, Translator(language).gettext)
        tools = groups[0]["items"][0]["tools"]
        assert [t["caveat"] for t in tools] == [None, note]
        # one need (no dimension on these hand-made items): the programmes follow the tools
        assert [p["caveat"] for p in groups[0]["items"][1:]] == [note, None, None]


def test_benchmark_and_change_sentences():
    assert benchmark_sentence(None) is None
    assert "at least 30" in benchmark_sentence({"available": False, "min_group": 30, "peers": 4})
    assert "higher than 75% of 40" in benchmark_sentence({"available": True, "overall_percentile": 75.0, "peers": 40})
    change = change_summary({"overall": {"from": 20.0, "to": 30.5, "change": 10.5},
                             "dimensions": [{"id": "a", "title": "A", "from": 10.0, "to": 5.0, "change": -5.0},
                                            {"id": "b", "title": "B", "from": None, "to": None, "change": None}],
                             "improved": [], "declined": ["a"]})
    assert change["sentence"].startswith("Your overall score rose by 10.5 points")
    assert change["rows"] == [{"id": "a", "title": "A", "from": 10.0, "to": 5.0, "change": -5.0,
                               "change_text": "-5", "direction": "down"}]


def test_packs_are_chosen_by_name_never_by_path(content_dir):
    assert content.available_packs() == ["base"] and content.available_economies() == ["xx"]
    for bad in ("../base", "/etc", "base/../../x"):
        with pytest.raises(content.ContentError, match="not valid"):
            content.resolve(bad, "", None)
    with pytest.raises(content.ContentError, match="was not found"):
        content.resolve("other", "", None)
    assert content.resolve("base", "XX", "es").language == "es"


def test_entry_points_are_installed():
    names = {ep.name: ep.value for ep in entry_points(group="xblock.v1")}
    assert names["digiready_diagnostic"] == "xblocks.diagnostic:DiagnosticXBlock"
    assert names["digiready_survey"] == "xblocks.survey:SurveyXBlock"


def test_real_base_pack_renders_when_it_validates(monkeypatch, make_block):
    """The English base pack and its overlays, when present and valid, render in every language."""
    from pathlib import Path

    from digiready.packs import PackError, load_pack
    from tests.xblocks.conftest import REPO
    from xblocks.diagnostic import DiagnosticXBlock

    monkeypatch.setenv("DIGIREADY_CONTENT_DIR", str(REPO / "content"))
    try:
        load_pack(Path(REPO / "content" / "base"))
    except PackError as exc:
        pytest.skip(f"content/base does not validate yet: {exc}")
    block = make_block(DiagnosticXBlock)
    html = block.student_view().content
    assert html.count('class="dr-step"') >= 8
    for economy in content.available_economies(str(REPO / "content")):
        block.economy = economy
        for language in load_pack(Path(REPO / "content" / "base"), economy=economy).languages:
            block.language = language
            html = block.student_view().content
            assert 'class="dr-step"' in html and f'lang="{language}"' in html, (economy, language)


def test_admin_content_directory_from_xblock_settings(make_block, tmp_path):
    """XBLOCK_SETTINGS["DigiReady"]["CONTENT_DIR"] (the settings service) wins over the default."""
    from tests.xblocks.conftest import FIXTURES
    from xblocks.diagnostic import DiagnosticXBlock

    other = tmp_path / "admin-content"
    other.mkdir()
    (other / "special").symlink_to(FIXTURES / "pack")

    class Settings:
        def get_settings_bucket(self, block, default=None):
            assert block.block_settings_key == "DigiReady"
            return {"CONTENT_DIR": str(other)}

    block = make_block(DiagnosticXBlock, pack="special")
    assert "not available" in block.student_view().content
    block.runtime._services["settings"] = Settings()
    assert 'class="dr-step"' in block.student_view().content
