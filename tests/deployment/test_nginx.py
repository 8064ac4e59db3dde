"""deployment/nginx/digiready.conf in a real nginx (Debian's), in front of one real instance of
each app on SQLite (the single-server layout): TLS, redirects, forwarded headers and request
ids reaching the apps, static files served by nginx itself with cache headers, compression,
body limits."""
from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from benchmarks.clients import PlatformPeer
from deployment.loopback import LTI_STATIC, PORTAL_STATIC, Stack
from tests.deployment.conftest import app_env, prepare_database, require_nginx


@pytest.fixture(scope="module")
def single_server(tmp_path_factory):
    require_nginx()
    tmp = tmp_path_factory.mktemp("nginx")
    env = app_env(tmp, f"sqlite:///{tmp / 'digiready.sqlite3'}")
    prepare_database(env, capacity=50)
    stack = Stack(tmp / "stack", env, lti_instances=1, portal_instances=1, threads=2)
    peer = PlatformPeer(stack.nginx.url("lti"))  # registered only: the login names it
    peer.register_with_tool({**os.environ, **env})
    stack.start()
    yield stack, peer
    peer.stop()
    stack.stop()
    print(stack.logs()[-4000:])


def get(stack, app: str, path: str, **kwargs) -> requests.Response:
    return requests.get(stack.nginx.url(app) + path, verify=str(stack.nginx.cert), timeout=10,
                        **kwargs)


def test_configuration_passes_nginx_t(single_server):
    stack, _peer = single_server
    assert "syntax is ok" in stack.nginx.check()


def test_tls_and_http_redirects(single_server):
    stack, _peer = single_server
    context = ssl.create_default_context(cafile=str(stack.nginx.cert))
    for app in ("lti", "portal"):
        port = stack.ports.lti if app == "lti" else stack.ports.portal
        with context.wrap_socket(socket.create_connection(("127.0.0.1", port)),
                                 server_hostname="127.0.0.1") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
    page = get(stack, "portal", "/privacy")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = requests.get(f"http://127.0.0.1:{stack.ports.http}/register?x=1",
                         allow_redirects=False, timeout=10)
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://127.0.0.1/register?x=1"


def test_forwarded_scheme_and_host_reach_the_lti_tool(single_server):
    """The login checks target_link_uri against the tool's own public URL: it succeeds only
    if the app saw https and nginx's host and port, not gunicorn's plain loopback address."""
    stack, peer = single_server
    platform = peer.platform
    params = {"iss": platform.issuer, "login_hint": "learner-1", "client_id": platform.client_id,
              "target_link_uri": stack.nginx.url("lti") + "/lti/launch"}
    login = get(stack, "lti", "/lti/login", params=params, allow_redirects=False)
    assert login.status_code == 302, login.text[:500]
    query = parse_qs(urlsplit(login.headers["Location"]).query)
    assert query["redirect_uri"] == [stack.nginx.url("lti") + "/lti/launch"]
    # The same request straight to the instance, without nginx's headers, is refused.
    direct = requests.get(stack.lti[0].url + "/lti/login", params=params, allow_redirects=False,
                          timeout=10)
    assert direct.status_code == 400 and "target_link_uri" in direct.text


