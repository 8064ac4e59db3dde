"""LTI launch throughput and latency: DigiReady's tool vs a minimal pylti1p3next tool.

A complete launch = OIDC login initiation (GET, 302 with state and nonce) + the id_token POST
(every check) + the first page. The baseline is the minimal tool people actually run
(``benchmarks.minimal_pylti1p3_tool:create_app``): pylti1p3next with its launch data and
nonces in a server-side Flask-Caching cache (Redis: a private redis-server on a Unix socket,
started here, its CPU counted with the tool's), the launch answered with its page directly.
``--cookie-baseline`` adds the earlier, heavier baseline (everything in Flask's cookie
session, then a redirect to a second page the client follows) as another column.

DigiReady answers the id_token POST with the learner's diagnostic page itself (see
``lti_tool.launch.landing``) and, per launch, stores the nonce (before the page), the launch
and (at a learner's first launch) the learner, and records the launch's events, all in the
launch's own transaction, on SQLite (what ``make run`` uses) or PostgreSQL
(``--database-url``). Every launch is checked: the client checks each page, and afterwards
the database must hold exactly one launch row and one "launched" event per acknowledged
DigiReady launch.

All tools run under gunicorn on loopback with the same settings (2 workers; ``gthread`` × 4
threads and/or ``sync``: ``--worker-class gthread,sync``) with the same client (a fresh
``requests`` session per launch, which signs each id_token with RS256 after the login step,
as a platform does, and asks for compressed pages as a browser does). Levels run at
concurrency 1, 10 and 50, the tools alternating within each round so that drifting load from
other work hits both; each cell is the median of ``--runs`` rounds. Each cell also reports the
server CPU per launch: the tool's gunicorn processes, plus the baseline's redis-server or
DigiReady's PostgreSQL backends (read from /proc), which other work on the machine disturbs
far less than throughput; the store's part (backends, Redis) is shown on its own.

The levels run in order (1, then 10, then 50) on freshly started workers, so by default the
first level also carries each learner's first launch (DigiReady creates the learner) and
each worker's first sighting of a returning learner (DigiReady's workers remember the learners
they launched, ``digiready.learners.RecentLearners``, and read the others first).
``--returning`` measures a server's steady state instead, as for a course whose learners come
back: before the rounds, every user launches through each tool :data:`RETURNING_PASSES` times,
10 at a time (the same launches for both tools, counted by the final check).

Also measures the learner question page's weight (gzip, everything it loads).

    .venv/bin/python benchmarks/lti_launch.py [--seconds 6] [--concurrency 1,10,50] [--runs 3]
        [--worker-class gthread,sync] [--database-url URL] [--cookie-baseline] [--returning]

Ends with the verdict on the target (>= 1.0x the baseline's rate in every cell) and the cells'
server CPU per launch, baseline / DigiReady (the same comparison, far less disturbed by other
work on the machine).

Writes benchmarks/results/lti_launch.json (``lti_launch_postgresql.json`` with
``--database-url``; ``_returning`` before ``.json`` with ``--returning``) and prints the
figures.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from tests.lti_tool.htmlform import landed_url  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "lti_launch.json"
CLIENT_ID = "bench-client"
DEPLOYMENT = "bench-deployment"
WORKER_CLASSES = {
    "gthread": ["--workers", "2", "--threads", "4", "--worker-class", "gthread"],
    "sync": ["--workers", "2", "--worker-class", "sync"],
}
WARM_UP = 20
# --returning: each user launches this many times, 10 at a time, before the measured rounds,
# so that each of a tool's 2 workers has most likely served each user (all but 3 %).
RETURNING_PASSES = 5
GUNICORN_COMMON = ["--log-level", "warning", "--timeout", "60"]


def app_without_events():
    """The tool with learning events switched off: ``--no-events`` measures their share."""
    import lti_tool.events
    from lti_tool.app import create_app

    lti_tool.events.launched = lambda *args, **kwargs: None
    return create_app()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_jwks(document: dict) -> tuple[ThreadingHTTPServer, str]:
    body = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def wait_up(url: str, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not start")


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its living children: the
    gunicorn master and its workers. Unlike throughput, this hardly moves when other work
    shares the machine, so it shows what a launch costs the server."""
    total, todo = 0.0, [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def pg_backend_pids(database_url: str | None) -> list[int]:
    """The PostgreSQL backends serving ``database_url``'s database (the tool's pooled
    connections), when the server runs on this machine; [] otherwise."""
    if not database_url or not database_url.startswith("postgresql"):
        return []
    import psycopg

    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        return [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")]


def pg_backend_cpu(database_url: str | None) -> float | None:
    """CPU seconds used so far by the PostgreSQL backends of ``database_url`` (None: not
    PostgreSQL). A backend that exits between two readings takes its CPU with it; the
    tool's pool keeps its connections, so that is rare."""
    if not database_url or not database_url.startswith("postgresql"):
        return None
    return sum(process_tree_cpu(pid) for pid in pg_backend_pids(database_url))


class Launcher:
    def __init__(self, name: str, base: str, login: str, launch: str, issuer: str, key: RSAKey,
                 expect: str, server_cpu=None, store_cpu=None) -> None:
        self.name, self.base, self.issuer, self.key, self.expect = name, base, issuer, key, expect
        self.login_url, self.launch_url = base + login, base + launch
        # () -> CPU seconds used so far by everything serving this tool (None: not measured)
        self.server_cpu = server_cpu or (lambda: None)
        # () -> the part of it used by the tool's store (PostgreSQL backends, Redis)
        self.store_cpu = store_cpu or (lambda: None)

    def session(self) -> requests.Session:
        """A fresh browser per launch: no cookies carried over (pylti1p3 sets a state cookie
        per login, which would pile up), a new connection as a new visitor makes."""
        return requests.Session()

    def claims(self, nonce: str, user: str) -> dict:
        now = int(time.time())
        lti = "https://purl.imsglobal.org/spec/lti/claim/"
        return {
            "iss": self.issuer, "aud": CLIENT_ID, "azp": CLIENT_ID, "sub": user, "name": "Bench",
            "iat": now, "exp": now + 300, "nonce": nonce,
            lti + "deployment_id": DEPLOYMENT, lti + "version": "1.3.0",
            lti + "message_type": "LtiResourceLinkRequest", lti + "target_link_uri": self.launch_url,
            lti + "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            lti + "resource_link": {"id": "bench-link"},
            lti + "context": {"id": "bench-course"},
        }

    def launch(self, user: str) -> float:
        start = time.perf_counter()
        s = self.session()
        r = s.get(self.login_url, allow_redirects=False, timeout=30, params={
            "iss": self.issuer, "login_hint": user, "target_link_uri": self.launch_url,
            "lti_message_hint": "m", "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT})
        if r.status_code != 302:
            raise RuntimeError(f"{self.name} login {r.status_code}: {r.text[:200]}")
        query = parse_qs(urlsplit(r.headers["Location"]).query)
        token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, self.claims(query["nonce"][0], user),
                           self.key)
        r = s.post(self.launch_url, data={"id_token": token, "state": query["state"][0]}, timeout=30)
        s.close()
        if r.status_code != 200 or self.expect not in r.text:
            found = re.search(r"<code>([^<]+)</code>.*?<p>([^<]+)</p>", r.text, re.S)
            raise RuntimeError(f"{self.name} launch {r.status_code}: "
                               f"{found.groups() if found else r.text[:300]}")
        return time.perf_counter() - start


def run_level(launcher: Launcher, concurrency: int, seconds: float, users: list[str]) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def worker() -> None:
        while time.perf_counter() < stop:
            user = users[next(counter) % len(users)]
            try:
                took = launcher.launch(user)
                with lock:
                    latencies.append(took)
            except Exception as exc:  # noqa: BLE001 - count and report, keep measuring
                with lock:
                    errors.append(str(exc)[:200])

    server_before = launcher.server_cpu()
    store_before = launcher.store_cpu()
    client_before = time.process_time()
    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    elapsed = time.perf_counter() - began
    client_cpu = time.process_time() - client_before
    server_after = launcher.server_cpu()
    server_cpu = server_after - server_before if server_before is not None else None
    store_after = launcher.store_cpu()
    store_cpu = store_after - store_before if store_before is not None else None
    latencies.sort()

    def pct(p: float) -> float | None:
        if not latencies:
            return None
        return round(1000 * latencies[min(len(latencies) - 1, int(p * len(latencies)))], 1)

    return {"concurrency": concurrency, "launches": len(latencies), "errors": len(errors),
            "first_error": errors[0] if errors else None,
            "launches_per_second": round(len(latencies) / elapsed, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95),
            "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
            # CPU per complete launch: the tool's gunicorn processes, and this load generator
            # (requests + RS256 signing; one Python process, so at most one core).
            "server_cpu_ms_per_launch": (round(1000 * server_cpu / len(latencies), 2)
                                         if latencies and server_cpu is not None else None),
            # ... of which the store's processes (DigiReady's PostgreSQL backends, the
            # baseline's redis-server): the rest is the tool's gunicorn processes.
            "store_cpu_ms_per_launch": (round(1000 * store_cpu / len(latencies), 2)
                                        if latencies and store_cpu is not None else None),
            "client_cpu_ms_per_launch": (round(1000 * client_cpu / len(latencies), 2)
                                         if latencies else None)}


def median_of(rounds: list[dict]) -> dict:
    """Each figure's median over the rounds (the rounds themselves are kept too)."""
    if len(rounds) == 1:
        return rounds[0]
    out = {"concurrency": rounds[0]["concurrency"],
           "launches": sum(r["launches"] for r in rounds),
           "errors": sum(r["errors"] for r in rounds),
           "first_error": next((r["first_error"] for r in rounds if r["first_error"]), None)}
    for key in ("launches_per_second", "p50_ms", "p95_ms", "mean_ms", "server_cpu_ms_per_launch",
                "store_cpu_ms_per_launch", "client_cpu_ms_per_launch"):
        values = [r[key] for r in rounds if r[key] is not None]
        out[key] = round(statistics.median(values), 2) if values else None
    out["rounds"] = rounds
    return out


def page_weight(base: str, launcher: Launcher) -> dict:
    s = requests.Session()
    r = s.get(launcher.login_url, allow_redirects=False, params={
        "iss": launcher.issuer, "login_hint": "weight-user", "target_link_uri": launcher.launch_url,
        "client_id": CLIENT_ID})
    q = parse_qs(urlsplit(r.headers["Location"]).query)
    token = jwt.encode({"alg": "RS256", "kid": launcher.key.kid},
                       launcher.claims(q["nonce"][0], "weight-user"), launcher.key)
    page = s.post(launcher.launch_url, data={"id_token": token, "state": q["state"][0]})
    html = page.content
    assets = re.findall(r'(?:href|src)="(/lti-static/[^"]+)"', page.text)
    sizes = {"html": len(gzip.compress(html))}
    for asset in assets:
        sizes[asset] = len(gzip.compress(s.get(base + asset).content))
    # The page answered by the launch names its own URL (what the address bar then shows).
    shown = landed_url(page.text, page.url) or page.url
    return {"page": urlsplit(shown).path, "gzip_bytes": sizes,
            "total_gzip_bytes": sum(sizes.values())}


def start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    """A private redis-server on a Unix socket (no port to collide with, its CPU is ours to
    count) for the baseline's cache."""
    sock = work / "redis.sock"
    proc = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", str(sock),
                             "--save", "", "--appendonly", "no", "--dir", str(work)],
                            stdout=subprocess.DEVNULL)
    end = time.time() + 10
    while not sock.exists():
        if time.time() > end or proc.poll() is not None:
            raise SystemExit("redis-server did not start (Debian: apt-get install redis-server)")
        time.sleep(0.05)
    return proc, f"unix://{sock}"


def stored_launches(env: dict) -> tuple[int, int]:
    """(launch rows, "launched" events) in DigiReady's database."""
    code = ("from sqlalchemy import text\n"
            "from digiready.storage import session_scope\n"
            "with session_scope() as s:\n"
            "    print(s.scalar(text('SELECT count(*) FROM lti_launch')),"
            " s.scalar(text(\"SELECT count(*) FROM events_event WHERE kind = 'launched'\")))")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1])


