"""Load clients for a deployed stack (nginx in front, several instances): LTI learners who
launch from a real platform peer and answer the diagnostic, and symposium registrants.

Shared by ``tests/deployment/test_scale_out.py`` (which checks afterwards that everything
acknowledged was stored exactly once) and ``benchmarks/scale_out.py`` (which counts per
second). Every client records what the server *acknowledged* (a 2xx/3xx answer) in a
:class:`Ledger`; a refused connection, a 5xx or a timeout is recorded as an error and the
client carries on as a person would: press again, or start over.
"""
from __future__ import annotations

import itertools
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from lti_tool.demo.platform import ROLE_LEARNER, PeerPlatform, User  # noqa: E402
from tests.lti_tool.htmlform import first_form, landed_url  # noqa: E402

FIXTURE_PACK = REPO / "tests" / "digiready" / "fixtures" / "pack"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
REGISTRATION = {"full_name": "Load Tester", "organisation": "Cooperativa de Prueba",
                "economy": "PE", "sector": "cooperative", "timezone": "America/Lima",
                "language": "en", "role": "Tester", "consent_privacy": "y",
                "consent_directory": "y", "interests": "ecommerce"}
TIMEOUT = 20


@dataclass
class Ledger:
    """What the servers acknowledged, and what went wrong, across all client threads."""

    launches: dict[str, str] = field(default_factory=dict)  # launch id -> user
    answers: dict[str, set[str]] = field(default_factory=dict)  # user -> acknowledged fields
    submissions: int = 0  # acknowledged diagnostic step submissions
    completed: set[str] = field(default_factory=set)  # users whose last step was acknowledged
    replays_refused: int = 0
    replays_accepted: list[str] = field(default_factory=list)  # must stay empty
    registrations: set[str] = field(default_factory=set)  # acknowledged emails
    registrations_tried: int = 0
    errors: Counter = field(default_factory=Counter)  # "what: status" -> count
    error_times: list[float] = field(default_factory=list)
    ok_times: list[float] = field(default_factory=list)  # one per acknowledged request

    def __post_init__(self) -> None:
        self.lock = threading.Lock()

    def ok(self) -> None:
        with self.lock:
            self.ok_times.append(time.monotonic())

    def error(self, what: str, detail: object) -> None:
        with self.lock:
            self.errors[f"{what}: {detail}"] += 1
            self.error_times.append(time.monotonic())

    def acknowledged(self, since: float = 0.0, until: float = float("inf")) -> int:
        return sum(1 for t in self.ok_times if since <= t < until)

    def failed(self, since: float = 0.0, until: float = float("inf")) -> int:
        return sum(1 for t in self.error_times if since <= t < until)


