"""Dynamic Registration as Moodle and Canvas perform it, through the one-time address an admin
creates (``digiready lti registration-url``), against the peer platform over real HTTP.

The attacks it must hold against: a stranger registering a platform; a registration request
re-pointing an existing platform's login and key URLs at another host; a value that cannot
be stored being found only after the platform recorded the registration."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import select, text, update

from digiready.cli.main import main
from digiready.storage import session_scope
from tests.lti_tool.htmlform import first_form

CONFIG_PATH = "/.well-known/openid-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"


def registration_address(env, capsys, *args: str) -> str:
    """What the admin runs and hands to the platform's admin."""
    assert main(["lti", "registration-url", "--base-url", env.tool_url, *args]) == 0, \
        capsys.readouterr().err
    printed = capsys.readouterr().out
    address = printed.splitlines()[0]
    assert address.startswith(env.tool_url + "/lti/register/") and "expires" not in address
    return address


def open_from_platform(env, address: str, token: str = "tok-1",
                       browser: requests.Session | None = None) -> requests.Response:
    """The platform opens the address with its configuration URL and registration token."""
    return (browser or requests).get(address, params={
        "openid_configuration": env.platform_url + CONFIG_PATH, "registration_token": token},
        timeout=10)


def confirm(page: requests.Response, **fields) -> requests.Response:
    form = first_form(page.text, page.url)
    return requests.post(form.action, data=dict(form.hidden, **fields), timeout=10)


def registrations():
    from lti_tool.models import Registration

    with session_scope() as s:
        return [(r.issuer, r.client_id, r.auth_login_url, r.jwks_url, r.economy)
                for r in s.scalars(select(Registration).order_by(Registration.id))]


@pytest.mark.parametrize("product", ["moodle", "canvas"])
def test_dynamic_registration(sqlite_env, capsys, product):
    from lti_tool.models import Deployment, Registration, RegistrationInvite

    env = sqlite_env
    env.platform.product = product
    env.platform.client_id = f"{product}-client-7"
    env.platform.deployment_id = f"{product}-deployment-7"
    env.platform.registration_tokens.add("tok-123")
    address = registration_address(env, capsys, "--economy", "PE")
    page = open_from_platform(env, address, "tok-123")
    assert page.status_code == 200 and product in page.text and "PE" in page.text
    done = confirm(page, language="es")
    assert done.status_code == 200, done.text[:800]
    assert "close.js" in done.text
    sent = env.platform.tool_registrations[-1]
    assert sent["initiate_login_uri"] == env.tool_url + "/lti/login"
    assert sent["redirect_uris"] == [env.tool_url + "/lti/launch"]
    assert sent["jwks_uri"] == env.tool_url + "/.well-known/jwks.json"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in sent["scope"]
    tool = sent[TOOL_CONFIG]
    assert {m["type"] for m in tool["messages"]} == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    with session_scope() as s:
        row = s.scalars(select(Registration).where(Registration.client_id == f"{product}-client-7")).one()
        assert (row.economy, row.language, row.auth_login_url) == ("pe", "es", env.platform_url + "/auth")
        assert s.scalars(select(Deployment.deployment_id).where(Deployment.registration_id == row.id)).all() == [f"{product}-deployment-7"]
        invite = s.scalars(select(RegistrationInvite)).one()
        # Stored hashed: the database does not hold the secret of the address.
        secret = address.rsplit("/", 1)[1]
        assert invite.registration_id == row.id and secret not in invite.token_hash
        assert len(secret) >= 40
    # The new registration launches.
    assert "/learn/" in env.launch().url
    # The address is spent: a second use is refused before the platform is contacted.
    env.platform.client_id = "another-client"
    again = open_from_platform(env, address, "tok-123")
    assert again.status_code == 410 and "already been used" in again.text
    assert len(env.platform.tool_registrations) == 1


def test_nobody_registers_without_an_address(sqlite_env):
    env = sqlite_env
    before = registrations()
    for method in (requests.get, requests.post):
        r = method(env.tool_url + "/lti/register", params={
            "openid_configuration": env.platform_url + CONFIG_PATH}, timeout=10)
        assert r.status_code == 403 and "one-time registration address" in r.text
    made_up = open_from_platform(env, env.tool_url + "/lti/register/" + "x" * 43)
    assert made_up.status_code == 404 and "not valid" in made_up.text
    assert env.platform.tool_registrations == [] and registrations() == before


def test_an_existing_registration_is_never_changed(lti_env, capsys):
    """The takeover: a configuration served from the platform's own host points the login and
    key URLs at another host, and the platform answers with the client ID that is already
    registered. Nothing may change; the platform's launches keep working."""
    env = lti_env
    before = registrations()
    assert [r[1] for r in before] == ["digiready-tool"]
    honest = env.platform.openid_configuration()
    env.platform.openid_configuration = lambda: dict(
        honest, authorization_endpoint="https://attacker.example.net/auth",
        jwks_uri="https://attacker.example.net/jwks")
    address = registration_address(env, capsys, "--economy", "pe")
    page = open_from_platform(env, address)
    assert page.status_code == 200
    refused = confirm(page)
    assert refused.status_code == 409, refused.text[:500]
    assert "already registered" in refused.text and "nothing was changed" in refused.text
    assert registrations() == before
    assert "/learn/" in env.launch().url
    # The same platform registering again gets a new client ID: a new registration beside it.
    env.platform.client_id = "digiready-tool-2"
    page = open_from_platform(env, registration_address(env, capsys, "--economy", "base"))
    assert confirm(page).status_code == 200
    after = registrations()
    assert after[0] == before[0] and after[1][1:] == (
        "digiready-tool-2", "https://attacker.example.net/auth", "https://attacker.example.net/jwks", None)


