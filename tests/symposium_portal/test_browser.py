"""Real browser checks (Debian's Chromium through Playwright): registering with the keyboard
alone, zero axe-core WCAG 2.1 AA violations on every public page (and the registrant's
pages), and no horizontal scrolling at 320 px."""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import update

from .conftest import Browser, confirm, link_path, outbox, register, registration

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}

PUBLIC_PAGES = ["/", "/?lang=es", "/programme", "/programme?tz=Pacific/Auckland",
                "/programme/session/4", "/speakers", "/speakers/1", "/register",
                "/register/sent", "/sign-in", "/privacy", "/admin/login", "/does-not-exist"]
ADMIN_PAGES = ["/admin/", "/admin/registrations", "/admin/registrations?status=waitlisted",
               "/admin/outbox", "/admin/outbox/1", "/admin/audit", "/admin/reports",
               "/admin/event", "/evaluation/results"]
STAFF_PASSWORD = "browser-test-password"
REGISTRANT_PAGES = ["/me", "/me/edit", "/network/", "/network/organisations",
                    "/network/meetings", "/evaluation/", "/programme/session/1"]


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def site(sqlite_portal, app):
    """The portal on a loopback port, with one confirmed, listed registrant besides."""
    from werkzeug.serving import make_server

    from symposium_portal.db import new_session
    from symposium_portal.programme.models import Event

    dbs = new_session()
    dbs.execute(update(Event).values(evaluation_open=True))
    dbs.commit()
    dbs.close()
    from digiready.cli.main import main as cli

    os.environ["DIGIREADY_PORTAL_STAFF_PASSWORD"] = STAFF_PASSWORD
    try:
        assert cli(["portal", "create-staff", "organiser@org.example", "--role",
                    "organiser"]) == 0
    finally:
        del os.environ["DIGIREADY_PORTAL_STAFF_PASSWORD"]
    other = Browser(app.test_client())
    register(other, "listed@example.org", full_name="Rangi Parata", economy="NZ",
             timezone="Pacific/Auckland")
    confirm(other, "listed@example.org")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _axe(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=WCAG)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in result.response["violations"]]


def _tab_to(page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"could not reach #{element_id} with Tab")


def test_register_with_keyboard_only(chromium, site):
    context = chromium.new_context(timezone_id="America/Lima", locale="en-GB")
    page = context.new_page()
    page.goto(site + "/register")
    # A failed submit first: focus lands on the list of problems.
    _tab_to(page, "full_name")
    page.keyboard.type("Ana Quispe")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # Enter in a text field submits the form
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.get_attribute("#email", "aria-invalid") == "true"
    # Now the whole form, by keyboard.
    _tab_to(page, "full_name")
    page.keyboard.press("Control+A")
    page.keyboard.type("Ana Quispe")
    _tab_to(page, "email")
    page.keyboard.type("keyboard@example.org")
    _tab_to(page, "organisation")
    page.keyboard.type("Cooperativa Andina")
    _tab_to(page, "economy")
    page.keyboard.type("Peru")
    _tab_to(page, "sector-0")
    page.keyboard.press("ArrowDown")  # arrows move and select within the radio group
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "sector-3"
    _tab_to(page, "interests-0")
    page.keyboard.press("Space")
    _tab_to(page, "consent_privacy")
    page.keyboard.press("Space")
    _tab_to(page, "consent_directory")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # contact consent, privacy link, submit button
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/register/sent\?.*"))
    assert "Check your email" in page.inner_text("h1")
    reg = registration("keyboard@example.org")
    assert (reg.economy, reg.sector, reg.timezone) == ("PE", "cooperative", "America/Lima")
    assert reg.interests == ["ecommerce"]
    assert (reg.consent_privacy, reg.consent_directory, reg.consent_contact) == (
        True, True, False)
    context.close()


def _signed_in_context(chromium, site, viewport=None):
    context = chromium.new_context(viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site + link_path(outbox("", "listed@example.org")[0].body))
    return context, page


def test_no_axe_violations(chromium, site):
    context = chromium.new_context(timezone_id="Asia/Manila")
    page = context.new_page()
    failures = {}
    for path in PUBLIC_PAGES:
        page.goto(site + path)
        if found := _axe(page):
            failures[path] = found
    # The registration form showing its errors.
    page.goto(site + "/register")
    with page.expect_navigation():
        page.click("button[type=submit]")
    if found := _axe(page):
        failures["/register (errors)"] = found
    context.close()
    context, page = _signed_in_context(chromium, site)
    for path in REGISTRANT_PAGES:
        page.goto(site + path)
        if found := _axe(page):
            failures[path] = found
    context.close()
    # Staff pages too: organisers may rely on assistive technology as well.
    context = chromium.new_context()
    page = context.new_page()
    page.goto(site + "/admin/login")
    page.fill("#email", "organiser@org.example")
    page.fill("#password", STAFF_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    for path in ADMIN_PAGES:
        page.goto(site + path)
        assert "/admin/login" not in page.url, path  # really signed in
        if found := _axe(page):
            failures[path] = found
    context.close()
    assert failures == {}


def test_usable_at_320px(chromium, site):
    viewport = {"width": 320, "height": 640}
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    wide = {}
    for path in PUBLIC_PAGES:
        page.goto(site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[path] = width
    page.goto(site + "/register")
    box = page.locator("button[type=submit]").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
    context.close()
    context, page = _signed_in_context(chromium, site, viewport)
    for path in REGISTRANT_PAGES:
        page.goto(site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            wide[path] = width
    context.close()
    assert wide == {}


def test_page_weight_is_light(site):
    import requests

    for path in ["/", "/programme", "/register"]:
        r = requests.get(site + path, timeout=10)
        assert len(r.content) < 60_000, (path, len(r.content))
    css = requests.get(site + "/static/portal.css", timeout=10)
    assert len(css.content) < 8_000
    assert os.path.getsize(Path(__file__).parents[2] / "symposium_portal/static/tz.js") < 2000
