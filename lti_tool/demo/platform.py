"""A small LTI 1.3 Advantage *platform* built on ``lti1p3platform``: the demo's LMS and the
peer the tests run over real HTTP.

It does what Moodle or Canvas do for one course: OIDC login and signed launches (resource
link and deep linking), its JWKS (with key rotation), an OAuth2 token endpoint that checks
the tool's client assertion against the tool's JWKS, AGS line items and scores, an NRPS
roster, the deep-linking return, and Dynamic Registration (openid-configuration + register
endpoint) in Moodle's or Canvas's shape. Everything is kept in memory.

A learner launch may carry a chosen economy (the custom claim ``digiready_economy``) and
language (the launch's ``locale``), as an LMS course or user setting would: the demo offers
both, so any economy and language can be tried without registering the tool again. The
scores received are kept in memory, and also appended to ``score_log`` when one is given
(the demo's gradebook survives a restart).

Test hooks (``claim_overrides``, ``drop_claims``, :meth:`launch_claims` + :meth:`sign`) let a test send a payload
that a correct tool must refuse; they are never used by the demo.
"""
from __future__ import annotations

import json
import re
import secrets
import threading
import time
import typing as t
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import requests
from flask import Flask, Response, jsonify, redirect, render_template_string, request
from joserfc.jwk import RSAKey
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.membership import Context
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration as PeerRegistration
from lti1p3platform.request import Request as PeerRequest
from lti1p3platform.score import UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService

ROLE_LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ROLE_INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
CUSTOM_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/custom"
PRESENTATION_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/launch_presentation"
ECONOMY_CODE = re.compile(r"[a-z]{2}")
LOCALE_CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z]{2,4})?")


@dataclass
class User:
    id: str
    name: str
    roles: list[str]
    email: str | None = None


@dataclass
class Link:
    id: str
    title: str
    custom: dict[str, str]
    lineitem_id: str | None = None


@dataclass
class PlatformKey:
    kid: str
    private_pem: str
    public_pem: str
    jwk: dict


def new_key() -> PlatformKey:
    key = RSAKey.generate_key(2048, auto_kid=True)
    return PlatformKey(key.kid, key.as_pem(private=True).decode(),
                       key.as_pem(private=False).decode(),
                       dict(key.as_dict(private=False), alg="RS256", use="sig"))


class _Registration(PeerRegistration):
    """lti1p3platform's registration, with a real ``kid`` in the header and the JWKS."""

    def __init__(self, platform: PeerPlatform) -> None:
        self._platform = platform

    def get_kid(self) -> str | None:
        return self._platform.signing_key.kid

    def get_jwks(self) -> list[dict]:
        return self._platform.jwks()["keys"]


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: t.Any) -> None:
        self.platform: PeerPlatform = kwargs["platform"]

    def get_registration_by_params(self, **kwargs: t.Any) -> PeerRegistration:
        p = self.platform
        reg = _Registration(p)
        reg.set_iss(p.issuer).set_client_id(p.client_id).set_deployment_id(p.deployment_id)
        reg.set_oidc_login_url(p.tool_login_url).set_launch_url(p.tool_launch_url)
        reg.set_deeplink_launch_url(p.tool_launch_url)
        reg.set_platform_private_key(p.signing_key.private_pem)
        reg.set_platform_public_key(p.signing_key.public_pem)
        reg.set_tool_key_set_url(p.tool_jwks_url)
        return reg


class _FlaskRequest(PeerRequest):
    def build_metadata(self, req: t.Any) -> dict:
        return {"method": req.method, "form_data": req.form.to_dict(),
                "get_data": req.args.to_dict(), "headers": req.headers,
                "content_type": req.content_type, "path": req.path,
                "json": req.get_json(silent=True)}


