"""Every bad payload of the 1EdTech certification list, replays, a wrong target_link_uri, an
unknown deployment, a rotated platform key, and clock skew inside and outside the leeway.
Each launch goes over HTTP to the tool; each rejection must name its check, answer 4xx and
store nothing."""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from lti_tool.demo.platform import new_key

MT = "https://purl.imsglobal.org/spec/lti/claim/message_type"
VERSION = "https://purl.imsglobal.org/spec/lti/claim/version"
ROLES = "https://purl.imsglobal.org/spec/lti/claim/roles"
DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
LINK = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
TARGET = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def login(env, user="learner-1", target=None) -> dict:
    """The tool's answer to a login initiation: state, nonce, redirect_uri."""
    response = requests.get(env.tool_url + "/lti/login", allow_redirects=False, params={
        "iss": env.platform.issuer, "login_hint": user,
        "target_link_uri": target or env.platform.tool_launch_url,
        "lti_message_hint": "x", "client_id": env.platform.client_id})
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return {k: v[0] for k, v in query.items()}


def post_launch(env, token: str, state: str) -> requests.Response:
    return requests.post(env.tool_url + "/lti/launch", data={"id_token": token, "state": state},
                         allow_redirects=False)


def stored(kind: str) -> int:
    from digiready.storage import session_scope
    from digiready.storage.models import Learner
    from lti_tool.models import Launch, Nonce

    table = {"launch": Launch, "nonce": Nonce, "learner": Learner}[kind]
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(table))


def assert_rejected(response, check: str, status: int = 400):
    assert response.status_code == status, response.text[:800]
    assert f"<code>{check}</code>" in response.text, response.text[:800]
    assert stored("launch") == 0 and stored("nonce") == 0 and stored("learner") == 0


def _drop(name):
    return lambda c: c.pop(name)


def _set(name, value):
    return lambda c: c.__setitem__(name, value)


CLAIM_CASES = {
    # certification list: missing or wrong claims
    "wrong version": (_set(VERSION, "1.2.0"), "version"),
    "missing version": (_drop(VERSION), "version"),
    "missing message_type": (_drop(MT), "message_type"),
    "unknown message_type": (_set(MT, "LtiSubmissionReviewRequest"), "message_type"),
    "missing roles": (_drop(ROLES), "roles"),
    "missing deployment_id": (_drop(DEPLOYMENT), "deployment_id"),
    "missing resource_link_id": (_set(LINK, {"title": "x"}), "resource_link_id"),
    "missing sub": (_drop("sub"), "sub"),
    "wrong iss": (_set("iss", "https://evil.example"), "iss"),
    "wrong aud": (_set("aud", "someone-else"), "aud"),
    "several aud, no azp": (lambda c: (c.__setitem__("aud", [c["aud"], "other"]), c.pop("azp")), "azp"),
    "wrong azp": (_set("azp", "other"), "azp"),
    "missing exp": (_drop("exp"), "exp"),
    "missing iat": (_drop("iat"), "iat"),
    "expired beyond leeway": (lambda c: c.update(exp=int(time.time()) - 120, iat=int(time.time()) - 400), "exp"),
    "issued in the future beyond leeway": (lambda c: c.update(iat=int(time.time()) + 120, exp=int(time.time()) + 400), "iat"),
    "missing nonce": (_drop("nonce"), "nonce"),
    "other nonce": (_set("nonce", "not-ours"), "nonce"),
    "wrong target_link_uri": (_set(TARGET, "http://127.0.0.1:1/elsewhere"), "target_link_uri"),
}


@pytest.mark.parametrize("case", list(CLAIM_CASES))
def test_bad_claims_are_rejected_with_their_check(sqlite_env, case):
    env = sqlite_env
    mutate, check = CLAIM_CASES[case]
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    mutate(claims)
    assert_rejected(post_launch(env, env.platform.sign(claims), issued["state"]), check)


def test_unknown_deployment_is_rejected(sqlite_env):
    issued = login(sqlite_env)
    claims = sqlite_env.platform.launch_claims(sqlite_env.platform.users["learner-1"], None, issued["nonce"])
    claims[DEPLOYMENT] = "deployment-we-never-registered"
    assert_rejected(post_launch(sqlite_env, sqlite_env.platform.sign(claims), issued["state"]),
                    "deployment_id", 403)