@pytest.mark.parametrize("field, value, shown", [
    ("jwks_uri", "http://lms.example.org/jwks", "public key set address (jwks_uri) must use https"),
    ("token_endpoint", "https://lms.example.org/" + "t" * 1100, "longer than 1024 characters"),
    ("authorization_endpoint", "/mod/lti/auth.php", "not an absolute address"),
    ("registration_endpoint", "http://lms.example.org/register", "registration endpoint must be an https"),
])
def test_every_value_is_checked_before_the_platform_records_anything(
        sqlite_env, capsys, field, value, shown):
    env = sqlite_env
    env.platform.client_id = "new-client"
    honest = env.platform.openid_configuration()
    env.platform.openid_configuration = lambda: dict(honest, **{field: value})
    address = registration_address(env, capsys, "--economy", "pe")
    page = open_from_platform(env, address)
    assert page.status_code == 400 and shown in page.text
    assert "--" not in page.text.split("<main", 1)[1]  # plain words, no command-line option
    assert env.platform.tool_registrations == []
    # Fixed on the platform's side, the same address still registers.
    env.platform.openid_configuration = lambda: honest
    done = confirm(open_from_platform(env, address))
    assert done.status_code == 200 and len(env.platform.tool_registrations) == 1


def test_refusals(sqlite_env, capsys):
    from lti_tool.models import RegistrationInvite

    env = sqlite_env
    env.platform.registration_tokens.add("right")
    env.platform.client_id = "new-client"
    address = registration_address(env, capsys, "--economy", "pe", "--expires", "30m")
    spoofed = env.platform_url.replace("127.0.0.1", "localhost") + CONFIG_PATH
    r = requests.get(address, params={"openid_configuration": spoofed}, timeout=10)
    assert r.status_code == 400 and "does not match" in r.text
    assert requests.get(address, timeout=10).status_code == 400  # opened directly
    page = open_from_platform(env, address, "wrong")
    assert confirm(page, csrf_token="forged").status_code == 400
    r = confirm(page)
    assert r.status_code == 502 and "refused the registration (401)" in r.text
    # The platform recorded nothing, so the address is given back.
    assert confirm(open_from_platform(env, address, "right")).status_code == 200
    # An address past its time.
    late = registration_address(env, capsys, "--economy", "pe")
    with session_scope() as s:
        s.execute(update(RegistrationInvite).where(RegistrationInvite.registration_id.is_(None))
                  .values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    r = open_from_platform(env, late, "right")
    assert r.status_code == 410 and "expired" in r.text


def test_registration_url_command(sqlite_env, capsys, monkeypatch):
    env = sqlite_env
    for args, error in ((["--economy", "zz"], "--economy must be one of"),
                        (["--economy", "pe", "--expires", "90d"], "--expires must be between"),
                        (["--economy", "pe", "--expires", "soon"], "such as 30m, 12h or 7d"),
                        (["--economy", "pe", "--language", "xx"], "--language must be one of")):
        assert main(["lti", "registration-url", "--base-url", env.tool_url, *args]) == 1
        assert error in capsys.readouterr().err
    monkeypatch.delenv("DIGIREADY_LTI_BASE_URL", raising=False)
    assert main(["lti", "registration-url", "--economy", "pe"]) == 1
    assert "DIGIREADY_LTI_BASE_URL" in capsys.readouterr().err
    for args, error in ((["--language", "es"], "--economy is required"),
                        # The tool's pack (the fixture pack here) has one overlay beside it
                        (["--economies", "xx zz"],
                         "--economies: there is no economy overlay 'zz'; choose among xx, or any")):
        assert main(["lti", "registration-url", "--base-url", env.tool_url, *args]) == 1
        assert error in capsys.readouterr().err
    first = registration_address(env, capsys, "--economy", "pe", "--expires", "7d")
    assert first != registration_address(env, capsys, "--economy", "pe")
    with session_scope() as s:
        stored = s.execute(text("SELECT token_hash FROM lti_registration_invite")).scalars().all()
    assert len(stored) == 2 and first.rsplit("/", 1)[1] not in stored


def test_dynamic_registration_lets_learners_choose_their_economy(sqlite_env, capsys,
                                                               monkeypatch):
    """An address made with ``--economies`` gives the new registration the choice (issue 17
    item 3): the platform's admin sees it before registering."""
    from pathlib import Path

    from lti_tool.models import Registration

    monkeypatch.setenv("DIGIREADY_LTI_PACK",
                       str(Path(__file__).resolve().parents[2] / "content" / "base"))
    env = sqlite_env
    env.platform.client_id = "regional-client"
    address = registration_address(env, capsys, "--economies", "PE,ph")
    page = open_from_platform(env, address)
    assert page.status_code == 200
    assert "chooses the local content among: PE, PH." in page.text
    assert confirm(page).status_code == 200
    with session_scope() as s:
        row = s.scalars(select(Registration).where(
            Registration.client_id == "regional-client")).one()
        assert (row.economy, row.economies) == (None, "pe ph")
