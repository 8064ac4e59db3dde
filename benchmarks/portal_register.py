"""Registrations per second over real HTTP: gunicorn (2 workers) + PostgreSQL, 100 clients.

Every client first loads the form once (session cookie + CSRF token, as a browser does), then
registers new addresses as fast as the server answers, until the time or request budget runs
out. The run must end with zero overbooking: exactly ``capacity`` seats held and everybody
else on the waiting list. Loopback only; creates and drops its own PostgreSQL database.

    .venv/bin/python benchmarks/portal_register.py [--clients 100] [--seconds 20]

Writes benchmarks/results/portal_register.json and prints it.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "results" / "portal_register.json"
ADMIN_URL = os.environ.get("DIGIREADY_BENCH_PG_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FORM = {"full_name": "Bench Mark", "organisation": "Benchmark Cooperative", "economy": "PE",
        "sector": "cooperative", "timezone": "America/Lima", "language": "en",
        "role": "Tester", "consent_privacy": "y", "consent_directory": "y",
        "interests": "ecommerce"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def http(port: int, method: str, path: str, cookie: str = "",
               body: bytes = b"") -> tuple[int, dict[str, list[str]], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    if cookie:
        head.append(f"Cookie: {cookie}")
    if body:
        head += ["Content-Type: application/x-www-form-urlencoded",
                 f"Content-Length: {len(body)}"]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    header_blob, _, payload = raw.partition(b"\r\n\r\n")
    lines = header_blob.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.setdefault(k.strip().lower(), []).append(v.strip())
    return status, headers, payload


async def open_form(port: int) -> tuple[str, bytes]:
    """Load the form once, as a browser does: session cookie and CSRF token."""
    status, headers, payload = await http(port, "GET", "/register")
    assert status == 200, status
    cookie = "; ".join(c.split(";", 1)[0] for c in headers.get("set-cookie", []))
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', payload).group(1)
    return cookie, token


async def client(n: int, port: int, form: tuple[str, bytes], deadline: float,
                 budget: list[int], latencies: list[float], statuses: dict[int, int]) -> None:
    cookie, token = form
    i = 0
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        body = urlencode({**FORM, "csrf_token": token.decode(),
                          "email": f"c{n}-{i}@bench.example"}).encode()
        t0 = time.perf_counter()
        status, _h, _p = await http(port, "POST", "/register", cookie, body)
        latencies.append(time.perf_counter() - t0)
        statuses[status] = statuses.get(status, 0) + 1
        i += 1


async def load(port: int, clients: int, seconds: float, max_requests: int) -> dict:
    # Not timed: every client loads the form first (a few at a time).
    sem = asyncio.Semaphore(8)

    async def opened(_n: int) -> tuple[str, bytes]:
        async with sem:
            return await open_form(port)

    forms = await asyncio.gather(*(opened(n) for n in range(clients)))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    budget = [max_requests]
    start = time.perf_counter()
    deadline = start + seconds
    await asyncio.gather(*(client(n, port, forms[n], deadline, budget, latencies, statuses)
                           for n in range(clients)))
    elapsed = time.perf_counter() - start
    return {"elapsed_s": elapsed, "latencies": latencies, "statuses": statuses}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--max-requests", type=int, default=20000)
    ap.add_argument("--capacity", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1,
                    help="threads per worker (>1 selects gunicorn's gthread worker)")
    args = ap.parse_args()

    from sqlalchemy import create_engine, text

    load_before = os.getloadavg()
    name = "digiready_bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    var_dir = tempfile.mkdtemp(prefix="portal-bench-")
    env = {**os.environ, "DIGIREADY_DATABASE_URL": url, "DIGIREADY_VAR_DIR": var_dir,
           "DIGIREADY_PORTAL_RATELIMIT": "1000000/minute",
           "DIGIREADY_SECRET_KEY": "benchmark-secret", "DIGIREADY_ENV": "development"}
    env.pop("DIGIREADY_REDIS_URL", None)
    proc = None
    try:
        os.environ.update({k: env[k] for k in ("DIGIREADY_DATABASE_URL", "DIGIREADY_VAR_DIR")})
        subprocess.run([sys.executable, "-m", "digiready.cli.main", "db", "upgrade"], env=env,
                       cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "-m", "digiready.cli.main", "portal", "seed-demo",
                        "--force", "--capacity", str(args.capacity)], env=env, cwd=REPO,
                       check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers",
             str(args.workers), "--threads", str(args.threads), "--backlog", "2048", "--log-level", "warning",
             "symposium_portal.app:create_app()"], env=env, cwd=REPO)
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        import resource

        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        run = asyncio.run(load(port, args.clients, args.seconds, args.max_requests))
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        client_cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
        engine = create_engine(url)
        with engine.connect() as conn:
            counts = dict(conn.execute(text(
                "SELECT status, count(*) FROM portal_registration GROUP BY status")).all())
            outbox = conn.execute(text("SELECT count(*) FROM portal_outbox")).scalar()
        engine.dispose()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    ok = run["statuses"].get(303, 0)
    lat = sorted(run["latencies"])
    held = counts.get("held", 0)
    result = {
        "benchmark": "portal_register",
        "command": "python benchmarks/portal_register.py " + " ".join(sys.argv[1:]),
        "server": (f"gunicorn {'gthread' if args.threads > 1 else 'sync'}, {args.workers} "
                   f"workers x {args.threads} threads, PostgreSQL, loopback"),
        "clients": args.clients,
        "duration_s": round(run["elapsed_s"], 2),
        "registrations": ok,
        "registrations_per_s": round(ok / run["elapsed_s"], 1),
        "statuses": {str(k): v for k, v in sorted(run["statuses"].items())},
        "latency_ms": {
            "p50": round(1000 * statistics.median(lat), 1) if lat else None,
            "p95": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
            "p99": round(1000 * lat[int(0.99 * (len(lat) - 1))], 1) if lat else None,
        },
        # The load generator shares the CPUs with gunicorn and PostgreSQL.
        "client_cpu_ms_per_request": round(1000 * client_cpu / max(len(lat), 1), 2),
        "capacity": args.capacity,
        "seats_held": held,
        "waitlisted": counts.get("waitlisted", 0),
        "rows_stored": sum(counts.values()),
        "emails_queued": outbox,
        "overbooked": max(held - args.capacity, 0),
        "target_per_s": 200,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(),
                    # Other work on the machine skews the figure: recorded for honesty.
                    "load_average_before": load_before, "load_average_after": os.getloadavg()},
    }
    result["ok"] = (result["overbooked"] == 0 and held == min(ok, args.capacity)
                    and result["rows_stored"] == ok)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
