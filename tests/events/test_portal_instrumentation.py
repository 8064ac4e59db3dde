"""The portal's instrumentation: a registration and a signed-in registrant's programme views
become pseudonymous events; deleting the account removes the link to them."""
from __future__ import annotations

import json

from sqlalchemy import select

from digiready.events.models import Event
from digiready.storage import session_scope
from digiready.storage.models import Learner
from tests.symposium_portal.conftest import (  # noqa: F401  (fixtures)
    app,
    browser,
    confirm,
    portal_db,
    portal_env,
    register,
    registration,
)


def test_registration_views_and_deletion(portal_db, browser):  # noqa: F811
    assert register(browser, "ana.perez@example.org").status_code == 303
    confirm(browser, "ana.perez@example.org")
    reg = registration("ana.perez@example.org")
    assert browser.get("/programme").status_code == 200
    with session_scope() as db:
        rows = list(db.scalars(select(Event).order_by(Event.id)))
        link = db.scalar(select(Learner).where(Learner.platform == "portal"))
    assert [e.kind for e in rows] == ["registered", "viewed"]
    assert rows[0].object_id == f"symposium/{reg.event_id}" and rows[0].economy == "pe"
    assert rows[1].object_id == "/programme" and rows[0].actor == rows[1].actor == link.opaque_id
    text = json.dumps([e.data for e in rows]) + "".join(e.actor for e in rows)
    assert "ana" not in text.lower() and "example.org" not in text

    assert browser.post_form("/me/delete", {}).status_code == 200
    with session_scope() as db:
        assert db.scalar(select(Learner.external_id).where(Learner.opaque_id == link.opaque_id)) is None
        assert len(list(db.scalars(select(Event)))) == 2  # the events stay, unlinkable
