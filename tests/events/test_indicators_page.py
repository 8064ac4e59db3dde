"""The indicators page in the LTI tool, over real HTTP after a real LTI launch: role checks,
economy scope, suppression on the page, CSV download, and WCAG 2.1 AA in Chromium."""
from __future__ import annotations

import csv
import io

import pytest
import requests

from digiready import events
from tests.events.test_indicators import _log
from tests.lti_tool.conftest import _environment
from tests.lti_tool.htmlform import first_form  # noqa: F401  (the LTI suite's helper)


@pytest.fixture
def lti(sqlite_db, monkeypatch):
    yield from _environment(monkeypatch)


def _launch_id(page) -> str:
    return page.url.split("launch=")[1].split("&")[0]


def test_instructor_sees_indicators_tables_charts_and_csv(lti):
    events.record_many(_log(seed=21, learners=80))
    page = lti.launch(user="instructor-1")
    launch = _launch_id(page)
    r = requests.get(lti.tool_url + "/analytics/indicators", params={"launch": launch}, timeout=10)
    assert r.status_code == 200, r.text[:500]
    html = r.text
    assert "<svg" in html and 'role="img"' in html
    assert 'id="ind-headlines"' in html and 'id="ind-levels-table"' in html and 'id="ind-by-gender"' in html
    r = requests.get(lti.tool_url + "/analytics/indicators", timeout=10,
                     params={"launch": launch, "economy": "pe", "gender": "woman", "period": "week"})
    assert r.status_code == 200 and "PE" in r.text
    r = requests.get(lti.tool_url + "/analytics/indicators.csv", params={"launch": launch, "economy": "ph"},
                     timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "item", "value", "learners", "suppressed"]
    assert ["filter", "economy", "ph", "", ""] in rows
    learners = next(r for r in rows if r[:2] == ["headline", "learners"])
    assert int(learners[2]) == len({e["actor"] for e in _log(seed=21, learners=80) if e["economy"] == "ph"})


def test_small_groups_are_not_shown_on_the_page(lti):
    from digiready import disclosure

    events.record_many(_log(seed=2, learners=3))  # with the instructor, four people: suppressed
    launch = _launch_id(lti.launch(user="instructor-1"))
    html = requests.get(lti.tool_url + "/analytics/indicators", params={"launch": launch}, timeout=10).text
    assert f"fewer than {disclosure.threshold()} learners" in html  # the one threshold
    rows = list(csv.reader(io.StringIO(requests.get(
        lti.tool_url + "/analytics/indicators.csv", params={"launch": launch}, timeout=10
    ).content.decode("utf-8-sig"))))
    headline = [r for r in rows if r[0] == "headline"]
    assert headline and all(r[2] == "" and r[4] == "1" for r in headline)


def test_learners_cannot_open_it_and_bad_filters_get_a_readable_400(lti):
    learner = _launch_id(lti.launch(user="learner-1"))
    r = requests.get(lti.tool_url + "/analytics/indicators", params={"launch": learner}, timeout=10)
    assert r.status_code == 403 and "Only instructors" in r.text
    r = requests.get(lti.tool_url + "/analytics/indicators", timeout=10)
    assert r.status_code == 401
    launch = _launch_id(lti.launch(user="instructor-1"))
    r = requests.get(lti.tool_url + "/analytics/indicators", params={"launch": launch, "from": "May 3"},
                     timeout=10)
    assert r.status_code == 400 and "YYYY-MM-DD" in r.text and "Traceback" not in r.text


def test_player_script_is_served(lti):
    r = requests.get(lti.tool_url + "/analytics/static/player.js", timeout=10)
    assert r.status_code == 200 and "DigiReadyPlayer" in r.text


def test_indicators_page_is_wcag_21_aa(lti):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    events.record_many(_log(seed=8, learners=60))
    launch = _launch_id(lti.launch(user="instructor-1"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 320, "height": 640})
        page.goto(f"{lti.tool_url}/analytics/indicators?launch={launch}")
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
            "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
        browser.close()
    assert results.violations_count == 0, results.generate_report()
