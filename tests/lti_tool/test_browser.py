"""The demo in a real browser (Debian's Chromium through Playwright): ``digiready demo`` is
started as ``make run`` starts it; a learner launches from the demo LMS, completes the
diagnostic on the shipped base pack, sees the results and opens a module, and the grade
arrives in the LMS. Every page has zero axe-core WCAG 2.1 AA violations and no horizontal
scrolling at 320 px; the question steps are done with the keyboard only."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """``digiready demo`` in a subprocess on its own var dir (SQLite), as `make run` runs it."""
    var = tmp_path_factory.mktemp("demo-var")
    port = _free_port()
    env = dict(os.environ, DIGIREADY_VAR_DIR=str(var))
    env.pop("DIGIREADY_DATABASE_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "digiready.cli.main", "demo", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    first = proc.stdout.readline()
    if f"http://127.0.0.1:{port}/lms/" not in first:
        # Stop it before reading the rest: a running demo's output never ends.
        proc.kill()
        pytest.fail("the demo did not start with its address: " + first + proc.stdout.read()[:2000])
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


def axe_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options=WCAG)
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in result.response["violations"]]


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def answer_step_with_keyboard(page) -> None:
    """Tab through the step; choose the first option of every group with Space."""
    groups = page.locator("fieldset.q").count()
    page.locator("main h1").focus()
    seen_groups: set[str] = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '',
                    checked: !!e.checked}; }""")
        if info["tag"] == "INPUT" and info["type"] in ("radio", "checkbox") and info["name"] not in seen_groups:
            if not page.evaluate(f"document.querySelector('input[name=\"{info['name']}\"]:checked') !== null"):
                page.keyboard.press("Space")
            seen_groups.add(info["name"])
        if info["tag"] == "BUTTON" and info["value"] == "next":
            assert len(seen_groups) >= groups, (seen_groups, groups)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError("never reached the Save button with Tab")


def test_demo_learner_flow_in_a_browser(chromium, demo):
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(demo + "/lms/")
    assert axe_violations(page) == []
    with page.expect_navigation(url="**/lti/launch"):
        page.get_by_role("button", name="Launch as learner").first.click()
    # The launch answers with the diagnostic page, whose script (allowed by its hash in the
    # CSP) puts the page's own URL in the address bar: a reload opens the page again instead
    # of re-posting the spent id_token.
    page.wait_for_url("**/learn/diagnostic?launch=*")
    page.reload()
    assert "/learn/diagnostic?launch=" in page.url and page.get_by_text("Step 1 of").is_visible()
    checked = 0
    for _ in range(30):
        if "/learn/results" in page.url:
            break
        assert page.locator("h1").count() == 1, page.content()[:2000]
        if checked < 3:  # the first steps: accessibility and 320 px layout
            assert axe_violations(page) == [], page.url
            assert no_horizontal_scroll(page), page.url
            checked += 1
        answer_step_with_keyboard(page)
    assert "/learn/results" in page.url, page.content()[:3000]
    assert page.locator("svg[role=img]").count() == 1
    assert page.get_by_role("heading", name="What to do next, and why").is_visible()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)
    # A recommended module: transcript always, survey form.
    with page.expect_navigation(url="**/learn/module/**"):
        page.locator(".recs a").first.click()
    assert page.get_by_text("Transcript").is_visible()
    assert page.locator("form button[type=submit]").count() == 1
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)
    # The grade arrived in the demo LMS's gradebook: one row, the latest score, and the
    # history (started, then completed) behind a disclosure that fits the phone.
    page.goto(demo + "/lms/")
    row = page.locator("tbody tr", has_text="Ana Quispe")
    assert row.count() == 1 and "Completed · FullyGraded" in row.inner_text()
    row.get_by_text("History (2 scores)").click()
    assert row.locator("details li").nth(1).is_visible()
    assert "Started" in row.locator("details li").nth(1).inner_text()
    assert no_horizontal_scroll(page)
    assert axe_violations(page) == []
    context.close()


VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("size, learner", [("phone", "Bui Thi Mai"), ("desktop", "Kila Wari")])
def test_demo_lms_launches_a_learner_in_the_chosen_economy(chromium, demo, size, learner):
    """The course page offers any economy and language; Peru without a language chosen
    gives a page wholly in Spanish (its questions and the page's own texts)."""
    context = chromium.new_context(viewport=VIEWPORTS[size], locale="en-GB")
    page = context.new_page()
    page.goto(demo + "/lms/")
    assert no_horizontal_scroll(page) and axe_violations(page) == []
    page.get_by_label("Learner").first.select_option(label=learner)
    page.get_by_label("Economy", exact=False).first.select_option(value="pe")
    with page.expect_navigation(url="**/lti/launch"):
        page.get_by_role("button", name="Launch as learner").first.click()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("button", name="Guardar y continuar").is_visible()
    assert page.get_by_text("¿En qué economía está su negocio?").is_visible()
    assert page.get_by_text("Save and continue").count() == 0
    # The same learner, English chosen: the Peruvian content in English.
    page.goto(demo + "/lms/")
    page.get_by_label("Learner").first.select_option(label=learner)
    page.get_by_label("Economy", exact=False).first.select_option(value="pe")
    page.get_by_label("Language (the launch's locale)").first.select_option(value="en")
    with page.expect_navigation(url="**/lti/launch"):
        page.get_by_role("button", name="Launch as learner").first.click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("In which economy is your business?").is_visible()
    context.close()


def test_question_page_weight_under_50_kb_compressed(demo):
    """Everything the question page loads (HTML + CSS; no script file), gzip-compressed."""
    import gzip
    import re

    import requests

    from tests.lti_tool.conftest import as_shown
    from tests.lti_tool.htmlform import first_form

    s = requests.Session()
    lms = s.get(demo + "/lms/launch", params={"user": "learner-3"})
    form = first_form(lms.text, lms.url)
    page = as_shown(s.post(form.action, data=form.hidden))
    assert "/learn/diagnostic" in page.url
    form = first_form(page.text, page.url)
    page = s.post(form.action, data=form.first_choices() + [("action", "next")])  # a question step
    assert "Step 2 of" in page.text
    total = len(gzip.compress(page.content))
    assets = re.findall(r'(?:href|src)="(/lti-static/[^"]+)"', page.text)
    assert assets, "the stylesheet should be linked"
    for asset in assets:
        total += len(gzip.compress(s.get(demo + asset).content))
    assert total < 50 * 1024, total


def test_demo_instructor_pages_in_a_browser(chromium, demo):
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(demo + "/lms/")
    with page.expect_navigation(url="**/instructor/dashboard**"):
        page.get_by_role("link", name="Launch as instructor").first.click()
    assert page.get_by_role("heading", name="Course roster").is_visible()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)
    page.goto(demo + "/lms/")
    with page.expect_navigation(url="**/instructor/picker**"):
        page.get_by_role("link", name="Add DigiReady content (deep linking)").click()
    assert axe_violations(page) == []
    page.get_by_label("Survey:", exact=False).first.check()
    with page.expect_navigation(url="**/lms/?added=1"):
        page.get_by_role("button", name="Add to the course").click()
    assert "Survey:" in page.content()  # the new activity is in the course
    context.close()