class _Launch(LTIAdvantageMessageLaunchAbstract):
    platform: PeerPlatform

    def render_launch_form(self, launch_data: dict, **kwargs: t.Any) -> str:
        return render_template_string(AUTO_POST, action=launch_data["launch_url"],
                                      fields={"id_token": launch_data["id_token"],
                                              "state": launch_data["state"]})

    def get_launch_message(self, include_extra_claims: bool = True) -> dict:
        message = super().get_launch_message(include_extra_claims)
        message.update(self.platform.claim_overrides)
        for name in self.platform.drop_claims:
            message.pop(name, None)
        return message


class _Ags(AssignmentsGradesService):
    platform: PeerPlatform

    def find_lineitems(self, page=1, limit=None, line_item_id=None, resource_link_id=None,
                       resource_id=None, tag=None):
        items = [i for i in self.platform.line_items.values()
                 if (not resource_link_id or i.get("resourceLinkId") == resource_link_id)
                 and (not tag or i.get("tag") == tag)]
        page, limit = int(page), int(limit) if limit else 100
        chunk = items[(page - 1) * limit: page * limit]
        return {"content": chunk, "has_next": page * limit < len(items), "next": None}

    def find_lineitem(self, line_item_id):
        return self.platform.line_items[line_item_id]

    def create_lineitem(self, creation_data):
        return self.platform.add_line_item(dict(creation_data))

    def update_lineitem(self, update_data):
        self.platform.line_items[update_data["id"]].update(update_data)
        return self.platform.line_items[update_data["id"]]

    def delete_lineitem(self, line_item_id):
        self.platform.line_items.pop(line_item_id, None)

    def update_score(self, line_item_id, score):
        self.platform.record_score(line_item_id, dict(score or {}))
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id, page=1, limit=None, user_id=None):
        return {"content": [], "has_next": False, "next": None}


class _Nrps(NamesRoleProvisioningService):
    platform: PeerPlatform

    def get_member_data_page(self, page=1, limit=None, role=None, since=None):
        members = [{"user_id": u.id, "name": u.name, "roles": u.roles, "status": "Active"}
                   for u in self.platform.users.values()]
        return {"content": members, "has_next": False, "next": None}

    def get_context_by_id(self) -> Context:
        return Context(id=self.platform.context_id, label="DR101", title=self.platform.course_title)


