"""``digiready check-config``: one test per mistake class, each on the real command, with real
SQLite/PostgreSQL/Redis (or a port where nothing listens), asserting message and exit status."""
from __future__ import annotations

import json

import pytest

from digiready.cli.main import main
from tests.ops.conftest import revisions_beyond_core

GOOD_SECRET = "k3Yq8v1Zr0m5-long-enough-secret-value-for-tests"


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean, correct development configuration on a migrated SQLite database."""
    import os

    from digiready.storage import migrate

    for name in list(os.environ):
        if name.startswith("DIGIREADY_") and name not in ("DIGIREADY_VAR_DIR",
                                                          "DIGIREADY_PACK_RECHECK_SECONDS",
                                                          "DIGIREADY_REQUIRE_SERVICES"):
            monkeypatch.delenv(name)
    url = f"sqlite:///{tmp_path / 'ok.sqlite3'}"
    migrate.upgrade(url)
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", url)
    monkeypatch.setenv("DIGIREADY_SECRET_KEY", GOOD_SECRET)
    return monkeypatch


def run(capsys, *args) -> tuple[int, str]:
    status = main(["check-config", *args])
    out = capsys.readouterr()
    return status, out.out + out.err


def problems(capsys) -> tuple[int, list[dict]]:
    status = main(["check-config", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] == (status == 0)
    return status, report["problems"]


def test_a_correct_configuration_passes_and_lists_every_setting(env, capsys):
    status, out = run(capsys)
    assert status == 0, out
    assert "DIGIREADY_SECRET_KEY" in out and GOOD_SECRET not in out  # masked
    assert "error:" not in out
    # a fresh install has no LTI key yet: a warning, not an error
    assert "warning: no LTI signing key yet" in out


def test_sources_and_masking_in_json(env, capsys, tmp_path):
    env.setenv("DIGIREADY_REDIS_URL", "redis://:hunter2@127.0.0.1:1/0")
    env_file = tmp_path / "digiready.env"
    env_file.write_text('# production values\nDIGIREADY_LOG_FORMAT="json"\n'
                        "DIGIREADY_SECRET_KEY=from-the-file-ignored\n")
    status = main(["check-config", "--json", "--env-file", str(env_file)])
    report = json.loads(capsys.readouterr().out)
    by_name = {s["name"]: s for s in report["settings"]}
    assert by_name["DIGIREADY_LOG_FORMAT"] == {
        "name": "DIGIREADY_LOG_FORMAT", "value": "json", "source": "file"}
    # the process environment wins over the file, and the secret is never shown
    assert by_name["DIGIREADY_SECRET_KEY"] == {
        "name": "DIGIREADY_SECRET_KEY", "value": "****", "source": "environment"}
    assert by_name["DIGIREADY_PROXY_HOPS"]["source"] == "default"
    assert by_name["DIGIREADY_REDIS_URL"]["value"] == "redis://:****@127.0.0.1:1/0"
    assert "hunter2" not in json.dumps(report)
    assert status == 1  # Redis on port 1 is unreachable


def test_malformed_env_file_is_named_with_its_line(env, capsys, tmp_path):
    env_file = tmp_path / "bad.env"
    env_file.write_text("DIGIREADY_ENV=production\nthis is not a pair\n")
    status, out = run(capsys, "--env-file", str(env_file))
    assert status == 1
    assert f"{env_file}:2: expected NAME=value, got 'this is not a pair'" in out


def test_default_secret_in_production(env, capsys):
    env.setenv("DIGIREADY_ENV", "production")
    env.setenv("DIGIREADY_PORTAL_BASE_URL", "https://symposium.example.org")
    env.delenv("DIGIREADY_SECRET_KEY")
    status, found = problems(capsys)
    assert status == 1
    assert [p["message"] for p in found if p["level"] == "error"] == [
        "DIGIREADY_SECRET_KEY is left at its default in production: anyone can forge what it "
        "signs; set a long random value (e.g. `python -c \"import secrets; "
        "print(secrets.token_urlsafe(48))\"`)"]
    env.setenv("DIGIREADY_SECRET_KEY", "")
    status, found = problems(capsys)
    assert status == 1
    assert found[0]["message"] == ("DIGIREADY_SECRET_KEY is empty in production: set a long "
                                   "random value")
    env.setenv("DIGIREADY_SECRET_KEY", GOOD_SECRET)
    assert problems(capsys)[0] == 0  # the same production configuration with a real secret


def test_default_secret_is_fine_in_development(env, capsys):
    env.delenv("DIGIREADY_SECRET_KEY")
    assert run(capsys)[0] == 0


def test_loopback_portal_url_in_production(env, capsys):
    env.setenv("DIGIREADY_ENV", "production")
    status, found = problems(capsys)
    assert status == 1
    errors = [p for p in found if p["level"] == "error"]  # (the portal's own check)
    assert [p["setting"] for p in errors] == ["DIGIREADY_PORTAL_BASE_URL"]
    assert "emailed links would point at the server itself" in errors[0]["message"]


def test_unknown_environment_name(env, capsys):
    env.setenv("DIGIREADY_ENV", "prod")
    status, out = run(capsys)
    assert status == 1
    assert "error: DIGIREADY_ENV must be `development` or `production`, not 'prod'" in out


def test_unreachable_database(env, capsys):
    env.setenv("DIGIREADY_DATABASE_URL", "postgresql://postgres:pw@127.0.0.1:1/digiready")
    status, out = run(capsys)
    assert status == 1
    assert ("error: database unreachable at postgresql+psycopg://postgres:****@127.0.0.1:1/"
            "digiready: connection failed") in out
    assert ":pw@" not in out


def test_missing_sqlite_file(env, capsys, tmp_path):
    env.setenv("DIGIREADY_DATABASE_URL", f"sqlite:///{tmp_path / 'none.sqlite3'}")
    status, out = run(capsys)
    assert status == 1
    assert f"no SQLite database at {tmp_path / 'none.sqlite3'}" in out
    assert not (tmp_path / "none.sqlite3").exists()


def test_unreachable_redis(env, capsys, redis_url):
    env.setenv("DIGIREADY_REDIS_URL", redis_url)
    assert run(capsys)[0] == 0  # the real Redis answers
    env.setenv("DIGIREADY_REDIS_URL", "redis://127.0.0.1:1/0")
    status, out = run(capsys)
    assert status == 1
    assert "error: Redis unreachable at redis://127.0.0.1:1/0: Error 111 connecting to " \
           "127.0.0.1:1. Connection refused." in out


def test_database_not_migrated_to_head(env, capsys, tmp_path):
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'half.sqlite3'}"
    migrate.upgrade(url, "core@head")
    env.setenv("DIGIREADY_DATABASE_URL", url)
    status, out = run(capsys)
    assert status == 1
    missing = ", ".join(revisions_beyond_core(url))
    assert "portal_0001" in missing and "events_0001" in missing
    assert (f"error: database is not migrated to head (missing {missing}): "
            "run `digiready db upgrade`") in out


def test_database_without_any_schema(env, capsys, postgres_url):
    env.setenv("DIGIREADY_DATABASE_URL", postgres_url)
    status, out = run(capsys)
    assert status == 1
    assert "error: database has no DigiReady schema: run `digiready db upgrade`" in out
    # `check-config --before-upgrade && digiready db upgrade` on a fresh install
    status, out = run(capsys, "--before-upgrade")
    assert status == 0
    assert "warning: database has no DigiReady schema: run `digiready db upgrade`" in out
    from digiready.storage import migrate

    migrate.upgrade(postgres_url)
    assert run(capsys)[0] == 0  # PostgreSQL at head passes


def test_unreadable_lti_signing_key(env, capsys):
    from digiready.storage import session_scope
    from lti_tool.models import ToolKey

    with session_scope() as s:
        s.add(ToolKey(kid="broken-kid", private_pem="-----BEGIN PRIVATE KEY-----\nnot a key\n",
                      public_jwk={}))
    status, out = run(capsys)
    assert status == 1
    assert "error: LTI signing key broken-kid cannot be loaded (" in out
    assert "run `digiready lti keys rotate` to replace it" in out


def test_unknown_variable_is_a_typo(env, capsys):
    env.setenv("DIGIREADY_REDIS_ULR", "redis://127.0.0.1:6379/0")
    env.setenv("DIGIREADY_SOMETHING_ELSE", "1")
    env.setenv("DIGIREADY_TEST_PG_URL", "postgresql://x/y")  # test-suite variable, not a typo
    status, found = problems(capsys)
    assert status == 1
    assert [p["message"] for p in found if p["level"] == "error"] == [
        "DIGIREADY_REDIS_ULR is not a DigiReady setting (did you mean DIGIREADY_REDIS_URL?); "
        "it has no effect",
        "DIGIREADY_SOMETHING_ELSE is not a DigiReady setting; it has no effect"]


@pytest.mark.parametrize("name,value,expected", [
    ("DATABASE_URL", "mysql://root@db/digiready",
     "DIGIREADY_DATABASE_URL 'mysql://root@db/digiready' is malformed: DigiReady runs on SQLite "
     "or PostgreSQL, not mysql"),
    ("DATABASE_URL", "postgres-db.internal:5432",
     "DIGIREADY_DATABASE_URL 'postgres-db.internal:5432' is malformed: expected e.g."),
    ("DATABASE_URL", "postgresql://u:secret@db.internal/",
     "DIGIREADY_DATABASE_URL 'postgresql://u:****@db.internal/' is malformed: no database name"),
    ("REDIS_URL", "http://127.0.0.1:6379",
     "DIGIREADY_REDIS_URL 'http://127.0.0.1:6379' is malformed: expected redis://host:port/db"),
    ("LRS_URL", "ralph:8100/xAPI",
     "DIGIREADY_LRS_URL 'ralph:8100/xAPI' is malformed: expected an http:// or https:// URL"),
    ("PORTAL_BASE_URL", "https://symposium.example.org:99999",
     "DIGIREADY_PORTAL_BASE_URL 'https://symposium.example.org:99999' is malformed"),
])
def test_malformed_urls(env, capsys, name, value, expected):
    env.setenv("DIGIREADY_" + name, value)
    status, found = problems(capsys)
    assert status == 1
    messages = [p["message"] for p in found if p["level"] == "error"]
    assert len(messages) == 1 and messages[0].startswith(expected), messages
    assert "secret" not in json.dumps(found)


@pytest.mark.parametrize("name,value,expected", [
    ("LTI_LEEWAY_SECONDS", "sixty",
     "DIGIREADY_LTI_LEEWAY_SECONDS must be a number (default 60), not 'sixty'"),
    ("LOG_FORMAT", "yaml", "DIGIREADY_LOG_FORMAT must be `text` or `json`, not 'yaml'"),
    ("PROXY_HOPS", "-1", "DIGIREADY_PROXY_HOPS must be 0 or more"),
    # Issue 13, item 11: numbers that parse but make no sense.
    ("PORTAL_HOLD_HOURS", "-5",
     "DIGIREADY_PORTAL_HOLD_HOURS must be at least 1 (default 48), not '-5'"),
    ("PORTAL_LINK_MAX_AGE_HOURS", "0",
     "DIGIREADY_PORTAL_LINK_MAX_AGE_HOURS must be at least 1 (default 720), not '0'"),
    ("LRS_BATCH_SIZE", "0", "DIGIREADY_LRS_BATCH_SIZE must be at least 1 (default 200), not '0'"),
    # A limit Flask-Limiter cannot read meant no limit at all.
    ("PORTAL_RATELIMIT", "lots", "DIGIREADY_PORTAL_RATELIMIT 'lots' is not a rate limit"),
    ("PORTAL_MEETING_RATELIMIT", "5 per fortnight",
     "DIGIREADY_PORTAL_MEETING_RATELIMIT '5 per fortnight' is not a rate limit"),
    # The funder's targets the final report compares with (issue 18, item 9).
    ("TARGET_VISITS", "lots", "DIGIREADY_TARGET_VISITS: the target must be a number, not 'lots'"),
    ("TARGET_REGISTERED_USERS", "pe=1000,ph",
     "DIGIREADY_TARGET_REGISTERED_USERS='pe=1000,ph': write one number for every economy"),
])
def test_bad_values(env, capsys, name, value, expected):
    env.setenv("DIGIREADY_" + name, value)
    status, out = run(capsys)
    assert status == 1
    assert f"error: {expected}" in out



def test_short_secret_in_production_is_an_error(env, capsys):
    env.setenv("DIGIREADY_ENV", "production")
    env.setenv("DIGIREADY_PORTAL_BASE_URL", "https://symposium.example.org")
    env.setenv("DIGIREADY_SECRET_KEY", "secret")
    status, found = problems(capsys)
    assert status == 1
    assert [(p["level"], p["setting"]) for p in found if p["level"] == "error"] == [
        ("error", "DIGIREADY_SECRET_KEY")]
    assert found[0]["message"].startswith("DIGIREADY_SECRET_KEY is only 6 characters in "
                                          "production: anyone who guesses it can forge")


def test_http_public_portal_url_in_production_is_an_error(env, capsys):
    env.setenv("DIGIREADY_ENV", "production")
    env.setenv("DIGIREADY_PORTAL_BASE_URL", "http://symposium.example.org")
    status, found = problems(capsys)
    assert status == 1
    errors = [p for p in found if p["level"] == "error"]
    assert [p["setting"] for p in errors] == ["DIGIREADY_PORTAL_BASE_URL"]
    assert "loses its Secure flag" in errors[0]["message"]
    env.setenv("DIGIREADY_ENV", "development")  # a local demo over http is fine
    assert problems(capsys)[0] == 0
