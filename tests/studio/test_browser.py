"""The whole Studio flow in Debian's Chromium, keyboard only, at 360 px: a team creates
economy ``th`` from nothing, adds two local tools and a programme, a reviewer publishes
(warned that learners still see English); the learner-facing strings, the pages' own words
included, are translated (by hand and through a PO file) and a base question changed,
previewed in the LTI tool's learner pages, published; a learner launched through the LTI
tool for ``th`` sees Thai content in Thai pages; a rollback, and the learner sees the
previous version, in English. Every Studio page has zero axe-core WCAG 2.1 AA violations and
no horizontal scrolling."""
from __future__ import annotations

import re

import pytest

from tests.lti_tool.conftest import Server
from tests.lti_tool.test_browser import axe_violations, chromium, no_horizontal_scroll  # noqa: F401
from tests.studio.conftest import PASSWORD, make_user

WIDTH = 360


@pytest.fixture
def stack(sqlite_db, monkeypatch):
    """Studio, the LTI tool and a peer LMS (registered for economy th), on real HTTP."""
    from digiready.storage import session_scope
    from lti_tool.app import create_app as lti_app
    from lti_tool.app import forget_origins
    from lti_tool.demo.platform import PeerPlatform
    from lti_tool.registration import service
    from studio.app import create_app as studio_app

    studio, tool, lms = Server(), Server(), Server()
    monkeypatch.setenv("DIGIREADY_STUDIO_PREVIEW_URL", tool.url)
    platform = PeerPlatform(base_url=lms.url, tool_base_url=tool.url)
    studio.start(studio_app())
    tool.start(lti_app())
    lms.start(platform.app())
    with session_scope() as s:
        service.add(s, service.PlatformInput(**platform.registration_args(), economy="th",
                                             language="th", title="peer"))
    forget_origins()
    make_user("admin@example.org", admin=True)
    make_user("editor@example.org", roles={"th": "editor"})
    make_user("reviewer@example.org", roles={"th": "reviewer"})
    yield {"studio": studio.url, "tool": tool.url, "lms": lms.url}
    for server in (studio, tool, lms):
        server.stop()


def tab_to(page, selector: str, limit: int = 150) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def press_button(page, selector: str) -> None:
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def checked(page, seen: set[str]) -> None:
    """axe and the 360 px layout, once per kind of page."""
    kind = re.sub(r"\d+|th|key=[^&]+", "", page.url.split("?")[0])
    if kind in seen:
        return
    seen.add(kind)
    assert axe_violations(page) == [], page.url
    assert no_horizontal_scroll(page), page.url


def sign_in(browser, studio: str, email: str, seen: set[str]):
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    page = context.new_page()
    page.goto(studio + "/login")
    checked(page, seen)
    type_into(page, "#email", email)
    type_into(page, "#password", PASSWORD)
    press_button(page, "button[type=submit]")
    assert page.url.rstrip("/") == studio, page.url
    return page


