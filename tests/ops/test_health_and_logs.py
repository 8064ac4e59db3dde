"""/healthz, /readyz, request ids, JSON logs and proxy headers on both real apps."""
from __future__ import annotations

import json
import logging
import re
import time

import pytest
import requests

from digiready.ops import wsgi as ops_wsgi
from tests.ops.conftest import Gunicorn, create

APPS = ["lti", "portal"]


@pytest.mark.parametrize("app_name", APPS)
def test_health_and_ready_on_a_migrated_database(app_name, database_url, app_env, redis_url,
                                                 monkeypatch, serve):
    monkeypatch.setenv("DIGIREADY_REDIS_URL", redis_url)
    base = serve(create(app_name))
    live = requests.get(base + "/healthz", timeout=5)
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    ready = requests.get(base + "/readyz", timeout=5)
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    assert ready.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("app_name", APPS)
def test_ready_is_503_naming_an_unreachable_database(app_name, app_env, monkeypatch, serve):
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/digiready")
    base = serve(create(app_name))
    assert requests.get(base + "/healthz", timeout=5).status_code == 200  # liveness unaffected
    ready = requests.get(base + "/readyz", timeout=10)
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "unavailable" and body["failed"] == ["database"]
    assert body["checks"]["database"] == "OperationalError"


def test_ready_is_503_for_a_missing_sqlite_file_and_creates_nothing(tmp_path, app_env,
                                                                   monkeypatch, serve):
    missing = tmp_path / "nowhere" / "digiready.sqlite3"
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", f"sqlite:///{missing}")
    base = serve(create("lti"))
    ready = requests.get(base + "/readyz", timeout=5)
    assert ready.status_code == 503 and ready.json()["failed"] == ["database"]
    assert not missing.exists()


@pytest.mark.parametrize("app_name", APPS)
def test_ready_is_503_naming_unreachable_redis(app_name, sqlite_url, app_env, monkeypatch, serve):
    from digiready.storage import migrate

    migrate.upgrade(sqlite_url)
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DIGIREADY_REDIS_URL", "redis://127.0.0.1:1/0")
    base = serve(create(app_name))
    ready = requests.get(base + "/readyz", timeout=10)
    assert ready.status_code == 503, ready.text
    assert ready.json()["failed"] == ["redis"]
    assert ready.json()["checks"]["database"] == "ok"


@pytest.mark.parametrize("app_name", APPS)
def test_request_id_round_trip(app_name, sqlite_url, app_env, monkeypatch, serve):
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", sqlite_url)
    base = serve(create(app_name))
    page = "/privacy" if app_name == "portal" else "/.well-known/jwks.json"
    kept = requests.get(base + page, headers={"X-Request-ID": "nginx-7f3a.01_b"}, timeout=5)
    assert kept.headers["X-Request-ID"] == "nginx-7f3a.01_b"
    for bad in ("x" * 65, "a b", "id;drop", ""):
        fresh = requests.get(base + page, headers={"X-Request-ID": bad}, timeout=5)
        assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["X-Request-ID"]), bad
    one = requests.get(base + page, timeout=5).headers["X-Request-ID"]
    two = requests.get(base + page, timeout=5).headers["X-Request-ID"]
    assert one != two


@pytest.mark.parametrize("app_name", APPS)
def test_json_access_log_under_gunicorn_with_request_id_and_proxy_address(
        app_name, sqlite_url, app_env, tmp_path):
    from digiready.storage import migrate

    migrate.upgrade(sqlite_url)
    server = Gunicorn(app_name, {
        "DIGIREADY_DATABASE_URL": sqlite_url, "DIGIREADY_LOG_FORMAT": "json",
        "DIGIREADY_PROXY_HOPS": "1", "DIGIREADY_SECRET_KEY": "ops-test-secret",
        "DIGIREADY_VAR_DIR": str(tmp_path / "var")})
    try:
        page = "/privacy" if app_name == "portal" else "/.well-known/jwks.json"
        answer = requests.get(server.url + page, timeout=10, headers={
            "X-Request-ID": "req-from-nginx-42", "X-Forwarded-For": "203.0.113.9"})
        assert answer.status_code == 200
        missing = requests.get(server.url + "/no-such-page", timeout=10)
        entries = []
        for _ in range(50):  # the worker writes the line just after answering
            entries = [json.loads(line) for line in server.log().splitlines()
                       if line.startswith("{")]
            if sum(1 for e in entries if e["logger"] == "digiready.access") >= 2:
                break
            time.sleep(0.1)
    finally:
        server.stop()
    access = [e for e in entries if e["logger"] == "digiready.access"]
    first = next(e for e in access if e["request_id"] == "req-from-nginx-42")
    assert first["method"] == "GET" and first["path"] == page and first["status"] == 200
    assert first["remote_addr"] == "203.0.113.9"
    assert first["level"] == "INFO" and first["time"].endswith("Z")
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    second = next(e for e in access if e["path"] == "/no-such-page")
    assert second["status"] == 404
    assert second["request_id"] == missing.headers["X-Request-ID"]


