"""Preview: the draft shown by the LTI tool's own learner pages (diagnostic, results, module),
before anything is published, and without recording a learner's events."""
from __future__ import annotations

import pytest

from tests.studio.conftest import make_user, new_economy, post_form, signed_in


@pytest.fixture
def lti(app):
    from lti_tool.app import create_app

    return create_app({"TESTING": True}).test_client()


def _translate_first_profile_questions(units: int = 30) -> dict[str, str]:
    from digiready.authoring import store
    from digiready.authoring.build import units_for
    from digiready.packs import base_pack_dir
    from digiready.storage import session_scope

    done = {}
    with session_scope() as s:
        found = units_for(store.load_content(s, "th"), base_pack_dir())["th"]
        for unit in [u for u in found if u.key.startswith("profile.") and u.key.endswith(".text")][:units]:
            text = f"[th] {unit.source}"
            store.save_translation(s, "th", "th", unit.key, text, source_hash=unit.source_hash,
                                   revision=None, actor="test")
            done[unit.key] = text
    return done


def test_preview_shows_the_draft_in_the_learner_pages_before_publishing(app, lti):
    from digiready.packs.published import current_version
    from digiready.storage import session_scope
    from digiready.storage.models import Learner

    make_user("admin@example.org", admin=True)
    admin = signed_in(app, "admin@example.org")
    new_economy(admin)
    translated = _translate_first_profile_questions()
    opened = post_form(admin, "/e/th/preview", {"language": "th", "page": "diagnostic"})
    assert opened.status_code == 303
    target = opened.headers["Location"]
    assert "/lti/preview/" in target
    page = lti.get(target[target.index("/lti/preview/"):], follow_redirects=True)
    assert page.status_code == 200, page.text[:2000]
    assert "Step 1 of" in page.text
    assert any(text in page.text for text in translated.values()), page.text[:3000]
    results = post_form(admin, "/e/th/preview", {"language": "th", "page": "results"})
    shown = lti.get(results.headers["Location"].split("127.0.0.1:8000", 1)[-1], follow_redirects=True)
    assert shown.status_code == 200 and "What to do next, and why" in shown.text
    module = post_form(admin, "/e/th/preview", {"language": "th", "page": "module"})
    shown = lti.get(module.headers["Location"].split("127.0.0.1:8000", 1)[-1], follow_redirects=True)
    assert shown.status_code == 200 and "Transcript" in shown.text
    assert current_version("th") is None  # nothing was published
    with session_scope() as s:
        learners = s.query(Learner).filter(Learner.platform == "studio-preview").all()
        assert learners and all(learner.synthetic for learner in learners)
    from digiready.events.models import Event

    with session_scope() as s:
        assert s.query(Event).count() == 0


def test_a_preview_link_that_expired_or_never_existed_is_a_readable_410(app, lti):
    answer = lti.get("/lti/preview/not-a-token")
    assert answer.status_code == 410 and "expired" in answer.text
