"""Learner and instructor pages over HTTP: languages (UI from gettext, content from the pack),
save as you go, CSRF on every form, launch state in the page (no cookie), framing limited to
the registered platform, modules with video, captions and transcript, role checks."""
from __future__ import annotations

import requests
from sqlalchemy import select

from digiready.storage import session_scope
from digiready.storage.models import Attempt
from tests.lti_tool.conftest import FIXTURE_PACK, use_pack_with_video
from tests.lti_tool.htmlform import first_form, forms


def set_registration(env, economy=None, language=None):
    from lti_tool.registration import service

    with session_scope() as s:
        service.add(s, service.PlatformInput(**env.platform.registration_args(),
                                             economy=economy, language=language))


def launch_id(page) -> str:
    return page.url.split("launch=")[1].split("&")[0]


def test_spanish_ui_and_economy_content(sqlite_env):
    set_registration(sqlite_env, economy="xx", language="es")
    b = sqlite_env.browser()
    page = sqlite_env.launch(browser=b)
    assert '<html lang="es"' in page.text and "Paso 1 de" in page.text
    assert "Guardar y continuar" in page.text
    form = first_form(page.text, page.url)
    page = b.post(form.action, data=form.first_choices() + [("action", "next")])
    assert "¿Dónde te encuentran tus clientes en internet?" in page.text  # content from the overlay
    assert "Marque todas las que correspondan." in page.text


def test_tok_pisin_ui_from_the_platform_locale(sqlite_env, monkeypatch):
    """The page speaks the launch's language when the pack has it: the page's own texts and
    the pack's alike (the shipped content, Papua New Guinea's overlay)."""
    monkeypatch.delenv("DIGIREADY_LTI_PACK")
    sqlite_env.platform.claim_overrides["https://purl.imsglobal.org/spec/lti/claim/launch_presentation"] = {
        "locale": "tpi-PG", "document_target": "iframe"}
    page = sqlite_env.launch(economy="pg")
    assert '<html lang="tpi"' in page.text and "Seivim na go het" in page.text
    assert "Bisnis bilong yu i stap long wanem kantri o ekonomi?" in page.text


def test_one_language_per_page_when_the_pack_lacks_the_launch_language(sqlite_env):
    """The fixture pack is English only: a Tok Pisin launch gets a wholly English page, not
    Tok Pisin buttons around English questions."""
    sqlite_env.platform.claim_overrides["https://purl.imsglobal.org/spec/lti/claim/launch_presentation"] = {
        "locale": "tpi-PG", "document_target": "iframe"}
    page = sqlite_env.launch()
    assert '<html lang="en"' in page.text and "Save and continue" in page.text
    assert "Seivim na go het" not in page.text


def test_an_economy_without_a_language_speaks_the_economy_language(sqlite_env, monkeypatch):
    """Peru's overlay is in Spanish: a launch naming no language (and an English browser)
    gets the questions and the page's own texts in Spanish, then Spanish results."""
    monkeypatch.delenv("DIGIREADY_LTI_PACK")
    b = sqlite_env.browser()
    b.headers["Accept-Language"] = "en-GB,en;q=0.9"
    page = sqlite_env.launch(economy="pe", browser=b)
    assert '<html lang="es"' in page.text and "¿En qué economía está su negocio?" in page.text
    assert "Guardar y continuar" in page.text and "Save and continue" not in page.text


def test_answers_are_saved_at_every_step_without_cookies(sqlite_env):
    b = sqlite_env.browser()
    page = sqlite_env.launch(browser=b)
    assert not b.cookies  # the launch lives in the page, not in a cookie
    form = first_form(page.text, page.url)
    fresh = requests.Session()  # another "browser" with no cookies at all, same page URL
    nxt = fresh.post(form.action, data=form.first_choices() + [("action", "next")])
    assert nxt.status_code == 200 and "Step 2 of" in nxt.text
    with session_scope() as s:
        attempt = s.scalars(select(Attempt)).one()
        assert attempt.profile["sector"] == "a" and attempt.status == "in_progress"
    # Coming back later (a new launch) continues where the learner stopped.
    again = sqlite_env.launch()
    assert "Step 2 of" in again.text


def test_forms_need_the_csrf_token(sqlite_env):
    b = sqlite_env.browser()
    page = sqlite_env.launch(browser=b)
    form = first_form(page.text, page.url)
    data = [kv for kv in form.first_choices() if kv[0] != "csrf_token"]
    refused = b.post(form.action, data=data + [("csrf_token", "forged")])
    assert refused.status_code == 400 and "CSRF" in refused.text
    with session_scope() as s:
        assert s.scalars(select(Attempt)).all() == []  # nothing saved


def test_pages_without_a_valid_launch_are_refused(sqlite_env):
    r = requests.get(sqlite_env.tool_url + "/learn/diagnostic")
    assert r.status_code == 401 and "opened from your course" in r.text
    r = requests.get(sqlite_env.tool_url + "/learn/results", params={"launch": "made-up"})
    assert r.status_code == 401


def test_framing_is_limited_to_the_launching_platform(sqlite_env):
    page = sqlite_env.launch()
    csp = page.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {sqlite_env.platform_url}" in csp
    assert "X-Frame-Options" not in page.headers
    assert "evil" not in csp


