"""Issue 17, item 3, in the LTI tool: a registration that lets its learners choose among
several economies ("pe ph", or "any") shows the base pack until the learner answers "In which
economy is your business?", then the overlay of the answer (and its language) on every page;
a registration with one economy ignores the answer. Over real HTTP against the peer
platform, on SQLite and PostgreSQL, with the real content packs (GCash and the Negosyo
Centers are the Philippine overlay's)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from digiready.cli.main import main
from digiready.storage import session_scope
from tests.lti_tool.htmlform import first_form

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def real_packs(monkeypatch):
    """The tool serves content/base, with the overlays in content/economies beside it."""
    monkeypatch.setenv("DIGIREADY_LTI_PACK", str(REPO / "content" / "base"))


def register(env, capsys, *options: str) -> str:
    """``digiready lti platform add`` for the peer platform again (an update), as an admin
    would; returns what the command printed."""
    args = env.platform.registration_args()
    assert main(["lti", "platform", "add", "--issuer", args["issuer"], "--client-id",
                 args["client_id"], "--deployment-id", args["deployment_ids"][0],
                 "--auth-login-url", args["auth_login_url"], "--token-url", args["token_url"],
                 "--jwks-url", args["jwks_url"], *options]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def lang(page) -> str:
    return re.search(r'<html lang="([^"]+)"', page.text).group(1)


def step_number(page) -> int:
    """The step a diagnostic page shows (its "Step n of m" label, in any language)."""
    return int(re.search(r'id="progress-label">\D*(\d+)', page.text).group(1))


def post_step(browser, page, **profile):
    """Submit the page's form as a learner: the first choice of every question, except the
    profile answers given (``economy="ph"``)."""
    assert page.status_code == 200, page.text[:1500]
    form = first_form(page.text, page.url)
    data = [(k, profile.get(k[2:], v) if k.startswith("p-") else v)
            for k, v in form.first_choices()]
    return browser.post(form.action, data=data + [("action", "next")], timeout=10)


def leave_first_step(browser, page, **profile):
    """Answer the profile step (again if the answers opened follow-up questions on it) and
    return the next step's page."""
    for _ in range(3):
        page = post_step(browser, page, **profile)
        if re.search(r"[?&]step=[1-9]", page.url):
            return page
    raise AssertionError("still on the first step:\n" + page.text[:1500])


def finish(browser, page, **profile):
    for _ in range(25):
        if "/learn/results" in page.url:
            return page
        page = post_step(browser, page, **profile)
    raise AssertionError("the diagnostic never ended")


def learner_and_events(user: str):
    from digiready.events.models import Event
    from digiready.storage.models import Attempt, Learner

    with session_scope() as s:
        learner = s.scalars(select(Learner).where(Learner.external_id == user)).one()
        attempts = s.scalars(select(Attempt.economy).where(Attempt.learner_id == learner.id)).all()
        events = dict(s.execute(select(Event.kind, Event.economy).where(
            Event.actor == learner.opaque_id)).all())
        return learner.economy, attempts, events