def gunicorn(port: int, worker_class: str, target: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                             *WORKER_CLASSES[worker_class], *GUNICORN_COMMON, target],
                            env=env, cwd=ROOT)


def returning_warm_up(launcher: Launcher, users: list[str]) -> int:
    """``--returning``: every user launches :data:`RETURNING_PASSES` times, 10 at a time,
    before the measured rounds (the same for every tool); returns the launches made."""
    todo = [user for _ in range(RETURNING_PASSES) for user in users]
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(launcher.launch, todo))  # a failed launch raises: nothing to measure
    return len(todo)


def run_worker_class(worker_class: str, args, env: dict, issuer: str, key: RSAKey,
                     levels: list[int], users: list[str]) -> dict:
    """Every level with every tool under one gunicorn worker class."""
    ports = {name: free_port() for name in ("digiready", "minimal", "cookie", "bare")}
    procs = {"digiready": gunicorn(ports["digiready"], worker_class,
                                   "lti_tool.app:create_app()", env),
             "minimal": gunicorn(ports["minimal"], worker_class,
                                 "benchmarks.minimal_pylti1p3_tool:create_app()", env)}
    if args.cookie_baseline:
        procs["cookie"] = gunicorn(ports["cookie"], worker_class,
                                   "benchmarks.minimal_pylti1p3_tool:create_cookie_app()", env)
    if args.no_events:
        procs["bare"] = gunicorn(ports["bare"], worker_class,
                                 "benchmarks.lti_launch:app_without_events()", env)
    redis_pid = env["BENCH_REDIS_PID"]
    try:
        base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        wait_up(base["digiready"] + "/healthz")
        wait_up(base["minimal"] + "/page")
        ours_cpu = (lambda: process_tree_cpu(procs["digiready"].pid)
                    + (pg_backend_cpu(args.database_url) or 0.0))
        tools = [
            Launcher("digiready", base["digiready"], "/lti/login", "/lti/launch", issuer, key,
                     "Step 1 of", ours_cpu, lambda: pg_backend_cpu(args.database_url)),
            Launcher("minimal_pylti1p3next", base["minimal"], "/login", "/launch", issuer, key,
                     "Welcome", lambda: process_tree_cpu(procs["minimal"].pid)
                     + process_tree_cpu(int(redis_pid)),
                     lambda: process_tree_cpu(int(redis_pid))),
        ]
        if args.cookie_baseline:
            wait_up(base["cookie"] + "/page")
            tools.append(Launcher("minimal_cookie_session", base["cookie"], "/login", "/launch",
                                  issuer, key, "Welcome",
                                  lambda: process_tree_cpu(procs["cookie"].pid)))
        if args.no_events:
            wait_up(base["bare"] + "/healthz")
            tools.append(Launcher("digiready_no_events", base["bare"], "/lti/login",
                                  "/lti/launch", issuer, key, "Step 1 of",
                                  lambda: process_tree_cpu(procs["bare"].pid)
                                  + (pg_backend_cpu(args.database_url) or 0.0)))
        # Warm up: every worker loads its pack, key caches and connection pools (20 launches
        # per tool, counted by the check in main()).
        for tool in tools:
            for n in range(WARM_UP):
                tool.launch(users[n])
        out = {"gunicorn": " ".join(WORKER_CLASSES[worker_class] + GUNICORN_COMMON),
               "returning_warm_up": {tool.name: returning_warm_up(tool, users)
                                     if args.returning else 0 for tool in tools}}
        out.update(load_average_1min_start=round(os.getloadavg()[0], 2), levels=[])
        for level in levels:
            row: dict = {"concurrency": level}
            rounds: dict[str, list[dict]] = {tool.name: [] for tool in tools}
            for n in range(args.runs):
                # Alternate the order so that drifting load from other work hits both tools.
                for tool in (tools if n % 2 == 0 else tools[::-1]):
                    rounds[tool.name].append(run_level(tool, level, args.seconds, users))
            for tool in tools:
                row[tool.name] = median_of(rounds[tool.name])
            base_rate = row["minimal_pylti1p3next"]["launches_per_second"]
            row["ratio_to_minimal"] = (round(row["digiready"]["launches_per_second"] / base_rate, 2)
                                       if base_rate else None)
            out["levels"].append(row)
        out["load_average_1min_end"] = round(os.getloadavg()[0], 2)
        out["page_weight"] = page_weight(base["digiready"], tools[0])
        return out
    finally:
        for p in procs.values():
            p.terminate()
        for p in procs.values():
            p.wait(20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", default="1,10,50")
    parser.add_argument("--database-url", default=None,
                        help="an empty database for DigiReady (default: a fresh SQLite file); "
                             "e.g. postgresql+psycopg://postgres@127.0.0.1/bench")
    parser.add_argument("--runs", type=int, default=3,
                        help="rounds per level, tools alternating; the figures are medians")
    parser.add_argument("--worker-class", default="gthread",
                        help="gunicorn worker classes to measure, comma-separated: gthread, sync")
    parser.add_argument("--cookie-baseline", action="store_true",
                        help="also measure the earlier baseline (cookie session + redirect)")
    parser.add_argument("--no-events", action="store_true",
                        help="also measure DigiReady with learning events switched off")
    parser.add_argument("--returning", action="store_true",
                        help="steady state: every user launches through each tool several "
                             "times before the measured rounds (see the module docstring)")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    classes = [c.strip() for c in args.worker_class.split(",") if c.strip()]
    unknown = set(classes) - set(WORKER_CLASSES)
    if unknown:
        parser.error(f"unknown worker class(es) {', '.join(sorted(unknown))}")

    key = RSAKey.generate_key(2048, auto_kid=True)
    jwks = {"keys": [dict(key.as_dict(private=False), alg="RS256", use="sig")]}
    jwks_server, issuer = serve_jwks(jwks)
    work = Path(tempfile.mkdtemp(prefix="lti-bench-"))
    redis_proc, redis_url = start_redis(work)
    env = dict(os.environ, DIGIREADY_VAR_DIR=str(work), BENCH_ISSUER=issuer,
               BENCH_CLIENT_ID=CLIENT_ID, BENCH_DEPLOYMENT_ID=DEPLOYMENT,
               BENCH_JWKS_JSON=json.dumps(jwks), BENCH_REDIS_URL=redis_url,
               BENCH_REDIS_PID=str(redis_proc.pid), PYTHONPATH=str(ROOT))
    for name in ("DIGIREADY_DATABASE_URL", "DIGIREADY_REDIS_URL", "DIGIREADY_LTI_PACK",
                 "DIGIREADY_CONTENT_DIR", "DIGIREADY_LRS_URL"):
        env.pop(name, None)
    if args.database_url:
        env["DIGIREADY_DATABASE_URL"] = args.database_url
    subprocess.run([sys.executable, "-m", "digiready.cli.main", "db", "upgrade"], env=env,
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "digiready.cli.main", "lti", "platform", "add",
                    "--issuer", issuer, "--client-id", CLIENT_ID, "--deployment-id", DEPLOYMENT,
                    "--auth-login-url", issuer + "/auth", "--token-url", issuer + "/token",
                    "--jwks-url", issuer + "/jwks"], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    users = [f"user-{uuid.uuid4().hex[:8]}" for _ in range(500)]
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                           # Other work on the machine: the 1-minute load at the start.
                           "load_average_1min": round(os.getloadavg()[0], 2)},
               "seconds_per_level": args.seconds, "runs": args.runs,
               "returning": args.returning,
               "database": (args.database_url.split("://")[0] if args.database_url
                            else "SQLite (WAL)"),
               "baseline": "pylti1p3next + Flask-Caching (Redis), page in the launch response",
               "worker_classes": {}}
    try:
        for worker_class in classes:
            results["worker_classes"][worker_class] = run_worker_class(
                worker_class, args, env, issuer, key, levels, users)
    finally:
        redis_proc.terminate()
        redis_proc.wait(10)
        jwks_server.shutdown()
    # Every acknowledged DigiReady launch stored once, with one "launched" event (warm-up and
    # page-weight launches included; the no-events variant stores launches but no events).
    acknowledged = sum(
        sum(row["digiready"]["launches"] for row in wc["levels"]) + WARM_UP + 1
        + wc["returning_warm_up"]["digiready"] for wc in results["worker_classes"].values())
    bare = sum(sum(row["digiready_no_events"]["launches"] for row in wc["levels"]) + WARM_UP
               + wc["returning_warm_up"]["digiready_no_events"]
               for wc in results["worker_classes"].values()) if args.no_events else 0
    rows, launched = stored_launches(env)
    results["checked"] = {"acknowledged_launches": acknowledged + bare, "launch_rows": rows,
                          "launched_events": launched}
    if rows != acknowledged + bare or launched != acknowledged:
        print(f"CHECK FAILED: {acknowledged + bare} launches acknowledged, {rows} stored, "
              f"{launched} launched events", file=sys.stderr)
    results["target"] = target_verdict(results)
    out = RESULTS if not args.database_url else RESULTS.with_name("lti_launch_postgresql.json")
    if args.returning:
        out = out.with_name(out.stem + "_returning.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print_results(results, args)
    print(f"wrote {out.relative_to(ROOT)}")
    return 0 if rows == acknowledged + bare and launched == acknowledged else 1


def target_verdict(results: dict) -> dict:
    """Issue 20's target: DigiReady at >= 1.0x the fair baseline's rate in every cell (each
    the median of the interleaved rounds). Also the cells' CPU per launch, which other work
    on the machine disturbs far less than throughput: baseline / DigiReady, >= 1.0 when
    DigiReady's complete launch costs no more server CPU."""
    cells = []
    for name, wc in results["worker_classes"].items():
        for row in wc["levels"]:
            ours, theirs = row["digiready"], row["minimal_pylti1p3next"]
            cpu = (round(theirs["server_cpu_ms_per_launch"] / ours["server_cpu_ms_per_launch"], 2)
                   if ours["server_cpu_ms_per_launch"] and theirs["server_cpu_ms_per_launch"]
                   else None)
            cells.append({"worker_class": name, "concurrency": row["concurrency"],
                          "ratio": row["ratio_to_minimal"], "cpu_ratio": cpu})
    ratios = [c["ratio"] for c in cells if c["ratio"] is not None]
    lowest = min(cells, key=lambda c: c["ratio"] if c["ratio"] is not None else 0.0)
    return {"met": bool(ratios) and len(ratios) == len(cells) and min(ratios) >= 1.0,
            "lowest": lowest, "cells": cells}


def print_results(results: dict, args) -> None:
    print(f"complete launches (login + launch validation + first page), {args.seconds:g} s per "
          f"level, median of {args.runs} interleaved rounds, {os.cpu_count()} CPUs, "
          f"{results['database']}"
          f"{'; every user launched before (--returning)' if results['returning'] else ''}"
          f"; server CPU includes the baseline's redis-server and "
          f"DigiReady's PostgreSQL backends")
    for wc in results["worker_classes"].values():
        print(f"gunicorn {wc['gunicorn']} (load average {wc['load_average_1min_start']} -> "
              f"{wc['load_average_1min_end']})")
        print(f"{'concurrency':>11}  {'tool':<24}{'launches/s':>11}{'ratio':>7}{'p50 ms':>9}"
              f"{'p95 ms':>9}{'errors':>8}{'server CPU ms':>15}{'of it store':>13}"
              f"{'client CPU ms':>15}")
        for row in wc["levels"]:
            for tool, r in row.items():
                if not isinstance(r, dict):
                    continue
                ratio = (round(r["launches_per_second"]
                               / row["minimal_pylti1p3next"]["launches_per_second"], 2)
                         if row["minimal_pylti1p3next"]["launches_per_second"] else "-")
                print(f"{row['concurrency']:>11}  {tool:<24}{r['launches_per_second']:>11}"
                      f"{ratio:>7}{r['p50_ms'] or '-':>9}{r['p95_ms'] or '-':>9}{r['errors']:>8}"
                      f"{r['server_cpu_ms_per_launch'] or '-':>15}"
                      f"{r.get('store_cpu_ms_per_launch') or '-':>13}"
                      f"{r['client_cpu_ms_per_launch'] or '-':>15}")
        weight = wc["page_weight"]
        print(f"learner question page ({weight['page']}): {weight['total_gzip_bytes']} bytes gzip "
              f"including everything it loads ({weight['gzip_bytes']})")
    verdict = results["target"]
    lowest = verdict["lowest"]
    cpu = [c["cpu_ratio"] for c in verdict["cells"] if c["cpu_ratio"] is not None]
    print(f"target >= 1.0x in every cell: {'met' if verdict['met'] else 'NOT met'} (lowest "
          f"{lowest['ratio']}x: {lowest['worker_class']}, concurrency {lowest['concurrency']}); "
          f"server CPU per launch, baseline / DigiReady: "
          + (f"{min(cpu)}-{max(cpu)}" if cpu else "-"))
    checked = results["checked"]
    print(f"checked: {checked['acknowledged_launches']} DigiReady launches acknowledged, "
          f"{checked['launch_rows']} launch rows, {checked['launched_events']} launched events")


if __name__ == "__main__":
    sys.exit(main())