def test_deep_linking_request_without_settings_is_rejected(sqlite_env):
    env = sqlite_env
    issued = login(env, "instructor-1")
    claims = env.platform.launch_claims(env.platform.users["instructor-1"], None, issued["nonce"],
                                        deep_linking=True)
    claims.pop(DL)
    assert_rejected(post_launch(env, env.platform.sign(claims), issued["state"]), "deep_linking_settings")


@pytest.mark.parametrize("case", ["no kid", "unknown kid", "bad signature", "alg none",
                                  "not a JWT", "garbage JWT"])
def test_bad_tokens_are_rejected(sqlite_env, case):
    env = sqlite_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    good_kid = env.platform.signing_key.kid
    if case == "no kid":
        token, check = env.platform.sign(claims, headers={"alg": "RS256", "typ": "JWT"}), "kid"
    elif case == "unknown kid":
        token, check = env.platform.sign(claims, key=new_key()), "kid"
    elif case == "bad signature":
        token, check = env.platform.sign(claims, key=new_key(), headers={"alg": "RS256", "kid": good_kid}), "signature"
    elif case == "alg none":
        head, body, _sig = env.platform.sign(claims).split(".")
        import base64
        import json
        none = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": good_kid}).encode()).rstrip(b"=").decode()
        token, check = f"{none}.{body}.", "alg"
    elif case == "not a JWT":
        token, check = "this-is-not-a-jwt", "jwt_format"
    else:
        token, check = "e30.@@@.abc", "jwt_format"
    assert_rejected(post_launch(env, token, issued["state"]), check)


def test_state_must_be_one_we_issued(sqlite_env):
    env = sqlite_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    token = env.platform.sign(claims)
    assert_rejected(post_launch(env, token, "forged-state"), "state")
    assert_rejected(post_launch(env, token, ""), "state")


def test_replayed_nonce_is_rejected(sqlite_env):
    env = sqlite_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    token = env.platform.sign(claims)
    first = post_launch(env, token, issued["state"])
    assert first.status_code == 200 and 'data-url="/learn/diagnostic?launch=' in first.text, \
        first.text[:500]
    again = post_launch(env, token, issued["state"])
    assert again.status_code == 400 and "<code>nonce</code>" in again.text
    assert "already used" in again.text
    assert stored("launch") == 1


def test_replayed_nonce_is_rejected_with_redis(sqlite_env, redis_url, monkeypatch):
    import redis

    monkeypatch.setenv("DIGIREADY_REDIS_URL", redis_url)
    env = sqlite_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    token = env.platform.sign(claims)
    assert post_launch(env, token, issued["state"]).status_code == 200
    again = post_launch(env, token, issued["state"])
    assert again.status_code == 400 and "<code>nonce</code>" in again.text
    assert stored("nonce") == 0  # kept in Redis, not in the database
    keys = redis.Redis.from_url(redis_url).keys("digiready:lti:nonce:*")
    assert keys and 0 < redis.Redis.from_url(redis_url).ttl(keys[0]) <= 400


def test_clock_skew_inside_the_leeway_is_accepted(sqlite_env):
    env = sqlite_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    now = int(time.time())
    claims.update(iat=now + 30, exp=now - 30 + 300)  # platform clock 30 s ahead (leeway 60)
    assert post_launch(env, env.platform.sign(claims), issued["state"]).status_code == 200
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    claims.update(iat=now - 330, exp=now - 30)  # expired 30 s ago, inside the leeway
    assert post_launch(env, env.platform.sign(claims), issued["state"]).status_code == 200


def test_leeway_is_configurable(sqlite_env, monkeypatch):
    monkeypatch.setenv("DIGIREADY_LTI_LEEWAY_SECONDS", "0")
    env = sqlite_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    claims.update(iat=int(time.time()) + 30)
    assert_rejected(post_launch(env, env.platform.sign(claims), issued["state"]), "iat")


def test_several_audiences_with_our_azp_are_accepted(sqlite_env):
    env = sqlite_env
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    claims["aud"] = ["other-client", env.platform.client_id]
    assert post_launch(env, env.platform.sign(claims), issued["state"]).status_code == 200


def test_rotated_platform_key_is_fetched_once(sqlite_env, monkeypatch):
    monkeypatch.setenv("DIGIREADY_LTI_JWKS_MIN_REFETCH_SECONDS", "0")
    env = sqlite_env
    assert env.launch().status_code == 200  # the tool caches the platform's first key
    env.platform.rotate_key()
    fetches = []
    original = env.platform.jwks
    env.platform.jwks = lambda: fetches.append(1) or original()
    page = env.launch()  # signed by the new kid: one refetch, then accepted
    assert page.status_code == 200 and "/learn/" in page.url
    assert len(fetches) == 1