def test_learner_cannot_open_instructor_pages(sqlite_env):
    page = sqlite_env.launch("learner-1")
    r = requests.get(sqlite_env.tool_url + "/instructor/dashboard", params={"launch": launch_id(page)})
    assert r.status_code == 403
    r = requests.get(sqlite_env.tool_url + "/instructor/export.csv", params={"launch": launch_id(page)})
    assert r.status_code == 403


def test_module_page_with_video_captions_and_transcript(sqlite_env, tmp_path, monkeypatch):
    use_pack_with_video(tmp_path, monkeypatch)
    link = sqlite_env.platform.add_link("Module", {"digiready_target": "module:pay_basics"})
    b = sqlite_env.browser()
    page = sqlite_env.launch(link=link.id, browser=b)
    assert '<video id="dr-video"' in page.text and 'data-module-id="pay_basics"' in page.text
    assert 'data-duration="60"' in page.text and '<track kind="captions"' in page.text
    assert "Transcript" in page.text
    captions = b.get(sqlite_env.tool_url + "/learn/module/pay_basics/captions.vtt",
                     params={"launch": launch_id(page)})
    assert captions.status_code == 200 and captions.text.startswith("WEBVTT")
    assert captions.headers["Content-Type"].startswith("text/vtt")
    missing = b.get(sqlite_env.tool_url + "/learn/module/nope", params={"launch": launch_id(page)})
    assert missing.status_code == 404
    # Without a source there is no <video>, but the transcript is always there.
    monkeypatch.setenv("DIGIREADY_LTI_PACK", str(FIXTURE_PACK))
    page = b.get(page.url)
    assert "<video" not in page.text and "Transcript" in page.text


def test_survey_requires_the_knowledge_check_then_gives_feedback(sqlite_env):
    link = sqlite_env.platform.add_link("Survey", {"digiready_target": "survey:pay_basics"},
                                        line_item=True)
    b = sqlite_env.browser()
    page = sqlite_env.launch("learner-3", link=link.id, browser=b)
    assert "/learn/survey/pay_basics" in page.url and "Transcript" not in page.text
    form = first_form(page.text, page.url)
    empty = b.post(form.action, data=form.hidden)
    assert empty.status_code == 422 and "Which is right?" in empty.text
    wrong = b.post(form.action, data=list(form.hidden.items()) + [("kc-kc1", "b")])
    assert wrong.status_code == 200 and "Not quite." in wrong.text and "No." in wrong.text
    score = [s for s in sqlite_env.platform.scores if s["userId"] == "learner-3"][-1]
    assert score["scoreGiven"] == 0.0 and score["lineitem"] == link.lineitem_id


def test_reassessment_progress_and_history(sqlite_env):
    from tests.lti_tool.test_end_to_end import complete_diagnostic

    b = sqlite_env.browser()
    results = complete_diagnostic(sqlite_env, b, sqlite_env.launch(browser=b))
    assert "Take the diagnostic again" in results.text
    # A later launch lands on the results, not on a new questionnaire.
    assert "/learn/results" in sqlite_env.launch(browser=b).url
    retake = [f for f in forms(results.text, results.url)
              if "restart" in f.action][0]
    page = b.post(retake.action, data=retake.hidden)
    assert "Step 1 of" in page.text
    progress = b.get(sqlite_env.tool_url + "/learn/progress", params={"launch": launch_id(page)})
    assert progress.status_code == 200 and "Continue the diagnostic" in progress.text
    assert "Module pay_basics" in progress.text and "Not started" in progress.text
    again = complete_diagnostic(sqlite_env, b, page)
    assert "Since your last attempt" in again.text and "Attempt 2" in again.text
    with session_scope() as s:
        numbers = sorted(a.number for a in s.scalars(select(Attempt)))
    assert numbers == [1, 2]


def test_spanish_results_use_the_shared_results_view(sqlite_env):
    from tests.lti_tool.test_end_to_end import complete_diagnostic

    set_registration(sqlite_env, economy="xx", language="es")
    b = sqlite_env.browser()
    results = complete_diagnostic(sqlite_env, b, sqlite_env.launch(browser=b))
    assert "Sus resultados" in results.text
    assert "Su madurez digital general es" in results.text  # digiready.presentation.results_view
    assert "Video corto de capacitación" in results.text and "Sus respuestas:" in results.text
    # The overlay's wallet is marked verified: false: the learner is told to check it.
    assert "Aún no verificado por el equipo de DigiReady; confírmelo con el proveedor. (PagoXX)" in results.text


def test_results_scored_in_spanish_are_shown_wholly_in_english_later(sqlite_env):
    """A learner who answered in Spanish and opens the course in English later sees their
    results in English: the areas and recommendations too, not only the page's own texts."""
    from tests.lti_tool.test_end_to_end import complete_diagnostic

    set_registration(sqlite_env, economy="xx", language="es")
    b = sqlite_env.browser()
    results = complete_diagnostic(sqlite_env, b, sqlite_env.launch(browser=b))
    assert "Sus resultados" in results.text and "Pagos básicos" in results.text
    set_registration(sqlite_env, language="en")
    again = sqlite_env.launch(browser=b)
    assert "/learn/results" in again.url and '<html lang="en"' in again.text
    assert "Your results" in again.text and "Module pay_basics" in again.text
    assert "Pagos básicos" not in again.text
    with session_scope() as s:  # what was stored (and graded) is unchanged
        attempt = s.scalars(select(Attempt)).one()
        assert attempt.result["pack"]["language"] == "es"
