"""Translation side by side: states (missing, draft, needs review, approved), coverage, PO
files in and out, and bad input (a broken PO file, a 10 MB script) saving nothing."""
from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from tests.studio.conftest import csrf_of, make_user, new_economy, signed_in

UNIT = "dimensions.connectivity.title"


@pytest.fixture
def team(app):
    make_user("admin@example.org", admin=True)
    make_user("translator@example.org", roles={"th": "translator"})
    make_user("reviewer@example.org", roles={"th": "reviewer"})
    new_economy(signed_in(app, "admin@example.org"))
    return app


def rows():
    from digiready.authoring import store
    from digiready.storage import session_scope

    with session_scope() as s:
        return {k: (r.text, r.status) for k, r in store.translation_rows(s, "th", "th").items()}


def save(client, unit, text, action="save", revision=None):
    query = urlencode({"unit": unit})
    page = client.get(f"/e/th/translate/th?{query}")
    assert page.status_code == 200, page.text[:300]
    data = {"unit": unit, "text": text, "action": action, "csrf_token": csrf_of(page.text)}
    found = re.search(r'name="revision" value="(\d+)"', page.text)
    if revision or found:
        data["revision"] = revision or found.group(1)
    return client.post(f"/e/th/translate/th/save?{query}", data=data)


def test_side_by_side_states_and_coverage(team):
    translator = signed_in(team, "translator@example.org")
    listing = translator.get("/e/th/translate")
    assert listing.status_code == 200 and ">th</a>" in listing.text
    page = translator.get(f"/e/th/translate/th?unit={UNIT}")
    assert "Connectivity and devices" in page.text and "(missing)" in page.text
    assert save(translator, UNIT, "การเชื่อมต่อและอุปกรณ์").status_code == 303
    assert rows()[UNIT] == ("การเชื่อมต่อและอุปกรณ์", "draft")
    assert save(translator, UNIT, "x", action="approve").status_code == 403  # translators suggest
    reviewer = signed_in(team, "reviewer@example.org")
    assert save(reviewer, UNIT, "การเชื่อมต่อและอุปกรณ์", action="approve").status_code == 303
    assert rows()[UNIT][1] == "approved"
    approved = reviewer.get("/e/th/translate/th?state=approved")
    assert "การเชื่อมต่อและอุปกรณ์" in approved.text and "(approved)" in approved.text
    html = save(translator, UNIT, "<b>bold</b>")
    assert html.status_code == 422 and "HTML is not allowed here" in html.text
    assert rows()[UNIT][0] == "การเชื่อมต่อและอุปกรณ์"


def test_a_changed_source_marks_the_translation_needs_review(team, monkeypatch):
    from digiready.authoring import store
    from digiready.storage import session_scope

    translator = signed_in(team, "translator@example.org")
    assert save(translator, UNIT, "การเชื่อมต่อ").status_code == 303
    with session_scope() as s:  # as if saved against an older source text
        store.translation_rows(s, "th", "th")[UNIT].source_hash = "0" * 16
    page = translator.get(f"/e/th/translate/th?unit={UNIT}")
    assert "(needs review)" in page.text


def test_po_round_trip_and_a_broken_po_file_saves_nothing(team):
    translator = signed_in(team, "translator@example.org")
    assert save(translator, UNIT, "การเชื่อมต่อ").status_code == 303
    po = translator.get("/e/th/translate/th.po")
    assert po.status_code == 200 and 'msgctxt "dimensions.connectivity.title"' in po.text
    edited = po.text.replace('msgctxt "levels.beginner.title"\nmsgid "Beginner"\nmsgstr ""',
                             'msgctxt "levels.beginner.title"\nmsgid "Beginner"\nmsgstr "ผู้เริ่มต้น"')
    assert edited != po.text
    page = translator.get("/e/th/translate/th")
    answer = translator.post("/e/th/translate/th/import", data={
        "csrf_token": csrf_of(page.text), "po": (__import__("io").BytesIO(edited.encode()), "th.po")},
        content_type="multipart/form-data")
    assert answer.status_code == 303, answer.text[:2000]
    assert rows()["levels.beginner.title"] == ("ผู้เริ่มต้น", "draft")
    broken = edited.replace('msgstr "ผู้เริ่มต้น"', 'msgstr "ผู้เริ่มต้น (changed)"').replace(
        'msgctxt "levels.novice.title"', 'msgctxt "levels.novice.title"\nmsgstr "<b>x</b>"\nmsgid "oops')
    answer = translator.post("/e/th/translate/th/import", data={
        "csrf_token": csrf_of(page.text), "po": (__import__("io").BytesIO(broken.encode()), "th.po")},
        content_type="multipart/form-data")
    assert answer.status_code == 422
    assert re.search(r"line \d+", answer.text), answer.text[:2000]
    assert rows()["levels.beginner.title"] == ("ผู้เริ่มต้น", "draft")  # nothing half-saved


def test_a_10_mb_script_is_refused_at_the_field(team):
    translator = signed_in(team, "translator@example.org")
    unit = "modules.digital_payments.script"
    page = translator.get(f"/e/th/translate/th?unit={unit}")
    assert page.status_code == 200 and "(missing)" in page.text
    answer = translator.post(f"/e/th/translate/th/save?unit={unit}", data={
        "unit": unit, "text": "ข" * (10 * 1024 * 1024), "csrf_token": csrf_of(page.text)})
    assert answer.status_code == 422
    assert "too large" in answer.text and f'id="u-{unit}-err"' in answer.text
    assert unit not in rows()
