"""Studio speaks English and Spanish (each language compiled in studio/translations): an
economy team whose browser asks for Spanish works in Spanish, messages and counts included."""
from __future__ import annotations

from tests.studio.conftest import make_user, new_economy, post_form, signed_in


def test_studio_offers_english_and_spanish(app):
    from studio.app import LANGUAGES

    assert list(LANGUAGES) == ["en", "es"]


def test_a_spanish_speaking_team_works_in_spanish(app):
    make_user("ana@example.org", admin=True)
    client = signed_in(app, "ana@example.org")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-PE,es;q=0.9"
    home = client.get("/").text
    assert '<html lang="es">' in home and "Sus economías" in home and "Crear una economía" in home
    answer = post_form(client, "/economies/new", {"code": "th", "language": "xx y", "name": ""})
    assert answer.status_code == 422
    assert "Use un código de idioma como th, es o fil." in answer.text
    new_economy(client)
    assert "Economía Thailand creada." in client.get("/economies/th").text
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"  # no French: English
    assert "Your economies" in client.get("/").text