def test_unknown_kid_refetch_is_rate_limited(sqlite_env, monkeypatch):
    monkeypatch.setenv("DIGIREADY_LTI_JWKS_MIN_REFETCH_SECONDS", "300")
    env = sqlite_env
    assert env.launch().status_code == 200
    env.platform.rotate_key()
    issued = login(env)
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    response = post_launch(env, env.platform.sign(claims), issued["state"])
    assert response.status_code == 400 and "<code>kid</code>" in response.text


def test_login_refuses_unknown_platform_and_foreign_target(sqlite_env):
    env = sqlite_env
    r = requests.get(env.tool_url + "/lti/login", params={
        "iss": "https://unknown.example", "login_hint": "u", "target_link_uri": env.platform.tool_launch_url},
        allow_redirects=False)
    assert r.status_code == 404 and "<code>iss</code>" in r.text
    r = requests.post(env.tool_url + "/lti/login", data={
        "iss": env.platform.issuer, "login_hint": "u", "target_link_uri": "https://evil.example/x"},
        allow_redirects=False)
    assert r.status_code == 400 and "<code>target_link_uri</code>" in r.text
    r = requests.get(env.tool_url + "/lti/launch")
    assert r.status_code == 405


def test_login_by_post_carries_state_and_nonce(sqlite_env):
    env = sqlite_env
    r = requests.post(env.tool_url + "/lti/login", data={
        "iss": env.platform.issuer, "login_hint": "learner-1",
        "target_link_uri": env.platform.tool_launch_url, "lti_message_hint": "m"},
        allow_redirects=False)
    assert r.status_code == 302
    query = parse_qs(urlsplit(r.headers["Location"]).query)
    assert query["response_mode"] == ["form_post"] and query["prompt"] == ["none"]
    assert query["redirect_uri"] == [env.platform.tool_launch_url]
    assert len(query["state"][0]) > 30 and len(query["nonce"][0]) > 30


def test_redirect_uri_is_the_registered_one_whatever_the_target(sqlite_env):
    """A link may target any URL of the tool; the login still sends the platform the redirect
    URI registered with it. The peer platform, like Open edX, matches it exactly."""
    env = sqlite_env
    target = env.tool_url + "/lti/launch?from=course-page"
    env.platform.claim_overrides[TARGET] = target  # the platform launches the link's target
    issued = login(env, target=target)
    assert issued["redirect_uri"] == env.tool_url + "/lti/launch"
    b = requests.Session()
    start = b.get(env.tool_url + "/lti/login", params={
        "iss": env.platform.issuer, "login_hint": "learner-1", "target_link_uri": target,
        "lti_message_hint": next(iter(env.platform.links)), "client_id": env.platform.client_id})
    assert start.status_code == 200, start.text[:300]  # the platform's auto-post form
    from tests.lti_tool.conftest import as_shown
    from tests.lti_tool.htmlform import first_form

    form = first_form(start.text, start.url)
    landed = as_shown(b.post(form.action, data=form.hidden))
    assert landed.status_code == 200 and "/learn/" in landed.url


def test_an_oversized_id_token_is_refused_by_name(sqlite_env):
    env = sqlite_env
    issued = login(env)
    huge = "a" * (1024 * 1024)  # a 1 MB body: over the request limit
    assert_rejected(post_launch(env, huge, issued["state"]), "id_token_size", 413)
    big = "a" * (200 * 1024)  # within the request limit, over the id_token's
    refused = post_launch(env, big, issued["state"])
    assert_rejected(refused, "id_token_size", 413)
    assert "at most 128 KB" in refused.text


def test_a_platform_removed_during_the_login_is_named_as_such(sqlite_env):
    from lti_tool.registration import service

    env = sqlite_env
    issued = login(env)
    from digiready.storage import session_scope

    with session_scope() as s:  # the admin removes the platform between login and launch
        assert service.remove(s, env.platform.issuer) == 1
    claims = env.platform.launch_claims(env.platform.users["learner-1"], None, issued["nonce"])
    refused = post_launch(env, env.platform.sign(claims), issued["state"])
    assert_rejected(refused, "registration", 404)
    assert "no longer registered" in refused.text and "<code>iss</code>" not in refused.text
