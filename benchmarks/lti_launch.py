"""LTI launch throughput and latency: DigiReady's tool vs a minimal pylti1p3next tool.

A complete launch = OIDC login initiation (GET, 302 with state and nonce) + the id_token POST
(every check) + the first page. DigiReady answers the id_token POST with the learner's
diagnostic page itself (see ``lti_tool.launch.landing``: one round trip fewer on a slow
network); the minimal tool redirects to its page (the usual Post/Redirect/Get), so its client
makes one request more. Both tools run under gunicorn on loopback with the same
settings (2 workers x 4 threads, gthread) on this machine; the platform's JWKS is served by
this script. Launches run at concurrency 1, 10 and 50 for a few seconds each; the client signs
each id_token (RS256) after the login step, as a platform does. DigiReady runs on SQLite (what
``make run`` uses) and, per launch, stores the nonce, the launch and (at a learner's first
launch) the learner, and records the launch's events, all in the launch's own transaction;
the minimal tool keeps everything in its cookie. Each level also reports the
CPU per launch of the tool's gunicorn processes and of this load generator (from /proc), which
other work on the machine disturbs far less than throughput.

Also measures the learner question page's weight (gzip, everything it loads).

    .venv/bin/python benchmarks/lti_launch.py [--seconds 6] [--concurrency 1,10,50] [--runs 3]

Writes benchmarks/results/lti_launch.json (``lti_launch_postgresql.json`` with
``--database-url``) and prints the figures.
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
GUNICORN = ["--workers", "2", "--threads", "4", "--worker-class", "gthread",
            "--log-level", "warning", "--timeout", "60"]


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


class Launcher:
    def __init__(self, name: str, base: str, login: str, launch: str, issuer: str, key: RSAKey,
                 expect: str, server_pid: int | None = None) -> None:
        self.name, self.base, self.issuer, self.key, self.expect = name, base, issuer, key, expect
        self.login_url, self.launch_url = base + login, base + launch
        self.server_pid = server_pid

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

    server_before = process_tree_cpu(launcher.server_pid) if launcher.server_pid else None
    client_before = time.process_time()
    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    elapsed = time.perf_counter() - began
    client_cpu = time.process_time() - client_before
    server_cpu = (process_tree_cpu(launcher.server_pid) - server_before
                  if server_before is not None else None)
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
                "client_cpu_ms_per_launch"):
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", default="1,10,50")
    parser.add_argument("--database-url", default=None,
                        help="an empty database for DigiReady (default: a fresh SQLite file); "
                             "e.g. postgresql+psycopg://postgres@127.0.0.1/bench")
    parser.add_argument("--runs", type=int, default=1,
                        help="rounds per level, tools alternating; the figures are medians")
    parser.add_argument("--no-events", action="store_true",
                        help="also measure DigiReady with learning events switched off")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]

    key = RSAKey.generate_key(2048, auto_kid=True)
    jwks = {"keys": [dict(key.as_dict(private=False), alg="RS256", use="sig")]}
    jwks_server, issuer = serve_jwks(jwks)
    work = Path(tempfile.mkdtemp(prefix="lti-bench-"))
    env = dict(os.environ, DIGIREADY_VAR_DIR=str(work), BENCH_ISSUER=issuer,
               BENCH_CLIENT_ID=CLIENT_ID, BENCH_DEPLOYMENT_ID=DEPLOYMENT,
               BENCH_JWKS_JSON=json.dumps(jwks), PYTHONPATH=str(ROOT))
    env.pop("DIGIREADY_DATABASE_URL", None)
    env.pop("DIGIREADY_REDIS_URL", None)
    if args.database_url:
        env["DIGIREADY_DATABASE_URL"] = args.database_url
    subprocess.run([sys.executable, "-m", "digiready.cli.main", "db", "upgrade"], env=env,
                   check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "digiready.cli.main", "lti", "platform", "add",
                    "--issuer", issuer, "--client-id", CLIENT_ID, "--deployment-id", DEPLOYMENT,
                    "--auth-login-url", issuer + "/auth", "--token-url", issuer + "/token",
                    "--jwks-url", issuer + "/jwks"], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    ours_port, minimal_port, bare_port = free_port(), free_port(), free_port()
    procs = [
        subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{ours_port}",
                          *GUNICORN, "lti_tool.app:create_app()"], env=env, cwd=ROOT),
        subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{minimal_port}",
                          *GUNICORN, "benchmarks.minimal_pylti1p3_tool:create_app()"], env=env,
                         cwd=ROOT),
    ]
    if args.no_events:
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{bare_port}", *GUNICORN,
             "benchmarks.lti_launch:app_without_events()"], env=env, cwd=ROOT))
    try:
        ours_base, minimal_base = f"http://127.0.0.1:{ours_port}", f"http://127.0.0.1:{minimal_port}"
        wait_up(ours_base + "/healthz")
        wait_up(minimal_base + "/page")
        tools = [
            Launcher("digiready", ours_base, "/lti/login", "/lti/launch", issuer, key, "Step 1 of",
                     procs[0].pid),
            Launcher("minimal_pylti1p3next", minimal_base, "/login", "/launch", issuer, key, "Welcome",
                     procs[1].pid),
        ]
        if args.no_events:
            bare_base = f"http://127.0.0.1:{bare_port}"
            wait_up(bare_base + "/healthz")
            tools.append(Launcher("digiready_no_events", bare_base, "/lti/login", "/lti/launch",
                                  issuer, key, "Step 1 of", procs[2].pid))
        users = [f"user-{uuid.uuid4().hex[:8]}" for _ in range(500)]
        for tool in tools:  # warm up: imports, pack cache, key caches, connection pools
            for n in range(10):
                tool.launch(users[n])
        results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                               # Other work on the machine: the 1-minute load at the start.
                               "load_average_1min": round(os.getloadavg()[0], 2)},
                   "gunicorn": " ".join(GUNICORN), "seconds_per_level": args.seconds,
                   "database": (args.database_url.split("://")[0] if args.database_url
                                else "SQLite (WAL)"), "levels": []}
        results["runs"] = args.runs
        for level in levels:
            row: dict = {"concurrency": level}
            rounds: dict[str, list[dict]] = {tool.name: [] for tool in tools}
            for n in range(args.runs):
                # Alternate the order so that drifting load from other work hits both tools.
                for tool in (tools if n % 2 == 0 else tools[::-1]):
                    rounds[tool.name].append(run_level(tool, level, args.seconds, users))
            for tool in tools:
                row[tool.name] = median_of(rounds[tool.name])
            results["levels"].append(row)
        results["page_weight"] = page_weight(ours_base, tools[0])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(20)
        jwks_server.shutdown()
    out = RESULTS if not args.database_url else RESULTS.with_name("lti_launch_postgresql.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"complete launches (login + launch validation + first page), {args.seconds:g} s per level"
          f"{f', median of {args.runs} rounds' if args.runs > 1 else ''}, "
          f"gunicorn {' '.join(GUNICORN[:6])}, {os.cpu_count()} CPUs, {results['database']}")
    print(f"{'concurrency':>11}  {'tool':<22}{'launches/s':>11}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'errors':>8}{'server CPU ms':>15}{'client CPU ms':>15}")
    for row in results["levels"]:
        for tool in [t.name for t in tools]:
            r = row[tool]
            print(f"{row['concurrency']:>11}  {tool:<22}{r['launches_per_second']:>11}"
                  f"{r['p50_ms'] or '-':>9}{r['p95_ms'] or '-':>9}{r['errors']:>8}"
                  f"{r['server_cpu_ms_per_launch'] or '-':>15}{r['client_cpu_ms_per_launch'] or '-':>15}")
    weight = results["page_weight"]
    print(f"learner question page ({weight['page']}): {weight['total_gzip_bytes']} bytes gzip "
          f"including everything it loads ({weight['gzip_bytes']})")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
