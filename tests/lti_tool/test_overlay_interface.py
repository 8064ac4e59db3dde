"""A language the tool has no catalogue for (Thai, added by an economy team in DigiReady
Studio): its pages speak it with the overlay's interface strings once they cover every text
of the tool's catalogue, and stay wholly English until then (one language per page)."""
from __future__ import annotations

import re

import pytest

from digiready.packs import published
from tests.digiready.thai_overlay import publish_thai
from tests.lti_tool.conftest import FIXTURE_PACK
from tests.lti_tool.test_pages import set_registration

LEFT_OUT = "Save and continue"


@pytest.fixture
def thai(sqlite_env, tmp_path, monkeypatch):
    monkeypatch.setenv("DIGIREADY_PUBLISHED_DIR", str(tmp_path / "published"))
    monkeypatch.setenv("DIGIREADY_PACK_RECHECK_SECONDS", "0")
    set_registration(sqlite_env, economy="th", language="th")
    return sqlite_env


def test_pages_speak_the_overlay_language_once_its_words_are_complete(thai, tmp_path):
    publish_thai(tmp_path, 1, leave_out=LEFT_OUT)
    page = thai.launch()
    assert '<html lang="en"' in page.text and "Save and continue" in page.text
    assert "[th]" not in page.text  # not a page half in each language

    publish_thai(tmp_path, 2)  # every text: the next launch, no restart
    b = thai.browser()
    page = thai.launch(browser=b)
    assert '<html lang="th"' in page.text, page.text[:300]
    assert "[th] Save and continue" in page.text and "[th] Step 1 of" in page.text
    assert not re.search(r">\s*Save and continue\s*<", page.text)
    # The next step, a form post in the same launch, is Thai too (the page's own request).
    from tests.lti_tool.htmlform import first_form

    form = first_form(page.text, page.url)
    following = b.post(form.action, data=form.first_choices() + [("action", "next")])
    assert following.status_code == 200 and "[th] Step 2 of" in following.text


def test_a_placeholder_the_translation_lost_never_reaches_a_page(thai, tmp_path):
    """The pack loader refuses such a file (the tool keeps serving English rather than a
    broken page): Studio and `pack validate` say where the mistake is."""
    from digiready.packs import validate_pack

    publish_thai(tmp_path, 1)
    current = published.overlay_dir("th")
    file = current / "interface" / "th.yaml"
    file.write_text(file.read_text().replace('"[th] Step %(n)s of %(total)s"', '"[th] Step %(n)s"'))
    issues, _ = validate_pack(FIXTURE_PACK, str(current))
    assert any("interface/th.yaml" in str(i) and "missing %(total)s" in str(i) for i in issues)
    page = thai.launch()
    assert page.status_code == 200 and '<html lang="en"' in page.text
