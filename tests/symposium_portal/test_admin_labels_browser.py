"""Admin pages read as words, not codes (issue 19, item 11), in Chromium at 360 px and
1280 px with axe-core: registration statuses ("Awaiting approval", not
``pending_approval``), the signed-in role, and the audit log's who/what/details ("the
organiser's email", "Registrations exported", "format: csv", not ``staff:1 {}``)."""
from __future__ import annotations

import re

import pytest

from .test_browser import _axe, chromium, site  # noqa: F401
from .test_browser_attendee import SIZES, _organiser

CODES = re.compile(r"\b(pending_approval|waitlisted|staff:\d+|registrant:\d+|export\.registrations)\b")


@pytest.mark.parametrize("viewport", SIZES)
def test_admin_views_show_labels_not_codes(chromium, site, viewport):  # noqa: F811 (fixtures)
    context, page = _organiser(chromium, site, viewport)
    page.goto(site + "/admin/")
    main = page.inner_text("main")
    assert "Awaiting approval" in main and "On the waiting list" in main
    assert "(Organiser)" in main and not CODES.search(main), CODES.search(main)
    assert _axe(page) == []
    # An action the audit log records with details, then the log itself.
    page.request.get(site + "/admin/exports/registrations.csv")
    page.goto(site + "/admin/audit")
    main = page.inner_text("main")
    assert "Registrations exported" in main and "organiser@org.example" in main
    assert "format: csv" in main
    assert not CODES.search(main) and "{}" not in main, main[:1500]
    assert _axe(page) == []
    for path in ("/admin/registrations", "/admin/registrations?status=pending_approval", "/admin/outbox"):
        page.goto(site + path)
        main = page.inner_text("main")
        assert not CODES.search(main), (path, CODES.search(main))
    assert "Registrations (Awaiting approval)" in page.goto(
        site + "/admin/registrations?status=pending_approval").text()
    context.close()
