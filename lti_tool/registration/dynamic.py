"""LTI Dynamic Registration 1.0, as Moodle (4.x/5.x) and Canvas perform it.

The platform opens the one-time registration address an admin created (see
:mod:`lti_tool.registration.invites`) with ``openid_configuration`` and
``registration_token``. We read the platform's configuration, check every value we will
store, let the platform's admin confirm, POST our client registration, store the result as a
new registration and end with the ``org.imsglobal.lti.close`` postMessage.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import requests

from lti_tool import claims as C
from lti_tool import urls
from lti_tool.registration.service import PlatformInput, validate_client, validate_platform

PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
            "registration_endpoint")


class DynamicRegistrationError(ValueError):
    pass


def fetch_configuration(url: str, token: str | None) -> dict:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DynamicRegistrationError("the address of the platform's configuration is not "
                                       "an absolute URL")
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = requests.get(url, headers=headers, timeout=10)
        response.raise_for_status()
        config = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise DynamicRegistrationError(f"the platform configuration could not be read: {exc}") from exc
    if not isinstance(config, dict):
        raise DynamicRegistrationError("the platform configuration is not a JSON object")
    missing = [k for k in REQUIRED if not config.get(k)]
    if missing:
        raise DynamicRegistrationError("the platform configuration lacks " + ", ".join(missing))
    not_text = [k for k in REQUIRED if not isinstance(config[k], str)]
    if not_text:
        raise DynamicRegistrationError("in the platform configuration, these are not text: "
                                       + ", ".join(not_text))
    issuer = urlsplit(config["issuer"])
    # The spec: the issuer must match the host the configuration came from (no spoofing).
    if (issuer.scheme, issuer.netloc) != (parts.scheme, parts.netloc):
        raise DynamicRegistrationError(
            f"issuer {config['issuer']!r} does not match the configuration URL's host")
    return config


def platform_input(config: dict, economy: str | None, language: str | None,
                   economies: str | None = None) -> PlatformInput:
    """What we will store from this configuration, checked before the platform is asked to
    record anything (raises :class:`~lti_tool.registration.service.RegistrationError`)."""
    platform = config.get(PLATFORM_CONFIG) or {}
    title = platform.get("product_family_code")
    data = PlatformInput(
        issuer=config["issuer"], client_id="", deployment_ids=[],
        auth_login_url=config["authorization_endpoint"], token_url=config["token_endpoint"],
        jwks_url=config["jwks_uri"], economy=economy, language=language, economies=economies,
        title=title[:255] if isinstance(title, str) and title else None)
    validate_platform(data)
    endpoint = urlsplit(config["registration_endpoint"])
    # The platform's registration token travels to this endpoint: never in clear text.
    if not endpoint.netloc or endpoint.scheme != "https" and not (
            endpoint.scheme == "http" and endpoint.hostname in ("localhost", "127.0.0.1")):
        raise DynamicRegistrationError("the platform's registration endpoint must be an https "
                                       "address")
    return data


def with_answer(data: PlatformInput, answer: dict) -> PlatformInput:
    """The registration to store: the platform's client ID and deployment added, checked."""
    tool_config = answer.get(TOOL_CONFIG) or {}
    deployment = tool_config.get("deployment_id") if isinstance(tool_config, dict) else None
    data = PlatformInput(**{**vars(data), "client_id": _text(answer["client_id"]),
                            "deployment_ids": [_text(deployment)] if deployment else []})
    validate_client(data)
    return data


def _text(value: object) -> str:
    """A JSON value we store as text: strings and numbers only."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise DynamicRegistrationError(f"the platform sent {type(value).__name__} where text "
                                       "was expected")
    return str(value)


def tool_registration(config: dict, base: str, title: str = "DigiReady") -> dict:
    platform = config.get(PLATFORM_CONFIG) or {}
    supported = {m.get("type") for m in platform.get("messages_supported", [])
                 if isinstance(m, dict)}
    messages = [{"type": C.RESOURCE_LINK_REQUEST, "target_link_uri": urls.url("launch", base),
                 "label": title}]
    if not supported or C.DEEP_LINKING_REQUEST in supported:
        messages.append({"type": C.DEEP_LINKING_REQUEST,
                         "target_link_uri": urls.url("deep_linking", base), "label": title,
                         "placements": ["ContentArea"],
                         "supported_types": ["ltiResourceLink"]})
    wanted = [C.SCOPE_LINEITEM, C.SCOPE_LINEITEM_READONLY, C.SCOPE_RESULT_READONLY,
              C.SCOPE_SCORE, C.SCOPE_NRPS]
    offered = config.get("scopes_supported")
    scopes = [s for s in wanted if not offered or s in offered]
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.url("login", base),
        "redirect_uris": [urls.url("launch", base)],
        "client_name": title,
        "jwks_uri": urls.url("jwks", base),
        "logo_uri": base + "/lti-static/logo.svg",
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIG: {
            "domain": urlsplit(base).netloc,
            "target_link_uri": urls.url("launch", base),
            "claims": ["iss", "sub", "name", "given_name", "family_name", "locale"],
            "messages": messages,
            "description": "Digital-maturity self-diagnostic and short training modules "
                           "for micro, small and medium enterprises.",
        },
    }


def register(config: dict, token: str | None, base: str) -> dict:
    """POST our registration; returns the platform's answer (client_id, deployment_id)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = requests.post(config["registration_endpoint"],
                                 json=tool_registration(config, base), headers=headers, timeout=15)
    except requests.RequestException as exc:
        raise DynamicRegistrationError(f"the platform's registration endpoint is unreachable: {exc}") from exc
    if response.status_code not in (200, 201):
        raise DynamicRegistrationError(f"the platform refused the registration "
                                       f"({response.status_code}): {response.text[:300]}")
    try:
        answer = response.json()
    except ValueError as exc:
        raise DynamicRegistrationError("the platform's registration answer is not JSON") from exc
    if not isinstance(answer, dict) or not answer.get("client_id"):
        raise DynamicRegistrationError("the platform's registration answer has no client_id")
    return answer
