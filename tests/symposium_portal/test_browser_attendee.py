"""What an attendee and an organiser meet first (issue 19, items 8, 9, 10, 13), in Chromium
at a phone's 360 px and a desktop's 1280 px, with axe-core where the pages change: times in
the viewer's zone without pressing anything, the night note, join links in the programme,
an agreed meeting time, tables that scroll instead of breaking words, and the refusals of an
invisible name and of a capacity below the seats taken."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from .conftest import Browser, confirm, register, registration
from .test_browser import STAFF_PASSWORD, _axe, _signed_in_context, chromium, site  # noqa: F401

SIZES = [pytest.param({"width": 360, "height": 740}, id="360px"),
         pytest.param({"width": 1280, "height": 900}, id="1280px")]
ROOM = "https://meet.example.org/digiready"

# Text nodes in table cells drawn on more lines than they have words: a word broken inside.
BROKEN_WORDS = """() => {
  const bad = [];
  for (const cell of document.querySelectorAll("th, td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const words = node.textContent.trim().split(/[\\s\\-]+/).filter(Boolean);  // hyphens break too
      if (!words.length) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (lines.size > words.length) bad.push(node.textContent.trim());
    }
  }
  return bad;
}"""


def _no_page_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


@pytest.mark.parametrize("viewport", SIZES)
def test_programme_in_the_viewers_zone_at_once_with_a_night_note(chromium, site, viewport):  # noqa: F811 (fixtures)
    # With scripts: the device's zone (Lima) is applied on arrival; nothing to press.
    context = chromium.new_context(viewport=viewport, timezone_id="America/Lima",
                                   locale="en-US")
    page = context.new_page()
    page.goto(site + "/programme")
    page.wait_for_selector("text=(your time, America/Lima)")
    assert page.input_value("#tz") == "America/Lima"
    assert "detected from your device" in page.inner_text("#tz-detect-note")
    night = page.locator(".session .night").first
    assert night.is_visible() and night.inner_text() == "At night for you"
    first = page.locator(".session").first.inner_text()
    assert "00:00 – 00:30" in first and "At night for you" in first
    _no_page_scroll(page, viewport["width"])
    assert _axe(page) == []
    page.goto(site + "/")
    assert "Dates: 9 – 11 Mar 2027" in " ".join(page.inner_text("main").split())
    context.close()
    # Without scripts, from the browser's language region (en-PE): the server applies Lima.
    context = chromium.new_context(viewport=viewport, java_script_enabled=False,
                                   locale="en-PE")
    page = context.new_page()
    page.goto(site + "/programme")
    assert page.input_value("#tz") == "America/Lima"
    assert page.locator(".session .night").first.is_visible()
    context.close()
    # Nothing known (no script, a many-zone region): event time, labelled as such.
    context = chromium.new_context(viewport=viewport, java_script_enabled=False,
                                   locale="en-US")
    page = context.new_page()
    page.goto(site + "/programme")
    assert "Times are shown in event time only (Asia/Singapore)." in page.inner_text(
        "#tz-detect-note")
    assert page.locator(".t-viewer").count() == 0
    context.close()


def _accepted_meeting() -> None:
    """An accepted meeting between the site's listed registrant (Auckland) and a Lima one."""
    from symposium_portal.db import new_session
    from symposium_portal.network.models import MeetingRequest, MeetingSlot

    lima = registration("lima@example.org")
    listed = registration("listed@example.org")
    dbs = new_session()
    meeting = MeetingRequest(requester_id=lima.id, recipient_id=listed.id, note="Payments",
                             status="accepted")
    meeting.slots = [MeetingSlot(starts_at=datetime(2027, 3, 9, 22, 0, tzinfo=UTC),
                                 minutes=30),
                     MeetingSlot(starts_at=datetime(2027, 3, 10, 13, 0, tzinfo=UTC),
                                 minutes=30)]
    dbs.add(meeting)
    dbs.flush()
    meeting.accepted_slot_id = meeting.slots[1].id
    dbs.commit()
    dbs.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_join_links_in_the_programme_and_the_agreed_meeting_time(chromium, site, app,  # noqa: F811 (fixtures)
                                                                 viewport):
    other = Browser(app.test_client())
    register(other, "lima@example.org", full_name="Ana Quispe")
    confirm(other, "lima@example.org")
    _accepted_meeting()
    context, page = _signed_in_context(chromium, site, viewport)
    page.goto(site + "/programme")
    sessions = page.locator(".session").count()
    # Each goes through the portal's join address (it records attendance), then to the room.
    links = page.locator(".session a.join[href$='/join']")
    assert sessions > 3 and links.count() == sessions
    assert links.first.is_visible()
    page.route(ROOM + "**", lambda route: route.fulfill(status=200, body="room"))
    links.first.click()
    # Wait until the room has loaded: a next goto started while the room's navigation is
    # still in flight is interrupted by it (a CI run failed so, "chrome-error://").
    page.wait_for_url(ROOM + "**")
    assert page.inner_text("body") == "room"
    page.goto(site + "/programme")
    box = links.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert _axe(page) == []
    page.goto(site + "/network/meetings")
    agreed = page.locator(".agreed")
    assert agreed.is_visible()
    text = " ".join(agreed.inner_text().split())
    assert text.startswith("Agreed time: Thu 11 Mar 2027 02:00–02:30 NZDT (Pacific/Auckland)")
    assert "For Ana Quispe: Wed 10 Mar 2027 08:00–08:30 UTC-05 (America/Lima)" in text
    assert "agreed" not in page.inner_text(".session ul") if page.locator(
        ".session ul").count() else True
    _no_page_scroll(page, viewport["width"])
    assert _axe(page) == []
    context.close()


