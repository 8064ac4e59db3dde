"""The workspace in the real app on a real database: roles per economy, forms checked by the
core validator, concurrent edits, publishing served to learners without a restart."""
from __future__ import annotations

import pytest

from tests.studio.conftest import csrf_of, make_user, new_economy, post_form, signed_in

TOOL = {"id": "th_promptpay", "category": "qr_mobile_payments", "name": "PromptPay",
        "url": "https://www.bot.or.th/", "description": "The national QR payment scheme.",
        "source": "https://www.bot.or.th/", "checked": "2026-11-20", "verified": "1"}


def add_tool(client, code="th", **fields):
    url = f"/e/{code}/item?kind=tools&op=add"
    return post_form(client, url, {**TOOL, **fields})


def saved_items(code="th"):
    from digiready.authoring import store
    from digiready.storage import session_scope

    with session_scope() as s:
        return {row.key: row.data for row in store.items(s, code)}


@pytest.fixture
def team(app):
    return _team(app)


@pytest.fixture
def team_any_db(app_any_db):
    """The same team on SQLite, then on PostgreSQL."""
    return _team(app_any_db)


def _team(app):
    make_user("admin@example.org", admin=True)
    make_user("editor@example.org", roles={"th": "editor", "pe": "editor"})
    make_user("translator@example.org", roles={"th": "translator"})
    make_user("reviewer@example.org", roles={"th": "reviewer"})
    make_user("ph-editor@example.org", roles={"ph": "editor"})
    admin = signed_in(app, "admin@example.org")
    new_economy(admin)
    new_economy(admin, "ph", "fil", "Philippines")
    return app


def test_roles_are_enforced_per_economy(team):
    translator = signed_in(team, "translator@example.org")
    assert post_form(translator, "/e/th/publish", {}, "/e/th/review").status_code == 403
    assert add_tool(translator).status_code == 403
    editor = signed_in(team, "editor@example.org")  # editor of th and pe, not of ph
    assert editor.get("/e/ph/").status_code == 403
    assert post_form(editor, "/e/ph/item?kind=tools&op=add", TOOL, "/e/th/").status_code == 403
    assert post_form(editor, "/e/th/publish", {}, "/e/th/review").status_code == 403
    assert editor.get("/e/th/members").status_code == 403
    assert signed_in(team, "ph-editor@example.org").get("/e/th/").status_code == 403
    assert team.test_client().get("/e/th/").status_code == 302  # not signed in: to the login


def test_bad_input_is_reported_at_the_field_and_nothing_is_saved(team):
    editor = signed_in(team, "editor@example.org")
    bad_url = add_tool(editor, url="www.bot.or.th")
    assert bad_url.status_code == 422
    assert 'id="f-url-err" aria-live="polite">&#39;www.bot.or.th&#39; is not a web address' in bad_url.text
    html = add_tool(editor, description="Pay with <script>alert(1)</script> QR")
    assert html.status_code == 422
    assert "HTML is not allowed here" in html.text and "<script>alert" not in html.text
    duplicate = add_tool(editor, id="whatsapp_business")  # a base pack tool
    assert duplicate.status_code == 422 and "already exists in the base pack" in duplicate.text
    assert not any(k.startswith("tools/") for k in saved_items())
    assert add_tool(editor).status_code == 303
    again = add_tool(editor)
    assert again.status_code == 422 and "already used by another item" in again.text
    assert [k for k in saved_items() if k.startswith("tools/")] == ["tools/add/th_promptpay"]


def test_live_check_answers_the_validator_messages_as_json(team):
    editor = signed_in(team, "editor@example.org")
    answer = post_form(editor, "/e/th/item/check?kind=tools&op=add", {**TOOL, "url": "ftp://x"},
                       "/e/th/item?kind=tools&op=add")
    assert answer.status_code == 200
    assert "not a web address" in answer.json["errors"]["url"]
    assert saved_items().get("tools/add/th_promptpay") is None


def test_concurrent_edits_the_second_is_told_and_nothing_is_lost(team_any_db):
    team = team_any_db
    one = signed_in(team, "editor@example.org")
    two = signed_in(team, "admin@example.org")
    assert add_tool(one).status_code == 303
    url = "/e/th/item?key=tools/add/th_promptpay"
    page_one, page_two = one.get(url).text, two.get(url).text
    revision = "1"
    assert f'name="revision" value="{revision}"' in page_one
    first = one.post(url, data={**TOOL, "name": "PromptPay (Bank of Thailand)",
                                "revision": revision, "csrf_token": csrf_of(page_one)})
    assert first.status_code == 303
    second = two.post(url, data={**TOOL, "description": "Scan to pay from any bank app.",
                                 "revision": revision, "csrf_token": csrf_of(page_two)})
    assert second.status_code == 409
    assert "Someone else saved this item" in second.text
    assert "Scan to pay from any bank app." in second.text  # theirs is still in the form
    assert "PromptPay (Bank of Thailand)" in second.text  # beside the saved version
    assert saved_items()["tools/add/th_promptpay"]["name"] == "PromptPay (Bank of Thailand)"
    # Saving again from the conflict page (it carries the current revision) is deliberate.
    third = two.post(url, data={**TOOL, "name": "PromptPay (Bank of Thailand)",
                                "description": "Scan to pay from any bank app.",
                                "revision": "2", "csrf_token": csrf_of(second.text)})
    assert third.status_code == 303
    assert saved_items()["tools/add/th_promptpay"]["description"] == "Scan to pay from any bank app."


def test_publish_is_served_without_a_restart_and_rollback_restores(team):
    from digiready.packs import load_pack

    editor, reviewer = signed_in(team, "editor@example.org"), signed_in(team, "reviewer@example.org")
    assert add_tool(editor).status_code == 303
    assert post_form(reviewer, "/e/th/publish", {"note": "first"}, "/e/th/review").status_code == 303
    assert "th_promptpay" in {t.id for t in load_pack(None, "th", "th").tools}
    assert add_tool(editor, id="th_truemoney", name="TrueMoney").status_code == 303
    assert post_form(reviewer, "/e/th/publish", {}, "/e/th/review").status_code == 303
    assert "th_truemoney" in {t.id for t in load_pack(None, "th", "th").tools}
    version_page = reviewer.get("/e/th/versions/2")
    assert "tools/add/th_truemoney" in version_page.text
    assert post_form(reviewer, "/e/th/versions/1/rollback", {}, "/e/th/versions/1").status_code == 303
    tools = {t.id for t in load_pack(None, "th", "th").tools}
    assert "th_promptpay" in tools and "th_truemoney" not in tools
    audit = reviewer.get("/e/th/audit").text
    assert "version.rolled_back" in audit and "item.created" in audit


def test_a_draft_with_errors_is_not_published(team):
    editor, reviewer = signed_in(team, "editor@example.org"), signed_in(team, "reviewer@example.org")
    url = "/e/th/item?key=overlay"
    page = editor.get(url)
    form = {"name": "Thailand", "version": "0.1.0", "languages": "th", "default_language": "th",
            "source_language": "th", "priorities": "no_such_dimension: 2",
            "csrf_token": csrf_of(page.text), "revision": "1"}
    assert editor.post(url, data=form).status_code == 303
    refused = post_form(reviewer, "/e/th/publish", {}, "/e/th/review")
    assert refused.status_code == 422
    assert "&#39;no_such_dimension&#39; is not a known dimension" in refused.text
    from digiready.packs.published import current_version

    assert current_version("th") is None
