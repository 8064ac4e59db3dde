"""Both blocks in the real xblock-sdk workbench, over HTTP: every scenario renders, static
files come from ``public/``, and the handlers work (and refuse bad input) with CSRF on."""
from __future__ import annotations

import json
import re

import pytest
import requests

SCENARIOS = ["digiready_diagnostic.0", "digiready_diagnostic.1", "digiready_diagnostic.2",
             "digiready_survey.0", "digiready_survey.1"]


class Learner:
    """A browser-less learner: keeps the CSRF cookie and posts JSON to handler URLs."""

    def __init__(self, workbench, scenario: str, student: str) -> None:
        self.session = requests.Session()
        self.base = workbench.url
        page = self.session.get(f"{self.base}/scenario/{scenario}/", params={"student": student}, timeout=10)
        assert page.status_code == 200
        self.html = page.text
        self.handlers = {m.group(2): m.group(1)
                         for m in re.finditer(r'(/handler/[^/"]+/(\w+)/\?student=[\w-]+)', self.html)}

    def post(self, handler: str, data=None, raw: str | None = None, csrf: bool = True):
        headers = {"Content-Type": "application/json"}
        if csrf:
            headers["X-CSRFToken"] = self.session.cookies["csrftoken"]
        return self.session.post(self.base + self.handlers[handler], headers=headers, timeout=10,
                                 data=raw if raw is not None else json.dumps(data or {}))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_scenario_renders(workbench, scenario):
    page = requests.get(f"{workbench.url}/scenario/{scenario}/", timeout=10)
    assert page.status_code == 200
    assert "dr-block" in page.text and "No such view" not in page.text and "Traceback" not in page.text
    if scenario.startswith("digiready_diagnostic"):
        assert 'class="dr-step"' in page.text and "DigiReadyDiagnostic" in page.text
    else:
        assert "DigiReadySurvey" in page.text and 'type="radio"' in page.text


def test_overlay_scenario_is_in_the_overlay_language(workbench):
    page = requests.get(f"{workbench.url}/scenario/digiready_diagnostic.2/", timeout=10).text
    assert 'lang="es"' in page and "Guardar y continuar" in page
    assert "/resource/digiready_diagnostic/public/js/translations/es/textjs.js" in page
    js = requests.get(f"{workbench.url}/resource/digiready_diagnostic/public/js/translations/es/textjs.js", timeout=10)
    assert js.status_code == 200 and "DigiReadyI18N" in js.text and "Guardando..." in js.text


def test_diagnostic_handlers_over_http(workbench):
    learner = Learner(workbench, "digiready_diagnostic.0", "http-learner")
    assert {"save_answers", "submit", "reassess"} <= set(learner.handlers)
    r = learner.post("save_answers", {"attempt": 1, "profile": {"sector": "a", "size": "micro",
                                                                 "legal_form": "sole_proprietor"},
                                      "answers": {"channels": ["social"], "posting": 3}, "step": "presence"})
    assert r.status_code == 200 and r.json()["progress"]["answered"] == 5
    bad = learner.post("save_answers", {"attempt": 1, "answers": {"posting": 3, "nope": 1}})
    assert bad.status_code == 400 and bad.json()["detail"] == ["question 'nope': unknown question"]
    assert bad.json()["errors"] == ["Some answers could not be read. Please reload the page and answer again."]
    assert learner.post("save_answers", raw="{oops").status_code == 400
    early = learner.post("submit", {"attempt": 1})
    assert early.status_code == 400 and any(e.startswith("accepts:") for e in early.json()["detail"])
    assert not any("accepts" in e for e in early.json()["errors"]) and early.json()["errors"][0].startswith("Please answer “")
    # Reloading the page resumes at the saved step with the answers ticked.
    again = Learner(workbench, "digiready_diagnostic.0", "http-learner").html
    assert 'data-current="presence"' in again and 'value="social" checked' in again
    done = learner.post("submit", {"attempt": 1, "answers": {"accepts": ["qr"], "sells_online": "no",
                                                             "protections": ["backup", "twofa"], "staff_training": "na"}})
    assert done.status_code == 200 and "dr-results" in done.json()["html"]
    assert learner.post("submit", {"attempt": 1}).status_code == 409
    assert learner.post("reassess", {"attempt": 5}).status_code == 409
    nxt = learner.post("reassess", {"attempt": 1})
    assert nxt.status_code == 200 and nxt.json()["attempt"] == 2


def test_handlers_require_the_csrf_token(workbench):
    learner = Learner(workbench, "digiready_diagnostic.0", "csrf-learner")
    assert learner.post("save_answers", {"attempt": 1, "answers": {"posting": 1}}, csrf=False).status_code == 403


def test_results_csv_is_refused_to_workbench_learners(workbench):
    page = requests.get(f"{workbench.url}/scenario/digiready_diagnostic.0/", timeout=10).text
    url = re.search(r'/handler/[^/"]+/save_answers/', page).group(0).replace("save_answers", "class_results_csv")
    r = requests.get(workbench.url + url, timeout=10)
    assert r.status_code == 403 and "Only course staff" in r.text


def test_survey_handlers_over_http(workbench):
    learner = Learner(workbench, "digiready_survey.1", "survey-learner")
    bad = learner.post("submit", {"choices": {"q1": "z"}})
    assert bad.status_code == 400 and "'z' is not an option" in bad.json()["detail"][0]
    ok = learner.post("submit", {"choices": {"q1": "a"}, "usefulness": 4, "comment": "ok"})
    assert ok.status_code == 200 and ok.json()["grade"] == 1.0
    assert learner.post("submit", {"choices": {"q1": "a"}}).status_code == 409
