"""The module survey block after Submit, in Debian's Chromium at phone (360 px) and desktop
(1280 px) widths (issue 19, items 5 and 7): focus moves to what is missing, then to the
thanks and feedback, each in view; questions are named by number and words, never by id;
each answer's verdict is said once; axe-core finds no WCAG 2.1 AA violation in the block."""
from __future__ import annotations

import pytest

from tests.xblocks.test_browser import assert_accessible, browser  # noqa: F401

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}
FOCUSED_IN_VIEW = """(selector) => { const e = document.querySelector(selector);
    const r = e.getBoundingClientRect();
    return {focused: document.activeElement === e, inView: r.top >= -2 && r.top < window.innerHeight,
            text: e.innerText}; }"""


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_survey_feedback_is_focused_named_and_said_once(browser, workbench, size):  # noqa: F811
    page = browser.new_page(viewport=SIZES[size])
    page.goto(f"{workbench.url}/scenario/digiready_survey.0/?student=feedback-{size}")
    page.locator(".dr-survey-form").wait_for(state="visible")
    page.get_by_role("button", name="Submit").click()
    page.locator(".dr-errors[role=alert]").wait_for(state="visible")
    box = page.evaluate(FOCUSED_IN_VIEW, ".dr-errors")
    assert box["focused"] and box["inView"], box
    assert "Question 1: Please answer “Which is right?”." in box["text"]
    assert "kc1" not in box["text"] and "question '" not in box["text"]
    assert_accessible(page, f"survey errors at {size}")

    page.locator('.dr-q[data-question="kc1"] input[value="a"]').check()
    page.get_by_role("button", name="Submit").click()
    page.locator(".dr-results").wait_for(state="visible")
    box = page.evaluate(FOCUSED_IN_VIEW, ".dr-results h4")
    assert box["focused"] and box["inView"], box
    results = page.locator(".dr-results").inner_text()
    assert results.count("Correct.") == 1 and "Correct. Yes." in results
    assert_accessible(page, f"survey feedback at {size}")
    page.close()