def eventually(check, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _app_log_lines(stack, app: str) -> list[dict]:
    instance = stack.lti[0] if app == "lti" else stack.portal[0]
    lines = []
    for line in instance.log_path.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_request_id_and_client_address_reach_the_app(single_server):
    """From 127.0.0.2 (nginx itself connects to the app from 127.0.0.1): the app's JSON log
    line names the client's address and the id nginx sent back and logged."""
    stack, _peer = single_server
    context = ssl.create_default_context(cafile=str(stack.nginx.cert))
    conn = http.client.HTTPSConnection("127.0.0.1", stack.ports.portal, context=context,
                                       source_address=("127.0.0.2", 0), timeout=10)
    conn.request("GET", "/privacy")
    response = conn.getresponse()
    response.read()
    ids = [v for k, v in response.getheaders() if k.lower() == "x-request-id"]
    conn.close()
    assert response.status == 200 and len(ids) == 1 and len(ids[0]) == 32
    rid = ids[0]
    # Both log lines are written once the response is out: wait for them a little.
    assert eventually(lambda: f"rid={rid}" in stack.nginx.access_log("portal"))
    assert eventually(lambda: any(x.get("request_id") == rid
                                  for x in _app_log_lines(stack, "portal")))
    line = next(x for x in _app_log_lines(stack, "portal") if x.get("request_id") == rid)
    assert line["remote_addr"] == "127.0.0.2" and line["path"] == "/privacy"
    # An id from a proxy in front is kept end to end.
    page = get(stack, "lti", "/.well-known/jwks.json",
               headers={"X-Request-ID": "edge-proxy-0123456789"})
    assert page.headers["X-Request-ID"] == "edge-proxy-0123456789"
    assert eventually(lambda: any(x.get("request_id") == "edge-proxy-0123456789"
                                  for x in _app_log_lines(stack, "lti")))


@pytest.mark.parametrize("app,path,folder", [("lti", "/lti-static/tool.css", LTI_STATIC),
                                              ("portal", "/static/portal.css", PORTAL_STATIC)])
def test_static_files_come_from_nginx_compressed_and_cacheable(single_server, app, path, folder):
    stack, _peer = single_server
    raw = get(stack, app, path, headers={"Accept-Encoding": "identity"})
    assert raw.status_code == 200
    assert raw.content == (folder / path.rsplit("/", 1)[1]).read_bytes()
    # Not the app: both apps put a Content-Security-Policy on every response they make.
    assert "Content-Security-Policy" not in raw.headers
    assert "X-Request-ID" not in raw.headers
    cache = raw.headers["Cache-Control"]
    assert "max-age=604800" in cache and "public" in cache
    assert "Expires" in raw.headers and "ETag" in raw.headers
    gz = get(stack, app, path, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gz.content == raw.content
    assert "Accept-Encoding" in gz.headers["Vary"]
    br = get(stack, app, path, headers={"Accept-Encoding": "br"}, stream=True)
    assert br.headers["Content-Encoding"] == "br"
    assert len(br.raw.read()) < len(raw.content)


def test_app_pages_compressed_and_oversized_bodies_stopped(single_server):
    stack, _peer = single_server
    page = get(stack, "portal", "/privacy", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Content-Security-Policy" in page.headers  # from the app, through nginx
    big = requests.post(stack.nginx.url("portal") + "/register", data=b"x" * (2 * 1024 * 1024),
                        verify=str(stack.nginx.cert), timeout=10)
    # nginx's own refusal (the app would refuse too, past 256 KiB, but only after receiving
    # it all): its page, none of the app's headers.
    assert big.status_code == 413
    assert "nginx" in big.text and "Content-Security-Policy" not in big.headers


def test_media_files_come_from_nginx_with_byte_ranges(single_server):
    stack, _peer = single_server
    build = stack.nginx.media / "base" / "pay_basics" / "en" / "0123456789ab"
    build.mkdir(parents=True, exist_ok=True)
    data = bytes(range(256)) * 64
    (build / "video-360p.mp4").write_bytes(data)
    (stack.nginx.media / ".cache").mkdir(exist_ok=True)
    (stack.nginx.media / ".cache" / "x.vtt").write_text("WEBVTT")
    path = "/media/base/pay_basics/en/0123456789ab/video-360p.mp4"
    part = get(stack, "lti", path, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.content == data[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    assert part.headers["Content-Type"] == "video/mp4" and "ETag" in part.headers
    assert "immutable" in part.headers["Cache-Control"] and "max-age=31536000" in part.headers["Cache-Control"]
    assert "Content-Security-Policy" not in part.headers  # nginx, not the app
    assert get(stack, "lti", "/media/.cache/x.vtt").status_code == 404