def _echo(environ, start_response):
    from digiready.ops import requestid

    body = json.dumps({k: environ.get(k) for k in (
        "REMOTE_ADDR", "wsgi.url_scheme", "HTTP_HOST", "SCRIPT_NAME", "PATH_INFO")} | {
        "request_id": requestid.current.get()}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


FORWARDED = {"X-Forwarded-For": "198.51.100.4", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "digiready.example.org", "X-Forwarded-Prefix": "/tool"}


def test_forwarded_headers_honoured_only_with_proxy_hops(app_env, monkeypatch, serve):
    plain = requests.get(serve(ops_wsgi.install(_echo)) + "/x", headers=FORWARDED, timeout=5)
    assert plain.json()["REMOTE_ADDR"] == "127.0.0.1"  # a client cannot forge its address
    assert plain.json()["wsgi.url_scheme"] == "http"
    monkeypatch.setenv("DIGIREADY_PROXY_HOPS", "1")
    proxied = requests.get(serve(ops_wsgi.install(_echo)) + "/x", headers=FORWARDED, timeout=5)
    seen = proxied.json()
    assert seen["REMOTE_ADDR"] == "198.51.100.4"
    assert (seen["wsgi.url_scheme"], seen["HTTP_HOST"], seen["SCRIPT_NAME"], seen["PATH_INFO"]) \
        == ("https", "digiready.example.org", "/tool", "/x")
    assert seen["request_id"] == proxied.headers["X-Request-ID"]


def test_portal_older_trusted_proxies_setting_still_counts(app_env, monkeypatch):
    assert ops_wsgi.proxy_hops(legacy=1) == 1
    monkeypatch.setenv("DIGIREADY_PROXY_HOPS", "0")
    assert ops_wsgi.proxy_hops(legacy=1) == 0  # the new setting wins when set
    monkeypatch.setenv("DIGIREADY_PROXY_HOPS", "one")
    with pytest.raises(ValueError, match="DIGIREADY_PROXY_HOPS must be a whole number"):
        ops_wsgi.proxy_hops()


def test_text_format_lines_carry_the_request_id(app_env, monkeypatch, serve):
    import io

    from digiready.ops import logs

    def app(environ, start_response):
        logging.getLogger("digiready.test").warning("inside the app")
        start_response("204 No Content", [])
        return [b""]

    stream = io.StringIO()
    root = logging.getLogger()
    saved, saved_level = root.handlers[:], root.level
    root.handlers = []  # text mode only installs its handler where none exists
    try:
        logs.configure_logging(stream)
        requests.get(serve(ops_wsgi.OpsMiddleware(app, access=True)) + "/t", timeout=5,
                     headers={"X-Request-ID": "text-id-1"})
    finally:
        root.handlers = saved
        root.setLevel(saved_level)
    lines = stream.getvalue().splitlines()
    assert any("WARNING digiready.test [text-id-1] inside the app" in line for line in lines), lines
    assert any("digiready.access [text-id-1] GET /t 204" in line for line in lines), lines


def test_bad_log_settings_are_named(app_env, monkeypatch):
    from digiready.ops import logs

    monkeypatch.setenv("DIGIREADY_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="DIGIREADY_LOG_FORMAT must be `text` or `json`"):
        logs.log_format()
    monkeypatch.setenv("DIGIREADY_LOG_FORMAT", "json")
    monkeypatch.setenv("DIGIREADY_ACCESS_LOG", "maybe")
    with pytest.raises(ValueError, match="DIGIREADY_ACCESS_LOG must be"):
        logs.access_log_enabled()
