"""The HTML version of each report passes axe-core (WCAG 2.1 AA) in headless Chromium, and
is usable at 320 px (no horizontal scrolling of the page itself)."""
from __future__ import annotations

import os

import pytest

from tests.reports.conftest import KINDS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize("kind", KINDS)
def test_report_html_has_no_axe_violations(built, browser, kind):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.goto(built.path(kind, "html").as_uri())
    result = Axe().run(page, options=WCAG)
    violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"][:3]])
                  for v in result.response["violations"]]
    assert violations == []
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow, "the page scrolls sideways at 320 px"
    assert page.locator("h1").count() == 1
    page.close()