@dataclass
class PeerPlatform:
    """One platform, one course. ``base_url`` is where :meth:`app` is served."""

    base_url: str
    tool_base_url: str
    client_id: str = "digiready-tool"
    deployment_id: str = "deployment-1"
    context_id: str = "course-1"
    course_title: str = "Digital skills for small businesses"
    product: str = "moodle"  # shape of the openid-configuration: moodle | canvas
    issuer: str = ""
    users: dict[str, User] = field(default_factory=dict)
    links: dict[str, Link] = field(default_factory=dict)
    line_items: dict[str, dict] = field(default_factory=dict)
    scores: list[dict] = field(default_factory=list)
    tool_registrations: list[dict] = field(default_factory=list)
    registration_tokens: set[str] = field(default_factory=set)
    claim_overrides: dict = field(default_factory=dict)
    drop_claims: list[str] = field(default_factory=list)
    keys: list[PlatformKey] = field(default_factory=list)
    # The Cache-Control header of the key set (platforms differ: Moodle sends none).
    jwks_cache_control: str | None = None
    # Choices the course page offers a learner launch (code -> name); empty: none offered.
    economies: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)
    # A JSON-lines file the scores are appended to and read back from (the demo's gradebook).
    score_log: Path | None = None

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.tool_base_url = self.tool_base_url.rstrip("/")
        self.issuer = self.issuer or self.base_url
        self._lock = threading.Lock()
        if not self.keys:
            self.keys.append(new_key())
        if not self.users:
            for user in (User("learner-1", "Ana Quispe", [ROLE_LEARNER], "ana@example.org"),
                         User("instructor-1", "Ignacio Ramos", [ROLE_INSTRUCTOR]),
                         User("learner-2", "Bui Thi Mai", [ROLE_LEARNER]),
                         User("learner-3", "Kila Wari", [ROLE_LEARNER])):
                self.users[user.id] = user
        if not self.links:
            self.add_link("DigiReady diagnostic", {"digiready_target": "diagnostic"},
                          line_item=True)
        if self.score_log is not None and self.score_log.exists():
            self.scores.extend(self._read_score_log())

    # -- URLs -------------------------------------------------------------------------
    @property
    def tool_login_url(self) -> str:
        return self.tool_base_url + "/lti/login"

    @property
    def tool_launch_url(self) -> str:
        return self.tool_base_url + "/lti/launch"

    @property
    def tool_jwks_url(self) -> str:
        return self.tool_base_url + "/.well-known/jwks.json"

    def url(self, path: str) -> str:
        return self.base_url + path

    def registration_args(self) -> dict:
        """What an admin types into ``digiready lti platform add``."""
        return {"issuer": self.issuer, "client_id": self.client_id,
                "deployment_ids": [self.deployment_id], "auth_login_url": self.url("/auth"),
                "token_url": self.url("/token"), "jwks_url": self.url("/jwks")}

    # -- keys ---------------------------------------------------------------------------
    @property
    def signing_key(self) -> PlatformKey:
        return self.keys[-1]

    def rotate_key(self, keep_old: bool = False) -> PlatformKey:
        key = new_key()
        with self._lock:
            self.keys = (self.keys if keep_old else []) + [key]
        return key

    def jwks(self) -> dict:
        return {"keys": [k.jwk for k in self.keys]}

    # -- course data ----------------------------------------------------------------------
    def add_link(self, title: str, custom: dict[str, str], line_item: dict | bool = False) -> Link:
        link = Link(id="link-" + secrets.token_hex(4), title=title, custom=custom)
        if line_item:
            spec = line_item if isinstance(line_item, dict) else {"scoreMaximum": 100, "label": title}
            item = self.add_line_item(dict(spec, resourceLinkId=link.id))
            link.lineitem_id = item["id"].rsplit("/", 1)[1]
        self.links[link.id] = link
        return link

    def add_line_item(self, data: dict) -> dict:
        with self._lock:
            number = str(len(self.line_items) + 1)
            data["id"] = self.url(f"/lineitems/{number}")
            self.line_items[number] = data
        return data

    def record_score(self, line_item_id: str, score: dict) -> None:
        entry = dict(score, lineitem=line_item_id)
        with self._lock:
            self.scores.append(entry)
            if self.score_log is not None:
                with self.score_log.open("a", encoding="utf-8") as log:
                    log.write(json.dumps(entry) + "\n")

    def _read_score_log(self) -> list[dict]:
        """Scores saved by earlier runs; a line cut short by a crash is skipped."""
        scores = []
        for line in self.score_log.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                scores.append(entry)
        return scores

    def gradebook(self) -> list[dict]:
        """One row per learner and column: the latest score, and every score received for
        it, newest first (a score is sent when an attempt starts, and again when it ends)."""
        rows: dict[tuple, dict] = {}
        for score in self.scores:
            key = (score.get("userId"), score.get("lineitem"))
            row = rows.setdefault(key, {"user_id": key[0], "lineitem": key[1], "history": []})
            row["history"].insert(0, score)
        for row in rows.values():
            row["latest"] = row["history"][0]
        return sorted(rows.values(), key=lambda r: (str(r["user_id"]), str(r["lineitem"])))

    def launch_claims(self, user: User, link: Link | None, nonce: str,
                      deep_linking: bool = False) -> dict:
        """A complete, valid launch payload (tests mutate it to build bad ones)."""
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "azp": self.client_id,
            "sub": user.id, "name": user.name, "iat": now, "exp": now + 300, "nonce": nonce,
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": self.deployment_id,
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": self.tool_launch_url,
            "https://purl.imsglobal.org/spec/lti/claim/roles": user.roles,
            "https://purl.imsglobal.org/spec/lti/claim/context": {"id": self.context_id,
                                                                  "title": self.course_title},
        }
        if deep_linking:
            claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] = "LtiDeepLinkingRequest"
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.url("/deep_link_return"),
                "accept_types": ["ltiResourceLink"], "data": "dl-data-123"}
        else:
            link = link or next(iter(self.links.values()))
            claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] = "LtiResourceLinkRequest"
            claims["https://purl.imsglobal.org/spec/lti/claim/resource_link"] = {
                "id": link.id, "title": link.title}
            claims["https://purl.imsglobal.org/spec/lti/claim/custom"] = link.custom
            claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"] = self._ags_claim(link)
            claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"] = {
                "context_memberships_url": self.url("/memberships"),
                "service_versions": ["2.0"]}
        return claims

    def sign(self, claims: dict, key: PlatformKey | None = None, headers: dict | None = None) -> str:
        from joserfc import jwt as jose_jwt

        key = key or self.signing_key
        header = {"alg": "RS256", "kid": key.kid, "typ": "JWT"} if headers is None else headers
        return jose_jwt.encode(header, claims, RSAKey.import_key(key.private_pem),
                               algorithms=[header.get("alg", "RS256")])

    def _ags_claim(self, link: Link) -> dict:
        claim = {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                           "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                           "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                 "lineitems": self.url("/lineitems")}
        if link.lineitem_id:
            claim["lineitem"] = self.url(f"/lineitems/{link.lineitem_id}")
        return claim

    def initiate_url(self, user_id: str, link_id: str | None = None, deep_linking: bool = False,
                     economy: str | None = None, language: str | None = None) -> str:
        """Where the LMS sends the browser to start a launch (third-party initiated login).
        The link and the learner's choices travel in ``lti_message_hint``, which the tool
        sends back unchanged to :meth:`app`'s ``/auth``."""
        hint = "dl" if deep_linking else urlencode(
            {k: v for k, v in (("link", link_id or next(iter(self.links))),
                               ("economy", economy), ("language", language)) if v})
        return self.tool_login_url + "?" + urlencode({
            "iss": self.issuer, "login_hint": user_id, "target_link_uri": self.tool_launch_url,
            "lti_message_hint": hint,
            "client_id": self.client_id, "lti_deployment_id": self.deployment_id})

    # -- the web app ------------------------------------------------------------------------
    def app(self) -> Flask:
        app = Flask("digiready_demo_lms")
        app.config["SECRET_KEY"] = secrets.token_hex(16)
        platform = self
        config = _Config(platform=self)

        def peer_request() -> _FlaskRequest:
            return _FlaskRequest(request)

        @app.get("/")
        def course():
            learners = [u for u in platform.users.values() if ROLE_LEARNER in u.roles]
            return render_template_string(COURSE_PAGE, p=platform, users=platform.users,
                                          learners=learners, links=platform.links,
                                          gradebook=platform.gradebook(),
                                          items=platform.line_items)

        @app.get("/launch")
        def launch():
            user = request.args.get("user", "learner-1")
            if user not in platform.users:
                return Response("unknown user", 404)
            economy = request.args.get("economy") or None
            language = request.args.get("language") or None
            if economy and not ECONOMY_CODE.fullmatch(economy):
                return Response("economy: a two-letter code such as pe", 400)
            if language and not LOCALE_CODE.fullmatch(language):
                return Response("language: a language code such as es or es-PE", 400)
            return redirect(platform.initiate_url(user, request.args.get("link"),
                                                  request.args.get("dl") == "1",
                                                  economy=economy, language=language))

        @app.route("/auth", methods=["GET", "POST"])
        def auth():
            params = request.values
            if params.get("client_id") != platform.client_id:
                return Response("unknown client_id", 400)
            # Like Open edX, enforce the redirect-URI allow-list (exact match).
            if params.get("redirect_uri") != platform.tool_launch_url:
                return Response("redirect_uri not registered", 400)
            if params.get("response_type") != "id_token" or params.get("scope") != "openid":
                return Response("bad OIDC request", 400)
            user = platform.users.get(params.get("login_hint", ""))
            if user is None:
                return Response("unknown user", 400)
            config._registration = None
            message = _Launch(peer_request(), config)
            message.platform = platform
            message.set_user_data(user.id, user.roles, full_name=user.name,
                                  email_address=user.email)
            message.set_launch_context_claim(platform.context_id, context_title=platform.course_title)
            hint = params.get("lti_message_hint", "")
            chosen = _hint_choices(hint)
            presentation = {"document_target": "iframe", "return_url": platform.url("/")}
            if chosen.get("language"):
                presentation["locale"] = chosen["language"]
            message.set_extra_claims({PRESENTATION_CLAIM: presentation})
            if hint == "dl":
                message.set_dl(platform.url("/deep_link_return"), title="DigiReady",
                               accept_types={"ltiResourceLink"},
                               extra_data="dl-data")  # type: ignore[arg-type]
            else:
                link = platform.links.get(chosen.get("link", "")) or next(iter(platform.links.values()))
                message.set_resource_link_claim(link.id, title=link.title)
                custom = dict(link.custom)
                if chosen.get("economy"):
                    custom["digiready_economy"] = chosen["economy"]
                message.set_custom_parameters_claim(custom)
                message.set_extra_claims({
                    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": platform._ags_claim(link)})
                message.set_nrps(platform.url("/memberships"))
            return message.lti_launch()

        @app.get("/jwks")
        def jwks():
            response = jsonify(platform.jwks())
            if platform.jwks_cache_control:
                response.headers["Cache-Control"] = platform.jwks_cache_control
            return response

        @app.post("/token")
        def token():
            config._registration = None
            config.get_registration()
            try:
                return jsonify(config.get_access_token(request.form.to_dict()))
            except Exception as exc:  # noqa: BLE001 - answer like a platform: 400 + reason
                return jsonify({"error": "invalid_client", "error_description": str(exc)}), 400

        def wrap(resp) -> Response:
            if 200 <= resp.code < 300:
                data = resp.result.get("content") if isinstance(resp.result, dict) and "content" in resp.result else resp.result
                out = jsonify(data) if data is not None else Response(status=resp.code)
                out.status_code = resp.code
                out.headers["Content-Type"] = resp.media_type or "application/json"
                return out
            return jsonify({"error": resp.message}), resp.code

        def ags() -> _Ags:
            config._registration = None
            config.get_registration()
            service = _Ags(peer_request(), config, platform.url("/lineitems"))
            service.platform = platform
            return service

        @app.route("/lineitems", methods=["GET", "POST"])
        def lineitems():
            service = ags()
            handler = service.handle_get_lineitems if request.method == "GET" else service.handle_create_lineitem
            return wrap(service.handle_resp(handler))

        @app.get("/lineitems/<item>")
        def lineitem(item):
            service = ags()
            return wrap(service.handle_resp(service.handle_get_lineitem, line_item_id=item))

        @app.post("/lineitems/<item>/scores")
        def scores(item):
            if item not in platform.line_items:
                return jsonify({"error": "no such line item"}), 404
            if request.content_type != "application/vnd.ims.lis.v1.score+json":
                return jsonify({"error": "wrong content type"}), 415
            service = ags()
            return wrap(service.handle_resp(service.handle_update_score, line_item_id=item))

        @app.get("/memberships")
        def memberships():
            config._registration = None
            config.get_registration()
            service = _Nrps(peer_request(), config, platform.url("/memberships"))
            service.platform = platform
            return wrap(service.handle_resp(service.handle_get_members))

        @app.post("/deep_link_return")
        def deep_link_return():
            config._registration = None
            config.get_registration()
            config.set_accepted_deeplinking_types(["ltiResourceLink"])
            try:
                items = config.validate_deeplinking_resp(request.form.to_dict())
            except Exception as exc:  # noqa: BLE001
                return Response(f"deep linking response refused: {exc}", 400)
            for item in items:
                platform.add_link(item.get("title", "DigiReady"), item.get("custom") or {},
                                  line_item=item.get("lineItem") or False)
            return redirect(platform.url("/") + "?added=" + str(len(items)), 303)

        @app.get("/.well-known/openid-configuration")
        def openid_configuration():
            return jsonify(platform.openid_configuration())

        @app.post("/register")
        def register_tool():
            auth = request.headers.get("Authorization", "")
            if platform.registration_tokens and auth.removeprefix("Bearer ") not in platform.registration_tokens:
                return jsonify({"error": "invalid registration token"}), 401
            body = request.get_json(silent=True) or {}
            tool = body.get("https://purl.imsglobal.org/spec/lti-tool-configuration") or {}
            if not body.get("initiate_login_uri") or not body.get("jwks_uri") or not tool:
                return jsonify({"error": "invalid_client_metadata"}), 400
            platform.tool_registrations.append(body)
            answer = dict(body, client_id=platform.client_id)
            answer["https://purl.imsglobal.org/spec/lti-tool-configuration"] = dict(
                tool, deployment_id=platform.deployment_id)
            return jsonify(answer), 200

        @app.get("/api")
        def state():
            return jsonify({"scores": platform.scores, "links": [vars(link) for link in platform.links.values()],
                            "line_items": platform.line_items})

        return app

    def openid_configuration(self) -> dict:
        base = {
            "issuer": self.issuer,
            "authorization_endpoint": self.url("/auth"),
            "token_endpoint": self.url("/token"),
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "jwks_uri": self.url("/jwks"),
            "registration_endpoint": self.url("/register"),
            "scopes_supported": [
                "openid", "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
                "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
        }
        messages = [{"type": "LtiResourceLinkRequest"}, {"type": "LtiDeepLinkingRequest"}]
        if self.product == "canvas":
            messages = [{"type": "LtiResourceLinkRequest", "placements": ["course_navigation"]},
                        {"type": "LtiDeepLinkingRequest",
                         "placements": ["assignment_selection", "link_selection"]}]
        base["https://purl.imsglobal.org/spec/lti-platform-configuration"] = {
            "product_family_code": self.product, "version": "4.5" if self.product == "moodle" else "cloud",
            "messages_supported": messages,
            "variables": ["CourseSection.timeFrame.end", "Context.id.history"],
        }
        return base


def _hint_choices(hint: str) -> dict[str, str]:
    """The link and choices :meth:`PeerPlatform.initiate_url` put in ``lti_message_hint``
    (a bare link id, as earlier hints were, still names the link)."""
    if "=" not in hint:
        return {"link": hint}
    choices = {k: v[0] for k, v in parse_qs(hint).items()}
    if not ECONOMY_CODE.fullmatch(choices.get("economy", "")):
        choices.pop("economy", None)
    if not LOCALE_CODE.fullmatch(choices.get("language", "")):
        choices.pop("language", None)
    return choices


def fetch_json(url: str) -> t.Any:
    return requests.get(url, timeout=5).json()


AUTO_POST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Launching…</title></head>
<body><form method="post" action="{{ action }}" id="f">{% for k, v in fields.items() %}
<input type="hidden" name="{{ k }}" value="{{ v }}">{% endfor %}
<button type="submit">Continue to the tool</button></form>
<script>document.getElementById("f").submit();</script></body></html>"""

COURSE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo LMS · {{ p.course_title }}</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;color:#1a1a1a;overflow-wrap:anywhere}
a.b,button{display:inline-block;font:inherit;padding:.6rem 1rem;margin:.2rem 0;background:#5b2a86;color:#fff;border:0;border-radius:.4rem;text-decoration:none;font-weight:600;cursor:pointer}
a.b:focus,button:focus,select:focus,summary:focus{outline:3px solid #b35c00;outline-offset:2px}
.act{border:1px solid #bbb;border-radius:.4rem;padding:.25rem .75rem .5rem;margin:0 0 1rem}.act h3{margin:.5rem 0}
label{display:block;font-weight:600;margin-top:.5rem}select{font:inherit;width:100%;max-width:24rem;padding:.35rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ccc;padding:.3rem .25rem;text-align:left;vertical-align:top}
details ol{margin:.25rem 0;padding-left:1.25rem;font-size:.95rem}</style></head>
<body><header><p>Demo LMS (an LTI 1.3 platform built on lti1p3platform)</p></header>
<main><h1>{{ p.course_title }}</h1>
<h2>Activities</h2>
{% for l in links.values() %}{% set n = loop.index %}
<section class="act" aria-labelledby="act-{{ n }}"><h3 id="act-{{ n }}">{{ l.title }}</h3>
<form method="get" action="launch"><input type="hidden" name="link" value="{{ l.id }}">
<label for="user-{{ n }}">Learner</label>
<select id="user-{{ n }}" name="user">{% for u in learners %}<option value="{{ u.id }}">{{ u.name }}</option>{% endfor %}</select>
{% if p.economies %}<label for="economy-{{ n }}">Economy (local tools and programmes)</label>
<select id="economy-{{ n }}" name="economy"><option value="">Not set: the APEC-wide base pack, unless the LMS registration names one</option>
{% for code, name in p.economies.items() %}<option value="{{ code }}">{{ name }}</option>{% endfor %}</select>{% endif %}
{% if p.languages %}<label for="language-{{ n }}">Language (the launch's locale)</label>
<select id="language-{{ n }}" name="language"><option value="">Automatic: the economy's, else the browser's</option>
{% for code, name in p.languages.items() %}<option value="{{ code }}" lang="{{ code }}">{{ name }}</option>{% endfor %}</select>{% endif %}
<p><button type="submit">Launch as learner</button></p></form>
<p><a class="b" href="launch?user=instructor-1&amp;link={{ l.id }}">Launch as instructor</a></p>
</section>{% endfor %}
<p><a class="b" href="launch?user=instructor-1&amp;dl=1">Add DigiReady content (deep linking)</a></p>
<h2>Gradebook</h2>
<p>Scores received over LTI Assignment and Grade Services: the latest for each learner and
column; a row's history lists every score received.</p>
<table><thead><tr><th scope="col">Learner</th><th scope="col">Column</th><th scope="col">Latest score</th><th scope="col">Progress</th></tr></thead>
<tbody>{% for row in gradebook %}{% set s = row.latest %}<tr><th scope="row">{{ users[row.user_id].name if row.user_id in users else row.user_id }}</th>
<td>{{ items[row.lineitem].label if row.lineitem in items else row.lineitem }}</td>
<td>{% if s.scoreGiven is defined %}{{ s.scoreGiven }} / {{ s.scoreMaximum }}{% else %}–{% endif %}</td>
<td>{{ s.activityProgress }} · {{ s.gradingProgress }}
{% if row.history|length > 1 %}<details><summary>History ({{ row.history|length }} scores)</summary><ol>
{% for h in row.history %}<li>{{ (h.timestamp or '')[:19]|replace('T', ' ') }}: {% if h.scoreGiven is defined %}{{ h.scoreGiven }} / {{ h.scoreMaximum }}, {% endif %}{{ h.activityProgress }} · {{ h.gradingProgress }}</li>{% endfor %}</ol></details>{% endif %}</td></tr>
{% else %}<tr><td colspan="4">No scores yet.</td></tr>{% endfor %}</tbody></table>
<h2>Roster</h2><ul>{% for u in users.values() %}<li>{{ u.name }} ({{ 'instructor' if 'Instructor' in u.roles[0] else 'learner' }})</li>{% endfor %}</ul>
</main></body></html>"""
