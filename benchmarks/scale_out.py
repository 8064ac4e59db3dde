"""Scale-out: the mixed load (LTI launches + diagnostic answers + symposium registrations)
through nginx against one instance per app, then two per app (alternating, ``--rounds``
times), then two per app with one of each killed (SIGKILL) halfway.

Every instance is gunicorn with 1 worker x 4 threads (deployment/gunicorn_conf.py), behind
the real nginx site (deployment/nginx/), on a throwaway PostgreSQL database and Redis. The
load generator (Python threads, benchmarks/clients.py) runs on the same machine and shares
its CPUs with nginx, PostgreSQL and the apps: on 2 cores the gain from a second instance is
bounded by the CPU, and the figures below say how busy the machine was.

    .venv/bin/python benchmarks/scale_out.py [--seconds 15] [--learners 6] [--registrants 3]

Writes benchmarks/results/scale_out.json and prints it.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.clients import (  # noqa: E402
    FIXTURE_PACK,
    Ledger,
    LtiLearner,
    PlatformPeer,
    Registrant,
    run_mixed,
)
from deployment.loopback import Stack, scratch_dir  # noqa: E402

RESULTS = REPO / "benchmarks" / "results" / "scale_out.json"
ADMIN_URL = os.environ.get("DIGIREADY_BENCH_PG_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("DIGIREADY_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
TICK = os.sysconf("SC_CLK_TCK")


def _proc_stats() -> dict[int, tuple[int, int, float]]:
    """pid -> (ppid, process group, CPU seconds) for every process we may read."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        found[int(entry)] = (int(fields[1]), int(fields[2]),
                             (int(fields[11]) + int(fields[12])) / TICK)
    return found


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def cpu_snapshot(stack: Stack) -> dict:
    stats = _proc_stats()
    groups = {i.proc.pid for i in stack.instances if i.proc and i.proc.poll() is None}
    apps = sum(cpu for _pid, (_pp, pgid, cpu) in stats.items() if pgid in groups)
    master = stack.nginx.proc.pid if stack.nginx.proc else -1
    nginx = sum(cpu for pid, (ppid, _g, cpu) in stats.items() if master in (pid, ppid))
    busy, total = _machine_busy()
    own = os.times()
    return {"apps": apps, "nginx": nginx, "client": own.user + own.system, "busy": busy,
            "total": total, "at": time.monotonic()}


def cpu_used(before: dict, after: dict) -> dict:
    seconds = after["at"] - before["at"]
    return {
        "machine_busy_percent_of_all_cpus": round(
            100 * (after["busy"] - before["busy"]) / max(1, after["total"] - before["total"]), 1),
        "app_instances_cpu_s": round(after["apps"] - before["apps"], 2),
        "nginx_cpu_s": round(after["nginx"] - before["nginx"], 2),
        "load_generator_cpu_s": round(after["client"] - before["client"], 2),
        "wall_s": round(seconds, 2),
    }


def summary(ledger: Ledger, start: float, seconds: float) -> dict:
    requests_ok = ledger.acknowledged(start, start + seconds + 30)
    failed = ledger.failed(start, start + seconds + 30)
    return {
        "launches": len(ledger.launches),
        "answers": ledger.submissions,
        "registrations": len(ledger.registrations),
        "actions_per_s": round((len(ledger.launches) + ledger.submissions
                                + len(ledger.registrations)) / seconds, 1),
        "requests_ok": requests_ok,
        "requests_per_s": round(requests_ok / seconds, 1),
        "errors": failed,
        "error_rate": round(failed / max(1, requests_ok + failed), 4),
        "error_kinds": dict(ledger.errors),
        "replays_accepted": len(ledger.replays_accepted),
    }


