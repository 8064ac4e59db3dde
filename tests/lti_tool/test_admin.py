"""What an LMS admin does: the CLI (platforms, info, key rotation) and the JWKS endpoint
(Dynamic Registration: test_registration.py)."""
from __future__ import annotations

import pytest
import requests

from digiready.cli.main import main
from tests.lti_tool.htmlform import first_form

ADD = ["lti", "platform", "add", "--issuer", "https://moodle.example.org", "--client-id", "abc",
       "--deployment-id", "1", "--auth-login-url", "https://moodle.example.org/mod/lti/auth.php",
       "--token-url", "https://moodle.example.org/mod/lti/token.php",
       "--jwks-url", "https://moodle.example.org/mod/lti/certs.php", "--economy", "PE",
       "--language", "es"]


@pytest.fixture
def migrated(sqlite_url, monkeypatch):
    from digiready.storage import migrate

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", sqlite_url)
    migrate.upgrade(sqlite_url)
    return sqlite_url


def test_platform_add_list_remove(migrated, capsys):
    assert main(ADD) == 0
    assert "added: https://moodle.example.org client_id=abc deployments=[1] economy=pe" in capsys.readouterr().out
    assert main(ADD[:8] + ["2"] + ADD[9:]) == 0  # a second deployment on the same registration
    assert "updated" in capsys.readouterr().out
    assert main(["lti", "platform", "list"]) == 0
    listing = capsys.readouterr().out
    assert "deployments=1,2" in listing and "language=es" in listing
    assert main(["lti", "platform", "remove", "--issuer", "https://moodle.example.org",
                 "--deployment-id", "2"]) == 0
    assert "removed 1 deployment\n" in capsys.readouterr().out  # not "deployment(s)"
    assert main(["lti", "platform", "remove", "--issuer", "https://moodle.example.org"]) == 0
    assert "removed 1 registration\n" in capsys.readouterr().out
    assert main(["lti", "platform", "remove", "--issuer", "https://moodle.example.org"]) == 1
    assert "nothing registered matches" in capsys.readouterr().err


def test_platform_economy_and_language_kept_when_left_out_and_cleared_with_none(migrated,
                                                                             capsys):
    assert main(ADD) == 0
    without_choices = ADD[:-4]
    assert main(without_choices) == 0  # left out: the registration keeps both
    assert "economy=pe language=es" in capsys.readouterr().out
    assert main(without_choices + ["--economy", "none", "--language", "none"]) == 0
    assert "economy=- language=-" in capsys.readouterr().out
    assert main(["lti", "platform", "list"]) == 0  # read back from the database
    assert "economy=-\tlanguage=-" in capsys.readouterr().out
    from sqlalchemy import select

    from digiready.storage import session_scope
    from lti_tool.models import Registration

    with session_scope() as s:
        row = s.scalars(select(Registration)).one()
        assert (row.economy, row.language) == (None, None)


def test_platform_add_refuses_bad_input_in_one_line(migrated, capsys):
    bad = list(ADD)
    bad[bad.index("--token-url") + 1] = "http://moodle.example.org/token.php"
    assert main(bad) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--token-url must use https" in err
    assert main(ADD[:-4] + ["--economy", "peru"]) == 1
    assert "two-letter" in capsys.readouterr().err


def test_platform_economies_set_listed_cleared_and_checked(migrated, capsys):
    """``--economies`` (issue 17 item 3): codes with an overlay beside the tool's pack, in any
    case, separated by commas or spaces, or ``any``; ``none`` clears; an unknown code is
    refused in one line naming the choices, and nothing is stored."""
    from sqlalchemy import select

    from digiready.storage import session_scope
    from lti_tool.models import Registration

    def stored():
        with session_scope() as s:
            return s.scalars(select(Registration.economies)).all()

    assert main(ADD + ["--economies", "PH, pe vn"]) == 0
    assert "economy=pe language=es economies=ph,pe,vn" in capsys.readouterr().out
    assert stored() == ["ph pe vn"]
    assert main(["lti", "platform", "list"]) == 0
    assert "language=es\teconomies=ph,pe,vn" in capsys.readouterr().out
    assert main(ADD[:-4]) == 0  # left out: unchanged
    assert "economies=ph,pe,vn" in capsys.readouterr().out
    for bad, code in (("pe zz", "zz"), ("peru", "peru")):
        assert main(ADD[:-4] + ["--economies", bad]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert f"--economies: there is no economy overlay '{code}'; choose among id, pe, pg, ph, vn, or any" in err
    assert stored() == ["ph pe vn"]
    assert main(ADD[:-4] + ["--economies", "pe any"]) == 0
    assert "economies=any" in capsys.readouterr().out and stored() == ["any"]
    assert main(ADD[:-4] + ["--economies", "none"]) == 0
    assert "economies=-" in capsys.readouterr().out and stored() == [None]


def test_cli_without_migrated_database_says_what_to_do(sqlite_url, monkeypatch, capsys):
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", sqlite_url)
    assert main(["lti", "platform", "list"]) == 1
    assert "digiready db upgrade" in capsys.readouterr().err


def test_info_prints_every_url(capsys, monkeypatch):
    monkeypatch.setenv("DIGIREADY_LTI_BASE_URL", "https://digiready.example.org/")
    assert main(["lti", "info"]) == 0
    out = capsys.readouterr().out
    for url in ("https://digiready.example.org/lti/login", "https://digiready.example.org/lti/launch",
                "https://digiready.example.org/.well-known/jwks.json",
                "digiready lti registration-url --economy"):
        assert url in out
    assert "Deep linking URL" in out and "Redirect URI" in out


def test_key_rotation_keeps_the_old_key_published_for_the_overlap(sqlite_env, capsys, monkeypatch):
    from lti_tool.keys import clear_cache

    jwks = requests.get(sqlite_env.tool_url + "/.well-known/jwks.json").json()
    assert len(jwks["keys"]) == 1 and jwks["keys"][0]["alg"] == "RS256"
    assert "d" not in jwks["keys"][0]  # public only
    old = jwks["keys"][0]["kid"]
    assert main(["lti", "keys", "rotate"]) == 0
    new = capsys.readouterr().out.split("new signing key: ")[1].split()[0]
    clear_cache()
    kids = [k["kid"] for k in requests.get(sqlite_env.tool_url + "/.well-known/jwks.json").json()["keys"]]
    assert kids == [new, old]
    # Messages are signed with the new key (here: a deep-linking response).
    b = sqlite_env.browser()
    picker = sqlite_env.launch("instructor-1", deep_linking=True, browser=b)
    form = first_form(picker.text, picker.url)
    back = b.post(form.action, data=list(form.hidden.items()) + [("item", "diagnostic")])
    token = first_form(back.text, back.url).hidden["JWT"]
    import base64
    import json
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["kid"] == new
    monkeypatch.setenv("DIGIREADY_LTI_KEY_OVERLAP_HOURS", "0")
    clear_cache()
    kids = [k["kid"] for k in requests.get(sqlite_env.tool_url + "/.well-known/jwks.json").json()["keys"]]
    assert kids == [new]