class PlatformPeer:
    """The demo LMS (``lti1p3platform``) on a loopback port, registered with the tool."""

    def __init__(self, tool_url: str) -> None:
        self._late = None
        self.server = make_server("127.0.0.1", 0, self._dispatch, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.platform = PeerPlatform(base_url=self.url, tool_base_url=tool_url)
        self._late = self.platform.app()
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def _dispatch(self, environ, start_response):
        return self._late(environ, start_response)

    def register_with_tool(self, env: dict) -> None:
        """``digiready lti platform add``, as an admin does, into the stack's database."""
        args = self.platform.registration_args()
        subprocess.run(
            [sys.executable, "-m", "digiready.cli.main", "lti", "platform", "add",
             "--issuer", args["issuer"], "--client-id", args["client_id"],
             "--deployment-id", args["deployment_ids"][0],
             "--auth-login-url", args["auth_login_url"], "--token-url", args["token_url"],
             "--jwks-url", args["jwks_url"]],
            env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL)

    def add_learner(self, user_id: str) -> None:
        self.platform.users[user_id] = User(user_id, "Load Learner", [ROLE_LEARNER])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class LtiLearner:
    """One learner: launch from the LMS through nginx, then answer every step."""

    def __init__(self, peer: PlatformPeer, ledger: Ledger, verify: str | bool,
                 replay_every: int = 4) -> None:
        self.peer, self.ledger, self.verify, self.replay_every = peer, ledger, verify, replay_every
        self._count = itertools.count()

    def launch(self, user: str) -> tuple[requests.Session, str] | None:
        """The launch's diagnostic page URL, or None when the launch was not acknowledged."""
        b = requests.Session()
        b.verify = self.verify
        b.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment wins over verify
        try:
            page = b.get(self.peer.url + "/launch", params={"user": user}, timeout=TIMEOUT)
            if page.status_code != 200:
                self.ledger.error("login", page.status_code)
                return None
            self.ledger.ok()
            form = first_form(page.text, page.url)
            answer = b.post(form.action, data=form.hidden, allow_redirects=False, timeout=TIMEOUT)
        except (requests.RequestException, AssertionError) as exc:
            self.ledger.error("launch", type(exc).__name__)
            return None
        landed = landed_url(answer.text, answer.url) if answer.status_code == 200 else None
        if landed:  # the diagnostic page itself, carrying its own URL
            location = landed
        elif answer.status_code in (302, 303):
            location = requests.compat.urljoin(answer.url, answer.headers["Location"])
        else:
            self.ledger.error("launch", answer.status_code)
            return None
        launch_id = parse_qs(urlsplit(location).query)["launch"][0]
        with self.ledger.lock:
            self.ledger.launches[launch_id] = user
        self.ledger.ok()
        if next(self._count) % self.replay_every == 0:
            self._replay(form)
        return b, location

    def _replay(self, form) -> None:
        """The same id_token again (an attacker, or a double-posted form): must be refused,
        whichever instance nginx picks."""
        try:
            again = requests.post(form.action, data=form.hidden, allow_redirects=False,
                                  timeout=TIMEOUT, verify=self.verify)
        except requests.RequestException as exc:
            self.ledger.error("replay", type(exc).__name__)
            return
        with self.ledger.lock:
            if again.status_code == 400 and "nonce" in again.text:
                self.ledger.replays_refused += 1
            elif again.status_code < 400:
                self.ledger.replays_accepted.append(form.hidden.get("state", "")[:16])
            else:
                self.ledger.errors[f"replay: {again.status_code}"] += 1

    def take_diagnostic(self, b: requests.Session, url: str, user: str,
                        max_steps: int = 30) -> None:
        page = self._get(b, url)
        for _ in range(max_steps):
            if page is None:
                return
            try:
                form = first_form(page.text, page.url)
            except AssertionError:
                self.ledger.error("page", "no form")
                return
            data = form.first_choices() + [("action", "next")]
            fields = {name[2:] for name in [*form.radios, *form.checkboxes]
                      if name[:2] in ("q-", "p-")}
            sent = None
            for _attempt in range(3):  # a person presses again when a page fails
                try:
                    sent = b.post(form.action, data=data, allow_redirects=False, timeout=TIMEOUT)
                except requests.RequestException as exc:
                    self.ledger.error("answer", type(exc).__name__)
                    continue
                if sent.status_code < 500:
                    break
                self.ledger.error("answer", sent.status_code)
            if sent is None or sent.status_code not in (200, 302, 303):
                if sent is not None and sent.status_code < 500:
                    self.ledger.error("answer", sent.status_code)
                return
            # 303: saved, on to the next step; 200: saved, and the answers opened follow-up
            # questions on the same step (the page comes back with them).
            with self.ledger.lock:
                self.ledger.answers.setdefault(user, set()).update(fields)
                self.ledger.submissions += 1
            self.ledger.ok()
            if sent.status_code == 200:
                page = sent
                continue
            url = requests.compat.urljoin(sent.url, sent.headers["Location"])
            if "/learn/results" in url:
                with self.ledger.lock:
                    self.ledger.completed.add(user)
                return
            page = self._get(b, url)

    def _get(self, b: requests.Session, url: str):
        for _attempt in range(3):
            try:
                page = b.get(url, timeout=TIMEOUT)
            except requests.RequestException as exc:
                self.ledger.error("page", type(exc).__name__)
                continue
            if page.status_code == 200:
                self.ledger.ok()
                return page
            self.ledger.error("page", page.status_code)
        return None

    def run(self, user: str) -> None:
        self.peer.add_learner(user)
        launched = self.launch(user)
        if launched is not None:
            self.take_diagnostic(*launched, user=user)


class Registrant:
    """One symposium registration through nginx: load the form, send it once."""

    def __init__(self, portal_url: str, ledger: Ledger, verify: str | bool) -> None:
        self.url, self.ledger, self.verify = portal_url, ledger, verify

    def run(self, email: str) -> None:
        b = requests.Session()
        b.verify = self.verify
        b.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment wins over verify
        try:
            form = b.get(self.url + "/register", timeout=TIMEOUT)
            token = CSRF.search(form.text) if form.status_code == 200 else None
            if token is None:
                self.ledger.error("register form", form.status_code)
                return
            self.ledger.ok()
            with self.ledger.lock:
                self.ledger.registrations_tried += 1
            # Over HTTPS, Flask-WTF also checks the Referer, as a browser sends it.
            sent = b.post(self.url + "/register", allow_redirects=False, timeout=TIMEOUT,
                          headers={"Referer": self.url + "/register"},
                          data={**REGISTRATION, "email": email, "csrf_token": token.group(1)})
        except requests.RequestException as exc:
            self.ledger.error("register", type(exc).__name__)
            return
        if sent.status_code == 303:
            with self.ledger.lock:
                self.ledger.registrations.add(email)
            self.ledger.ok()
        else:
            self.ledger.error("register", sent.status_code)


def run_mixed(learner: LtiLearner, registrant: Registrant, *, seconds: float,
              learner_threads: int, registrant_threads: int, tag: str,
              during: list[tuple[float, object]] | None = None) -> float:
    """Learners and registrants in parallel threads until ``seconds`` pass; ``during`` holds
    (seconds after start, callable) pairs run from the calling thread (e.g. kill an instance).
    Returns the monotonic start time."""
    start = time.monotonic()
    stop = start + seconds
    ids = itertools.count()

    def learners() -> None:
        while time.monotonic() < stop:
            learner.run(f"{tag}-learner-{next(ids)}")

    def registrants() -> None:
        while time.monotonic() < stop:
            registrant.run(f"{tag}-{next(ids)}@load.example.org")

    threads = ([threading.Thread(target=learners) for _ in range(learner_threads)]
               + [threading.Thread(target=registrants) for _ in range(registrant_threads)])
    for t in threads:
        t.start()
    for at, action in sorted(during or [], key=lambda x: x[0]):
        time.sleep(max(0.0, start + at - time.monotonic()))
        action()
    for t in threads:
        t.join()
    return start
