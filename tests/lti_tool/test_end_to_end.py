"""End to end over real HTTP against ``lti1p3platform`` as the platform, on SQLite and
PostgreSQL: learner launch and the whole diagnostic, AGS scores received by the platform,
deep linking round trip, NRPS roster on the instructor dashboard, CSV export."""
from __future__ import annotations

import csv
import io

from tests.lti_tool.htmlform import first_form, forms


def complete_diagnostic(env, browser, page):
    """Answer every step with the first option of each question, as a learner clicking."""
    for _ in range(20):
        if "/learn/results" in page.url:
            return page
        assert page.status_code == 200, page.text[:1500]
        form = first_form(page.text, page.url)
        page = browser.post(form.action, data=form.first_choices() + [("action", "next")],
                            timeout=10)
    raise AssertionError("the diagnostic never ended")


def test_learner_launch_diagnostic_results_and_score(lti_env):
    browser = lti_env.browser()
    page = lti_env.launch("learner-1", browser=browser)
    assert page.status_code == 200, page.text[:1000]
    assert "/learn/diagnostic" in page.url and "launch=" in page.url
    assert "Step 1 of" in page.text
    # Framing is allowed for the registered platform only, never denied outright.
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self' " + lti_env.platform_url in csp
    assert "X-Frame-Options" not in page.headers
    results = complete_diagnostic(lti_env, browser, page)
    assert results.status_code == 200
    assert "Your results" in results.text and "<svg" in results.text
    assert "Your business data is not well protected." in results.text or "reason" in results.text
    scores = [s for s in lti_env.platform.scores if s["userId"] == "learner-1"]
    assert scores[0]["activityProgress"] == "Started" and scores[0]["gradingProgress"] == "NotReady"
    final = scores[-1]
    assert final["activityProgress"] == "Completed" and final["gradingProgress"] == "FullyGraded"
    assert final["scoreMaximum"] == 100 and 0 <= final["scoreGiven"] <= 100
    assert final["lineitem"] == "1"  # the link's own gradebook column


def test_deep_linking_round_trip_then_module_score(lti_env):
    browser = lti_env.browser()
    picker = lti_env.launch("instructor-1", deep_linking=True, browser=browser)
    assert picker.status_code == 200, picker.text[:1000]
    assert "/instructor/picker" in picker.url
    form = first_form(picker.text, picker.url)
    assert "module:pay_basics" in form.radios["item"] and "survey:safe_online" in form.radios["item"]
    back = browser.post(form.action, data=list(form.hidden.items()) + [("item", "module:pay_basics")])
    assert back.status_code == 200
    answer = first_form(back.text, back.url)
    assert answer.action == lti_env.platform_url + "/deep_link_return"
    done = browser.post(answer.action, data=answer.hidden)
    assert done.status_code == 200 and "added=1" in done.url
    link = [x for x in lti_env.platform.links.values()
            if x.custom == {"digiready_target": "module:pay_basics"}][0]
    assert link.lineitem_id  # the platform created the column from our lineItem
    # A learner opens the new link: the module page, then the survey sends the score.
    learner = lti_env.browser()
    page = lti_env.launch("learner-2", link=link.id, browser=learner)
    assert "/learn/module/pay_basics" in page.url and "Transcript" in page.text
    survey = first_form(page.text, page.url)
    sent = learner.post(survey.action, data=list(survey.hidden.items()) + [("kc-kc1", "a"), ("usefulness", "4")])
    assert sent.status_code == 200 and "your answers are saved" in sent.text
    score = [s for s in lti_env.platform.scores if s["userId"] == "learner-2"][-1]
    assert score["lineitem"] == link.lineitem_id and score["scoreGiven"] == 100.0
    assert score["activityProgress"] == "Completed"


def test_instructor_dashboard_roster_and_csv(lti_env):
    learner = lti_env.browser()
    complete_diagnostic(lti_env, learner, lti_env.launch("learner-1", browser=learner))
    instructor = lti_env.browser()
    page = lti_env.launch("instructor-1", browser=instructor)
    assert "/instructor/dashboard" in page.url, page.text[:500]
    assert "1 of 1 learner who opened DigiReady has completed" in page.text  # ngettext
    # NRPS: three learners in the course, one has taken the diagnostic.
    assert "1 of 3 learners in the course have taken the diagnostic" in page.text
    assert "Kila Wari" in page.text and "Not taken" in page.text
    export = [f for f in forms(page.text, page.url)]  # no forms needed; follow the link
    assert export == []
    launch_id = page.url.split("launch=")[1].split("&")[0]
    csv_response = instructor.get(lti_env.tool_url + "/instructor/export.csv", params={"launch": launch_id})
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0]["user_id"] == "learner-1" and rows[0]["status"] == "completed"
    assert rows[0]["presence"] != ""


def test_replayed_id_token_is_refused_on_every_database(lti_env):
    """The nonce store is one statement per database dialect: check it on both."""
    from tests.lti_tool.test_launch_checks import login, post_launch

    issued = login(lti_env)
    claims = lti_env.platform.launch_claims(lti_env.platform.users["learner-1"], None, issued["nonce"])
    token = lti_env.platform.sign(claims)
    assert post_launch(lti_env, token, issued["state"]).status_code == 200
    again = post_launch(lti_env, token, issued["state"])
    assert again.status_code == 400 and "<code>nonce</code>" in again.text


def test_diagnostic_and_module_events_carry_the_content_version(sqlite_env):
    """The final report's trial period compares module completion before and after a content
    change: every diagnostic and module event names the pack version the learner used (the
    same one the attempt stores), and the xAPI statement gives it as context.revision."""
    from sqlalchemy import select

    from digiready.events.models import Event
    from digiready.events.xapi import build_statement
    from digiready.storage import session_scope
    from digiready.storage.models import Attempt

    browser = sqlite_env.browser()
    page = complete_diagnostic(sqlite_env, browser, sqlite_env.launch("learner-1", browser=browser))
    launch = page.url.split("launch=")[1].split("&")[0]
    module = browser.get(sqlite_env.tool_url + "/learn/module/pay_basics", params={"launch": launch})
    assert module.status_code == 200, module.text[:500]
    survey = first_form(module.text, module.url)
    sent = browser.post(survey.action, data=list(survey.hidden.items()) + [("kc-kc1", "a")])
    assert sent.status_code == 200 and "your answers are saved" in sent.text
    with session_scope() as s:
        version = s.scalar(select(Attempt.pack_version))
        rows = s.scalars(select(Event).where(Event.kind.like("module.%")
                                             | Event.kind.like("diagnostic.%"))).all()
        statements = {e.kind: build_statement(e) for e in rows}
        data = {e.kind: dict(e.data or {}) for e in rows}
    assert sorted(data) == ["diagnostic.attempted", "diagnostic.completed", "module.completed",
                            "module.progressed"]
    assert version
    for kind in data:
        assert data[kind].get("content_version") == version, kind
        assert statements[kind]["context"]["revision"] == version, kind