TABLE_PAGES = ["/admin/", "/admin/registrations", "/admin/outbox", "/admin/audit",
               "/admin/reports", "/evaluation/results"]


def _organiser(chromium, site, viewport):  # noqa: F811 (fixtures)
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(site + "/admin/login")
    page.fill("#email", "organiser@org.example")
    page.fill("#password", STAFF_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return context, page


@pytest.mark.parametrize("viewport", SIZES)
def test_admin_and_results_tables_scroll_and_never_break_a_word(chromium, site, viewport):  # noqa: F811 (fixtures)
    context, page = _organiser(chromium, site, viewport)
    for path in TABLE_PAGES:
        page.goto(site + path)
        assert "/admin/login" not in page.url
        assert page.evaluate(BROKEN_WORDS) == [], path
        _no_page_scroll(page, viewport["width"])
        regions = page.locator(".table-scroll")
        assert regions.count() == page.locator("table").count() > 0, path
        for i in range(regions.count()):
            region = regions.nth(i)
            assert region.get_attribute("role") == "region"
            assert region.get_attribute("tabindex") == "0"
            label = page.evaluate("id => document.getElementById(id).textContent.trim()",
                                  region.get_attribute("aria-labelledby"))
            assert label, path
    # A wide table is scrolled with the keyboard once its region has focus.
    page.goto(site + "/evaluation/results")
    region = page.locator(".table-scroll").nth(1)
    wide = region.evaluate("r => r.scrollWidth > r.clientWidth")
    assert wide or viewport["width"] > 360
    if wide:
        region.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
    assert _axe(page) == []
    context.close()


@pytest.mark.parametrize("viewport", SIZES)
def test_invisible_name_and_capacity_below_seats_taken_are_refused(chromium, site, app,  # noqa: F811 (fixtures)
                                                                   viewport):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(site + "/register")
    page.fill("#full_name", "\u200b")
    page.fill("#email", "ghost@example.org")
    page.fill("#organisation", "Cooperativa Andina")
    page.select_option("#economy", "PE")
    page.check("#sector-0")
    page.check("#consent_privacy")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "only invisible characters" in page.inner_text("#error-summary")
    assert page.get_attribute("#full_name", "aria-invalid") == "true"
    assert registration("ghost@example.org") is None
    _no_page_scroll(page, viewport["width"])
    assert _axe(page) == []
    context.close()

    register(Browser(app.test_client()), "second@example.org")  # two seats taken now
    context, page = _organiser(chromium, site, viewport)
    page.goto(site + "/admin/event")
    assert "2 seats are taken now" in page.inner_text("main")
    page.fill("#capacity", "1")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    summary = page.inner_text("#error-summary")
    assert "2 seats are already taken, so the capacity cannot be lower than 2" in summary
    assert page.get_attribute("#capacity", "aria-invalid") == "true"
    from symposium_portal.db import new_session
    from symposium_portal.programme.models import Event

    dbs = new_session()
    assert dbs.scalar(select(Event.capacity)) == 300
    dbs.close()
    _no_page_scroll(page, viewport["width"])
    assert _axe(page) == []
    context.close()
