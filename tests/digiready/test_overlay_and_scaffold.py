"""Overlay merge rules (disable, replace, add), translations, and the economy scaffold."""
from __future__ import annotations

from digiready.cli.main import main
from digiready.packs import load_pack, validate_pack


def test_merge_rules(fixture_pack_dir):
    base = load_pack(fixture_pack_dir)
    overlay = load_pack(fixture_pack_dir, "xx")
    # disable by id
    assert "generic_qr" in [t.id for t in base.tools]
    assert "generic_qr" not in [t.id for t in overlay.tools]
    # add
    assert [t.id for t in overlay.tools] == ["xx_pago"]
    assert [p.id for p in overlay.programmes] == ["xx_digital"]
    # replace by id keeps the position of the replaced item
    assert [r.id for r in overlay.rules] == [r.id for r in base.rules]
    assert overlay.rules[1].priority == 5 and base.rules[1].priority == 3
    # overlay settings win over the base's
    assert (base.min_peer_group, overlay.min_peer_group) == (3, 2)
    assert overlay.priorities == {"security": 2.0}


def test_translation_falls_back_to_source_and_module_texts(fixture_pack_dir):
    spanish = load_pack(fixture_pack_dir, "xx", "es")
    assert spanish.question("channels").option("social").label == "Redes sociales"
    assert spanish.question("accepts").help is None  # null = not translated yet
    assert spanish.question("posting").text == "How regularly do you post about your business?"
    assert spanish.modules["pay_basics"].script == "Hola y bienvenidos.\n"
    assert spanish.modules["safe_online"].script.startswith("Hello")  # untranslated: source
    assert spanish.modules["pay_basics"].captions_language == "en"  # no captions.es.vtt yet
    english = load_pack(fixture_pack_dir, "xx", "en")
    assert english.question("channels").text == "Where can customers find you online?"
    assert load_pack(fixture_pack_dir, "xx", "zz").language == "es"  # unknown: the default


def test_economy_new_scaffold_validates_and_marks_everything(pack_copy, capsys):
    assert main(["economy", "new", "zz", "--language", "fr", "--name", "Zedland", "--pack", str(pack_copy)]) == 0
    folder = pack_copy.parent / "economies" / "zz"
    issues, coverage = validate_pack(pack_copy, "zz")
    assert [i for i in issues if i.severity == "error"] == []
    assert coverage == {"fr": 0.0}
    template = (folder / "translations" / "fr.yaml").read_text()
    assert "# Where can customers find you online?\n    text: null" in template
    assert "modules/pay_basics/script.fr.md" in (folder / "TRANSLATE.md").read_text()
    # refusing to overwrite an existing overlay
    assert main(["economy", "new", "zz", "--language", "fr", "--pack", str(pack_copy)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_translation_refresh_keeps_existing_translations(pack_copy):
    translations = pack_copy.parent / "economies" / "xx" / "translations" / "es.yaml"
    assert main(["economy", "translations", "xx", "--language", "es", "--pack", str(pack_copy)]) == 0
    text = translations.read_text()
    assert '"Redes sociales"' in text and "text: null" in text
    _issues, after = validate_pack(pack_copy, "xx")
    assert after == {"es": 9.1}  # the same strings are translated as before the refresh