def test_the_learners_answer_picks_the_overlay_and_its_language(lti_env, real_packs, capsys):
    env = lti_env
    printed = register(env, capsys, "--economies", "PE, ph")
    assert "economy=- language=- economies=pe,ph" in printed
    browser = env.browser()
    # A Filipino-speaking learner: the base pack has English only, so the first page (which
    # asks the economy question) is in English.
    first = env.launch("learner-1", browser=browser, language="fil")
    assert lang(first) == "en" and "In which economy is your business?" in first.text
    assert "GCash" not in first.text
    second = leave_first_step(browser, first, economy="ph")
    # From the next page on: the Philippine overlay, in Filipino (one of its languages).
    assert second.status_code == 200 and lang(second) == "fil"
    # A new launch (the learner comes back tomorrow) keeps the choice.
    again = env.launch("learner-1", browser=browser, language="fil")
    assert lang(again) == "fil" and "/learn/diagnostic" in again.url
    # ... and lands where they left off, not on the profile step again (the overlay's
    # optional region question was left blank: see tests/digiready/test_progress.py).
    assert step_number(again) == step_number(second) > 1
    results = finish(browser, again, economy="ph")
    assert results.status_code == 200 and lang(results) == "fil"
    assert "GCash" in results.text and "Negosyo Center" in results.text
    # A module the results recommend opens in the overlay too (and a reload keeps it).
    link = re.search(r'href="([^"]*/learn/module/[^"]+)"', results.text).group(1)
    module = browser.get(requests.compat.urljoin(results.url, link.replace("&amp;", "&")),
                         timeout=10)
    assert module.status_code == 200 and lang(module) == "fil"
    assert lang(browser.get(results.url, timeout=10)) == "fil"
    economy, attempts, events = learner_and_events("learner-1")
    assert economy == "ph" and attempts == ["ph"]
    assert events["diagnostic.attempted"] == "ph" and events["diagnostic.completed"] == "ph"
    # Peru's overlay has Spanish only: a learner whose LMS speaks Vietnamese gets Spanish
    # once they answer Peru (the overlay's default language).
    peru = env.browser()
    page = env.launch("learner-2", browser=peru, language="vi")
    assert lang(page) == "en"
    page = leave_first_step(peru, page, economy="pe")
    assert lang(page) == "es"
    # Viet Nam is not on the list: the registration's own (none: the base pack).
    other = env.browser()
    page = leave_first_step(other, env.launch("learner-3", browser=other, language="vi"),
                            economy="vn")
    assert lang(page) == "en"
    results = finish(other, page, economy="vn")
    assert "GCash" not in results.text and "Negosyo" not in results.text
    assert learner_and_events("learner-3")[0] == "vn"  # counted where they are


def test_a_registration_with_one_economy_ignores_the_answer(lti_env, real_packs, capsys):
    env = lti_env
    assert "economy=pe language=- economies=-" in register(env, capsys, "--economy", "pe")
    browser = env.browser()
    page = env.launch("learner-1", browser=browser)
    assert lang(page) == "es"  # Peru's overlay from the start
    results = finish(browser, leave_first_step(browser, page, economy="ph"))
    assert results.status_code == 200 and lang(results) == "es"
    assert "GCash" not in results.text and "Negosyo" not in results.text
    assert learner_and_events("learner-1")[0] == "pe"


def test_any_economy_and_clearing_the_choice(lti_env, real_packs, capsys):
    env = lti_env
    assert "economies=any" in register(env, capsys, "--economies", "any")
    browser = env.browser()
    page = leave_first_step(browser, env.launch("learner-1", browser=browser, language="vi"),
                            economy="vn")
    assert lang(page) == "vi"  # any economy with an overlay
    # `none` clears the choice: the registration's own economy (none: the base pack) again,
    # for the same learner in a new launch.
    assert "economies=-" in register(env, capsys, "--economies", "none")
    assert lang(env.launch("learner-1", browser=browser, language="vi")) == "en"


def test_instructors_pick_among_the_registrations_economies(lti_env, real_packs, capsys):
    """On a registration whose learners choose between Peru and the Philippines, an
    instructor's indicators may show either, and no other economy (403, said in words)."""
    env = lti_env
    register(env, capsys, "--economy", "pe", "--economies", "pe,ph")
    page = env.launch("instructor-1")
    launch = page.url.split("launch=")[1].split("&")[0]

    def indicators(**params):
        return requests.get(env.tool_url + "/analytics/indicators", timeout=10,
                            params={"launch": launch, **params})

    shown = indicators()
    assert shown.status_code == 200 and 'id="f-economy"' in shown.text
    assert 'value="pe"' in shown.text  # the registration's own economy first
    assert 'value="ph"' in indicators(economy="ph").text
    refused = indicators(economy="vn")
    assert refused.status_code == 403 and "pe, ph" in refused.text
    # A registration with one economy: no choice offered, the economy fixed.
    register(env, capsys, "--economies", "none")
    launch = env.launch("instructor-1").url.split("launch=")[1].split("&")[0]
    fixed = indicators(economy="ph")
    assert fixed.status_code == 200 and 'id="f-economy"' not in fixed.text
