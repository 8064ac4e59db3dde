"""CPU per LTI launch, in-process: login and id_token POST through the tool's WSGI app.

Throughput on this shared 2-core machine moves with everyone else's work; CPU time per
launch in one process hardly does, so this is the figure to optimise against (and
``benchmarks/lti_launch.py`` confirms it over HTTP). Both tools get the same requests
through werkzeug's test client (no sockets): DigiReady's complete launch (login + id_token
POST answered with the first question page) and the minimal pylti1p3next tool of
``benchmarks/minimal_pylti1p3_tool.py`` (its fair, cache-backed variant).

    .venv/bin/python benchmarks/lti_launch_profile.py [--launches 400] [--database-url URL]
        [--profile cprofile|pyinstrument] [--returning]

``--returning``: each user launches before the measured launches (a returning learner, no
"registered" event); default: every launch is a new learner, as in the HTTP benchmark
(500 users, most launches after the first round are returning ones: see that script).
PostgreSQL's own CPU (the backend serving the tool's connection) is read from /proc and
reported separately when the database is local.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.lti_launch import (  # noqa: E402
    CLIENT_ID,
    DEPLOYMENT,
    Launcher,
    pg_backend_cpu,
    process_tree_cpu,
    start_redis,
)

ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # requests' default here (urllib3 2 with brotli)


def _setup(database_url: str | None) -> tuple[Launcher, object]:
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, auto_kid=True)
    jwks = {"keys": [dict(key.as_dict(private=False), alg="RS256", use="sig")]}
    work = Path(tempfile.mkdtemp(prefix="lti-profile-"))
    issuer = "https://platform.bench.example"
    os.environ.update(DIGIREADY_VAR_DIR=str(work), BENCH_ISSUER=issuer, BENCH_CLIENT_ID=CLIENT_ID,
                      BENCH_DEPLOYMENT_ID=DEPLOYMENT, BENCH_JWKS_JSON=json.dumps(jwks))
    os.environ.pop("DIGIREADY_REDIS_URL", None)
    if database_url:
        os.environ["DIGIREADY_DATABASE_URL"] = database_url
    else:
        os.environ.pop("DIGIREADY_DATABASE_URL", None)
    from digiready.storage import migrate, session_scope
    from digiready.storage.engine import database_url as current_url
    from lti_tool.registration import service

    migrate.upgrade(current_url())
    with session_scope() as s:
        service.add(s, service.PlatformInput(
            issuer=issuer, client_id=CLIENT_ID, deployment_ids=[DEPLOYMENT],
            auth_login_url=issuer + "/auth", token_url=issuer + "/token",
            jwks_url=issuer + "/jwks", economy=None, language=None, title="bench"))
        from datetime import datetime, timezone

        from sqlalchemy import update

        from lti_tool.models import Registration

        # The platform's key set as if fetched a moment ago (no HTTP peer in-process).
        s.execute(update(Registration).values(jwks=jwks, jwks_fetched_at=datetime.now(timezone.utc)))
    return Launcher("digiready", "http://localhost", "/lti/login", "/lti/launch", issuer, key,
                    "Step 1 of"), key


class InProcess:
    """A Launcher's steps on a WSGI app through werkzeug's test client."""

    def __init__(self, launcher: Launcher, app, login: str, launch: str, expect: str) -> None:
        from werkzeug.test import Client

        self.launcher, self.client, self.expect = launcher, Client(app), expect
        self.login_path, self.launch_path = login, launch
        self.launch_url = "http://localhost" + launch
        # What the HTTP benchmark's client (requests) and browsers ask for, on both steps:
        # the login's redirect is compressed too when its body is large enough.
        self.headers = {"Accept-Encoding": ACCEPT_ENCODING}

    def login(self, user: str) -> dict:
        r = self.client.get(self.login_path, query_string={
            "iss": self.launcher.issuer, "login_hint": user, "target_link_uri": self.launch_url,
            "lti_message_hint": "m", "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT},
            headers=self.headers)
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
        self.cookies = r.headers.getlist("Set-Cookie")
        return {k: v[0] for k, v in parse_qs(urlsplit(r.headers["Location"]).query).items()}

    def token(self, query: dict, user: str) -> str:
        from joserfc import jwt

        claims = self.launcher.claims(query["nonce"], user)
        claims["https://purl.imsglobal.org/spec/lti/claim/target_link_uri"] = self.launch_url
        return jwt.encode({"alg": "RS256", "kid": self.launcher.key.kid}, claims, self.launcher.key)

    def post(self, token: str, query: dict) -> None:
        r = self.client.post(self.launch_path, data={"id_token": token, "state": query["state"]},
                             headers=self.headers, follow_redirects=True)
        body = r.get_data()
        encoding = r.headers.get("Content-Encoding")
        if encoding == "gzip":
            import gzip

            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        elif encoding:
            raise AssertionError(f"unexpected Content-Encoding {encoding!r}")
        assert r.status_code == 200 and self.expect.encode() in body, body[:400]
        self.client._cookies.clear()  # a new browser per launch, as in the HTTP benchmark


def measure(tool: InProcess, users: list[str], launches: int, profile: str | None) -> dict:
    """CPU ms per login and per launch POST (the token is signed outside the timing)."""
    login_cpu = post_cpu = 0.0
    profiler = None
    if profile == "cprofile":
        import cProfile

        profiler = cProfile.Profile()
    elif profile == "pyinstrument":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
    for n in range(launches):
        user = users[n % len(users)]
        if profiler is not None:
            profiler.enable() if profile == "cprofile" else profiler.start()
        t0 = time.process_time()
        query = tool.login(user)
        login_cpu += time.process_time() - t0
        if profiler is not None:
            profiler.disable() if profile == "cprofile" else profiler.stop()
        token = tool.token(query, user)
        if profiler is not None:
            profiler.enable() if profile == "cprofile" else profiler.start()
        t0 = time.process_time()
        tool.post(token, query)
        post_cpu += time.process_time() - t0
        if profiler is not None:
            profiler.disable() if profile == "cprofile" else profiler.stop()
    if profile == "cprofile":
        import pstats

        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    elif profile == "pyinstrument":
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return {"login_ms": round(1000 * login_cpu / launches, 3),
            "launch_post_ms": round(1000 * post_cpu / launches, 3)}


def best_of(tool: InProcess, users: list[str], args, profile: str | None = "same") -> dict:
    """``--batches N``: the launches in N batches, and each figure's lowest batch. On a machine
    other work is loading, CPU time per launch still rises with cache and core contention;
    the quietest batch is the steadiest figure to compare changes with."""
    profile = args.profile if profile == "same" else profile
    if args.batches <= 1:
        return measure(tool, users, args.launches, profile)
    runs = [measure(tool, users, args.launches // args.batches, profile)
            for _ in range(args.batches)]
    return {key: min(run[key] for run in runs) for key in runs[0]}


def print_statements(tool: InProcess) -> None:
    """The statements one launch (login + POST) sends to the database, in order."""
    from sqlalchemy import event

    from digiready.storage.engine import database_url, get_engine

    sent: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many):
        sent.append(" ".join(statement.split())[:150])

    def begin(_conn):
        sent.append("BEGIN (implicit)")

    def commit(_conn):
        sent.append("COMMIT")

    bind = get_engine(database_url())
    event.listen(bind, "before_cursor_execute", record)
    event.listen(bind, "begin", begin)
    event.listen(bind, "commit", commit)
    event.listen(bind, "savepoint", lambda *a: sent.append("SAVEPOINT"))
    event.listen(bind, "release_savepoint", lambda *a: sent.append("RELEASE SAVEPOINT"))
    query = tool.login("statements-user")
    tool.post(tool.token(query, "statements-user"), query)
    for n, line in enumerate(sent, 1):
        print(f"{n:3} {line}")
    for name, fn in (("before_cursor_execute", record), ("begin", begin), ("commit", commit)):
        event.remove(bind, name, fn)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=400)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--batches", type=int, default=1,
                        help="split the launches in batches and report each figure's lowest")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", choices=["cprofile", "pyinstrument"], default=None)
    parser.add_argument("--tool", choices=["digiready", "minimal", "both"], default="both")
    parser.add_argument("--returning", action="store_true",
                        help="each user launches once before the measured launches")
    parser.add_argument("--statements", action="store_true",
                        help="print the SQL statements of one launch (after the warm-up)")
    args = parser.parse_args()
    launcher, _key = _setup(args.database_url)
    users = [f"user-{uuid.uuid4().hex[:8]}" for _ in range(args.users)]
    out = {}
    if args.tool in ("digiready", "both"):
        from lti_tool.app import create_app

        ours = InProcess(launcher, create_app(), "/lti/login", "/lti/launch", "Step 1 of")
        for n in range(20):  # warm: imports, pack, key cache, statement caches
            q = ours.login(f"warm-{n}")
            ours.post(ours.token(q, f"warm-{n}"), q)
        if args.returning:
            for user in users:
                q = ours.login(user)
                ours.post(ours.token(q, user), q)
        if args.statements:
            print_statements(ours)
        backend_before = pg_backend_cpu(args.database_url)
        out["digiready"] = best_of(ours, users, args)
        if backend_before is not None:
            out["digiready"]["postgresql_backend_ms"] = round(
                1000 * (pg_backend_cpu(args.database_url) - backend_before) / args.launches, 3)
    if args.tool in ("minimal", "both"):
        from benchmarks.minimal_pylti1p3_tool import create_app as minimal_app

        redis, os.environ["BENCH_REDIS_URL"] = start_redis(Path(os.environ["DIGIREADY_VAR_DIR"]))
        theirs = InProcess(launcher, minimal_app(), "/login", "/launch", "Welcome")
        for n in range(20):
            q = theirs.login(f"warm-{n}")
            theirs.post(theirs.token(q, f"warm-{n}"), q)
        for user in users if args.returning else ():
            q = theirs.login(user)
            theirs.post(theirs.token(q, user), q)
        redis_before = process_tree_cpu(redis.pid)
        out["minimal_pylti1p3next"] = best_of(theirs, users, args,
                                              args.profile if args.tool == "minimal" else None)
        out["minimal_pylti1p3next"]["redis_ms"] = round(
            1000 * (process_tree_cpu(redis.pid) - redis_before) / args.launches, 3)
        redis.terminate()
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
