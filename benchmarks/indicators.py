"""Events ingest rate and time to compute every indicator over 1,000,000 events, on SQLite
and on PostgreSQL (skipped with a note when PostgreSQL is not reachable).

Events are synthetic but shaped like real use (registrations, launches and page views on
many days, diagnostics with dimension scores, video sessions with played segments, module
progress) for 20,000 learners in three economies, written through ``record_many`` in batches
of 5,000 (the demo-data and import path). Then ``indicators.compute`` runs unfiltered, with
an economy filter, and with economy + gender + date-range filters; each is timed as the best
of three runs after one warm-up.

    .venv/bin/python benchmarks/indicators.py [--events 1000000] [--skip-postgres]

Target: all indicators in under 1 s on SQLite. Writes benchmarks/results/indicators.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "results" / "indicators.json"
PG_ADMIN = os.environ.get("DIGIREADY_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
BATCH = 5000


def synthetic_events(total: int, seed: int = 1):
    """Yield ``total`` events as keyword dicts for ``record_many``."""
    rng = random.Random(seed)
    learners = max(50, total // 50)
    count = 0
    i = 0
    while count < total:
        actor = f"bench-{i % learners:06d}"
        economy = ("pe", "ph", "vn")[i % 3]
        profile = {"economy": economy, "gender": rng.choice(["woman", "man"]),
                   "age_band": rng.choice(["under_25", "25_34", "35_44", "45_54"]),
                   "sector": rng.choice("gcai"), "size": rng.choice(["micro", "small"])}
        base = {"actor": actor, "economy": economy, "source": "import", "synthetic": True}
        t = START + timedelta(days=rng.randrange(300), seconds=rng.randrange(86000))
        batch = [{**base, "kind": "registered", "object_id": "course/digiready", "timestamp": t,
                  "profile": profile}]
        for v in range(rng.randrange(4, 20)):
            batch.append({**base, "kind": ("launched", "viewed")[v % 2], "object_id": f"/p{v % 6}",
                          "timestamp": t + timedelta(days=rng.randrange(60), seconds=v)})
        batch.append({**base, "kind": "diagnostic.attempted", "object_id": "diagnostic/base",
                      "timestamp": t + timedelta(seconds=50)})
        batch.append({**base, "kind": "diagnostic.completed", "object_id": "diagnostic/base",
                      "timestamp": t + timedelta(seconds=900),
                      "data": {"score": round(rng.uniform(0, 100), 1),
                               "level": rng.choice(["beginner", "novice", "competent", "advanced"]),
                               "dimensions": {f"d{d}": round(rng.uniform(0, 100), 1) for d in range(7)}}})
        for m in range(rng.randrange(0, 4)):
            session = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            v = {**base, "object_id": f"module/m{m}/video", "session_id": session}
            w = t + timedelta(days=1, seconds=m * 1000)
            end = rng.choice([40.0, 90.0, 180.0])
            batch += [
                {**v, "kind": "video.initialized", "timestamp": w, "data": {"length": 180}},
                {**v, "kind": "video.played", "timestamp": w + timedelta(seconds=1), "data": {"time": 0}},
                {**v, "kind": "video.terminated", "timestamp": w + timedelta(seconds=200),
                 "data": {"length": 180, "time": end, "played_segments": [[0, end]]}},
                {**base, "kind": "module.progressed", "object_id": f"module/m{m}",
                 "timestamp": w + timedelta(seconds=2), "data": {"progress": 50}},
            ]
            if end == 180.0:
                batch.append({**base, "kind": "module.completed", "object_id": f"module/m{m}",
                              "timestamp": w + timedelta(seconds=300)})
        yield from batch[: total - count]
        count += min(len(batch), total - count)
        i += 1


def run(url: str, total: int) -> dict:
    from digiready.events import record_many
    from digiready.events.indicators import Filters, compute
    from digiready.storage import migrate, session_scope

    migrate.upgrade(url)
    t0 = time.perf_counter()
    stored = 0
    batch = []
    for event in synthetic_events(total):
        batch.append(event)
        if len(batch) == BATCH:
            with session_scope(url) as db:
                stored += record_many(batch, db=db)
            batch = []
    if batch:
        with session_scope(url) as db:
            stored += record_many(batch, db=db)
    ingest = time.perf_counter() - t0
    if url.startswith("sqlite"):
        from sqlalchemy import text

        from digiready.storage import get_engine

        with get_engine(url).begin() as conn:
            conn.execute(text("ANALYZE"))
    else:
        from sqlalchemy import text

        from digiready.storage import get_engine

        with get_engine(url).connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    cases = {
        "all": Filters(),
        "economy": Filters(economy="pe"),
        "economy_gender_range": Filters(economy="ph", gender="woman", date_from=date(2026, 3, 1),
                                        date_to=date(2026, 8, 31)),
    }
    timings = {}
    for name, filters in cases.items():
        compute(filters, database_url=url)
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            data = compute(filters, database_url=url)
            best = min(best, time.perf_counter() - t)
        timings[name] = round(best, 3)
        if name == "all":
            sample = {k: data[k]["value"] for k in ("learners", "visits", "video_plays", "full_views")}
    return {"events": stored, "ingest_seconds": round(ingest, 1),
            "ingest_events_per_second": round(stored / ingest), "indicators_seconds": timings,
            "sample_figures": sample}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DIGIREADY_VAR_DIR", tempfile.mkdtemp(prefix="digiready-bench-"))
    os.environ.pop("DIGIREADY_LRS_URL", None)
    results = {"benchmark": "indicators", "events": args.events, "batch": BATCH,
               "python": platform.python_version(), "machine": platform.machine(),
               "cpus": os.cpu_count(), "target": "all indicators < 1 s on SQLite",
               # Other work on the host skews the figures; the load says how much.
               "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        results["sqlite"] = run(url, args.events)
        results["sqlite"]["database_mb"] = round(Path(f"{tmp}/bench.sqlite3").stat().st_size / 1e6, 1)
    if args.skip_postgres:
        results["postgresql"] = "skipped (--skip-postgres)"
    else:
        results["postgresql"] = _postgres(args.events)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


def _postgres(total: int):
    import socket

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN)
    try:
        socket.create_connection((admin.host or "127.0.0.1", admin.port or 5432), timeout=1).close()
    except OSError:
        return "skipped (PostgreSQL not reachable)"
    name = "digiready_bench_" + uuid.uuid4().hex[:8]
    engine = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        return run(url, total)
    finally:
        from digiready.storage import get_engine

        get_engine(url).dispose()
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