def run_phase(work: Path, env: dict, name: str, instances: int, args, kill: bool) -> dict:
    stack = Stack(work / name, env, lti_instances=instances, portal_instances=instances,
                  workers=1, threads=4)
    peer = PlatformPeer(stack.nginx.url("lti"))
    peer.register_with_tool({**os.environ, **env})
    stack.start()
    os.environ["REQUESTS_CA_BUNDLE"] = str(stack.nginx.cert)  # the peer fetches our JWKS
    cert = str(stack.nginx.cert)
    try:
        warm = Ledger()
        run_mixed(LtiLearner(peer, warm, cert), Registrant(stack.nginx.url("portal"), warm, cert),
                  seconds=2, learner_threads=2, registrant_threads=1, tag=f"{name}-warm")
        ledger = Ledger()
        learner = LtiLearner(peer, ledger, cert)
        registrant = Registrant(stack.nginx.url("portal"), ledger, cert)
        killed_at: list[float] = []

        def kill_one_of_each() -> None:
            killed_at.append(time.monotonic())
            stack.lti[0].kill()
            stack.portal[0].kill()

        before = cpu_snapshot(stack)
        start = run_mixed(learner, registrant, seconds=args.seconds,
                          learner_threads=args.learners, registrant_threads=args.registrants,
                          tag=name, during=[(args.seconds / 2, kill_one_of_each)] if kill else None)
        after = cpu_snapshot(stack)
        result = {"instances_per_app": instances, **summary(ledger, start, args.seconds)}
        if kill:
            at = killed_at[0]
            window = 3.0
            ok = ledger.acknowledged(at, at + window)
            bad = ledger.failed(at, at + window)
            result["kill"] = {
                "killed_after_s": round(at - start, 1),
                "window_s": window,
                "requests_ok_in_window": ok,
                "errors_in_window": bad,
                "error_rate_in_window": round(bad / max(1, ok + bad), 4),
                "requests_per_s_before_kill": round(ledger.acknowledged(start, at) / (at - start), 1),
                "requests_per_s_after_kill": round(
                    ledger.acknowledged(at, start + args.seconds) / (start + args.seconds - at), 1),
            }
            result["cpu"] = "not compared: a killed instance's CPU time is gone with it"
        else:
            result["cpu"] = cpu_used(before, after)
            result["cpu"]["app_cpu_ms_per_request"] = round(
                1000 * result["cpu"]["app_instances_cpu_s"] / max(1, result["requests_ok"]), 1)
        return result
    finally:
        peer.stop()
        stack.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=15.0, help="measured seconds per phase")
    ap.add_argument("--learners", type=int, default=6, help="LTI learner threads")
    ap.add_argument("--registrants", type=int, default=3, help="registrant threads")
    ap.add_argument("--rounds", type=int, default=2,
                    help="one/two-instance phases alternate this many times (noise on a shared "
                         "machine); the median is reported")
    args = ap.parse_args()
    # The platform peer's werkzeug server would print a line per request.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from sqlalchemy import create_engine, text

    name = "digiready_bench_" + uuid.uuid4().hex[:10]
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    work = scratch_dir("digiready-scale-out-")
    env = {"DIGIREADY_ENV": "production", "DIGIREADY_SECRET_KEY": secrets.token_urlsafe(32),
           "DIGIREADY_DATABASE_URL": url, "DIGIREADY_REDIS_URL": REDIS_URL,
           "DIGIREADY_VAR_DIR": str(work / "var"), "DIGIREADY_LTI_PACK": str(FIXTURE_PACK),
           "DIGIREADY_PORTAL_RATELIMIT": "1000000/minute", "DIGIREADY_PROXY_HOPS": "1",
           "DIGIREADY_LOG_FORMAT": "json"}
    load_before = os.getloadavg()
    try:
        full = {**os.environ, **env}
        for argv in (["db", "upgrade"], ["portal", "seed-demo", "--force", "--capacity", "1000000"]):
            subprocess.run([sys.executable, "-m", "digiready.cli.main", *argv], env=full,
                           cwd=REPO, check=True, stdout=subprocess.DEVNULL)
        rounds = []
        for n in range(args.rounds):
            rounds.append({
                "one_instance_per_app": run_phase(work, env, f"one{n}", 1, args, kill=False),
                "two_instances_per_app": run_phase(work, env, f"two{n}", 2, args, kill=False),
            })
        killed = run_phase(work, env, "kill", 2, args, kill=True)
    finally:
        from digiready.storage.engine import get_engine

        get_engine(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    one = [r["one_instance_per_app"]["requests_per_s"] for r in rounds]
    two = [r["two_instances_per_app"]["requests_per_s"] for r in rounds]
    result = {
        "benchmark": "scale_out",
        "command": "python benchmarks/scale_out.py " + " ".join(sys.argv[1:]),
        "setup": ("nginx (deployment/nginx/digiready.conf, TLS) in front of N gunicorn "
                  "instances per app (1 worker x 4 threads each), PostgreSQL + Redis, "
                  f"{args.learners} learner + {args.registrants} registrant client threads "
                  "on the same machine"),
        "seconds_per_phase": args.seconds,
        "requests_per_s_median": {"one_instance_per_app": statistics.median(one),
                                  "two_instances_per_app": statistics.median(two)},
        "two_vs_one_requests_ratio": round(statistics.median(two) / max(0.1, statistics.median(one)), 2),
        "rounds": rounds,
        "two_instances_one_killed": killed,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    # Other work on the machine skews the figures: recorded for honesty.
                    "load_average_before": load_before, "load_average_after": os.getloadavg()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    bad = killed["replays_accepted"] + sum(p["replays_accepted"] for r in rounds
                                           for p in r.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
