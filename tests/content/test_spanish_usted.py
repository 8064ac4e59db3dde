"""Spanish speaks to the learner as *usted* everywhere (issue 17 item 9): the Peruvian overlay,
its scripts and captions, and every app's Spanish catalogue. A tuteo form slips in easily when
a sentence is translated on its own; this test names the file, line and word.

Only forms that cannot be usted are matched: the pronouns (tú, tu, tus, te, ti, contigo) and
second-person verbs (tienes, puedes...) and imperatives with an enclitic (hazlo, asegúrate).
Imperatives such as *usa* or *revisa* are not matched: they are also the usted indicative
("¿usa su celular?")."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    [*ROOT.glob("content/economies/pe/*.yaml"), *ROOT.glob("content/economies/pe/translations/es.yaml"),
     *ROOT.glob("content/economies/pe/modules/*/script.es.md"), *ROOT.glob("content/economies/pe/modules/*/captions.es.vtt"),
     *ROOT.glob("*/translations/es/LC_MESSAGES/*.po")])
TUTEO = re.compile(
    r"(?i)(?<![\w%(])(tú|tu|tus|te|ti|contigo|tuyo|tuya|tienes|puedes|quieres|sabes|eres|estás|necesitas"
    r"|debes|usas|vendes|recibes|haces|vas|pagas|cobras|das|hazlo|haz|dime"
    r"|asegúrate|fíjate|regístrate|tómate|cuídate|acuérdate|olvídate|anímate|conéctate|suscríbete"
    r"|inscríbete|comunícate|infórmate|protégete|atrévete|pregúntate|date)(?!\w)")
# Proper names that contain "Tu": PRODUCE's programme is called "Tu Empresa".
NAMES = re.compile(r"Tu [Ee]mpresa")


def tuteo(text: str) -> list[str]:
    return [m.group(0) for m in TUTEO.finditer(NAMES.sub("", text))]


def _lines(path: Path):
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if path.suffix == ".po" and not line.startswith("msgstr"):
            continue  # msgids are English
        if path.suffix == ".yaml" and line.lstrip().startswith("#"):
            continue  # the English source text above each translation
        yield n, line


def test_the_check_finds_tuteo_and_spares_usted():
    assert tuteo("Si tienes un celular, revisa tu cuenta y asegúrate de cobrar.") == ["tienes", "tu", "asegúrate"]
    assert tuteo("¿Usa su celular? Revise su cuenta, asegúrese de cobrar y pregúntele al banco.") == []
    assert tuteo('Programa "Tu Empresa": la cuenta de ti y de él') == ["ti"]
    assert tuteo("Respételo; se hace fácilmente. Fíjate.") == ["Fíjate"]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_spanish_uses_usted(path):
    found = [f"{path.relative_to(ROOT)}:{n}: {word!r}" for n, line in _lines(path) for word in tuteo(line)]
    assert found == []