def add_item(page, studio: str, kind: str, fields: dict[str, str], seen: set[str]) -> None:
    page.goto(f"{studio}/e/th/")
    checked(page, seen)
    tab_to(page, f'a[href$="kind={kind}&op=add"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    checked(page, seen)
    for name, value in fields.items():
        selector = f'[name="{name}"]'
        if value is True:
            tab_to(page, selector)
            page.keyboard.press("Space")
        else:
            type_into(page, selector, value)
    press_button(page, "button[type=submit]:not(.danger)")
    assert page.url.endswith("/e/th/"), (page.url, page.content()[:3000])


def learner_first_page(browser, lms: str) -> str:
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    page = context.new_page()
    page.goto(lms + "/launch?user=learner-1")
    page.wait_for_url("**/learn/diagnostic?launch=*")
    text = page.content()
    context.close()
    return text


def publish(page, studio: str, note: str, seen: set[str]) -> None:
    page.goto(f"{studio}/e/th/review")
    checked(page, seen)
    type_into(page, "#publish-note", note)
    press_button(page, 'button[type=submit]:not([formaction]):not(.secondary)')
    assert "published" in page.content(), page.content()[:2000]


def test_a_team_builds_publishes_and_rolls_back_an_economy(stack, chromium):  # noqa: F811
    from digiready.packs import load_pack

    studio, seen = stack["studio"], set()
    admin = sign_in(chromium, studio, "admin@example.org", seen)
    admin.goto(studio + "/economies/new")
    checked(admin, seen)
    type_into(admin, "#f-code", "th")
    type_into(admin, "#f-name", "Thailand")
    type_into(admin, "#f-language", "th")
    press_button(admin, "button[type=submit]")
    assert admin.url.endswith("/e/th/"), admin.url

    editor = sign_in(chromium, studio, "editor@example.org", seen)
    add_item(editor, studio, "tools", {
        "id": "th_promptpay", "category": "qr_mobile_payments", "name": "PromptPay",
        "url": "https://www.bot.or.th/", "description": "พร้อมเพย์: จ่ายด้วยคิวอาร์โค้ด",
        "source": "https://www.bot.or.th/", "checked": "2026-11-20", "verified": True}, seen)
    add_item(editor, studio, "tools", {
        "id": "th_truemoney", "category": "qr_mobile_payments", "name": "TrueMoney Wallet",
        "url": "https://www.truemoney.com/"}, seen)
    add_item(editor, studio, "programmes", {
        "id": "th_sme_one", "name": "SME One", "organisation": "OSMEP",
        "url": "https://www.smeone.info/", "topics": "general\npayments"}, seen)

    reviewer = sign_in(chromium, studio, "reviewer@example.org", seen)
    publish(reviewer, studio, "tools and a programme", seen)
    # Published, with a warning: the pages have no Thai words yet, so learners see English.
    assert 'id="english-pages"' in reviewer.content()
    assert {"th_promptpay", "th_truemoney"} <= {t.id for t in load_pack(None, "th", "th").tools}
    first = learner_first_page(chromium, stack["lms"])
    assert "[th]" not in first and '<html lang="en"' in first

    # Translate: one string by hand, side by side, then the rest through a PO file.
    editor.goto(f"{studio}/e/th/translate")
    checked(editor, seen)
    assert "The words of the learning pages" in editor.content()
    assert "texts missing" in editor.content()  # what keeps the pages in English
    editor.goto(f"{studio}/e/th/translate/th?area=profile")
    checked(editor, seen)
    first_box = editor.locator("form.pair textarea").first
    box_id = first_box.get_attribute("id")
    type_into(editor, f'[id="{box_id}"]', "[th] ธุรกิจของคุณ")
    press_button(editor, f'form:has([id="{box_id}"]) button[value=save]')
    assert "[th] ธุรกิจของคุณ" in editor.content()
    po = editor.request.get(f"{studio}/e/th/translate/th.po").text()
    filled = re.sub(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr ""', lambda m: f'msgid "{m.group(1)}"\nmsgstr "[th] {m.group(1)}"', po)
    editor.goto(f"{studio}/e/th/translate/th")
    editor.set_input_files("#po", files=[{"name": "th.po", "mimeType": "text/x-gettext-translation",
                                          "buffer": filled.encode()}])
    press_button(editor, 'form[enctype] button[type=submit]')
    assert "strings imported" in editor.content(), editor.content()[:2000]

    # Change a base question for this economy (written in the overlay, so learners see it
    # whatever the language of their pages).
    editor.goto(f"{studio}/e/th/item?kind=profile&op=replace&id=size")
    checked(editor, seen)
    type_into(editor, '[name="text"]', "[th-v2] How many people work in your business?")
    press_button(editor, "button[type=submit]:not(.danger)")
    assert editor.url.endswith("/e/th/"), editor.content()[:3000]

    # Preview in the LTI tool's own learner pages, before publishing.
    editor.goto(f"{studio}/e/th/preview")
    checked(editor, seen)
    press_button(editor, "button[type=submit]")
    assert editor.url.startswith(stack["tool"]) and "/learn/diagnostic" in editor.url
    assert "[th]" in editor.content()
    assert "[th-v2]" not in learner_first_page(chromium, stack["lms"])  # not published yet

    publish(reviewer, studio, "Thai translation, the size question", seen)
    assert 'id="english-pages"' not in reviewer.content()  # every page word is translated
    # The learner's pages are Thai now: the pages' own words from the overlay, and the
    # content (the base questions translated, the replaced one as written).
    thai = learner_first_page(chromium, stack["lms"])
    assert '<html lang="th"' in thai
    assert "[th] Save and continue" in thai and "[th] Step 1 of" in thai
    shown = [q.text for q in load_pack(None, "th", "th").profile
             if q.text.startswith("[th] ") and q.text in thai]
    assert shown, thai[:3000]  # base questions, in their Thai translation
    assert "[th-v2]" in thai
    assert load_pack(None, "th", "th").dimension("connectivity").title.startswith("[th]")
    reviewer.goto(f"{studio}/e/th/versions/2")
    checked(reviewer, seen)
    assert "translations/th/" in reviewer.content()
    assert "/versions/2/rollback" not in reviewer.content()  # what learners see: no rollback
    reviewer.goto(f"{studio}/e/th/versions/1")
    press_button(reviewer, 'form[action$="/versions/1/rollback"] button')
    english = learner_first_page(chromium, stack["lms"])
    assert '<html lang="en"' in english and "Save and continue" in english
    assert "[th" not in english
    assert not load_pack(None, "th", "th").dimension("connectivity").title.startswith("[th]")
    assert {"th_promptpay", "th_truemoney"} <= {t.id for t in load_pack(None, "th", "th").tools}
    reviewer.goto(f"{studio}/e/th/audit")
    checked(reviewer, seen)
    assert "version.rolled_back" in reviewer.content()
