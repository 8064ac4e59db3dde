"""What the anonymous evaluation's rewrite costs: one submission with N answers already stored.

Each submission rewrites every answer of the event in a random order with fresh ids
(``symposium_portal.evaluation.ballot_box``), so that no transaction id or row order pairs
an answer with its respondent. This measures one submission (marker + rewrite + commit, under
the event lock) against N stored answers, on SQLite and PostgreSQL, median of a few runs.
Creates and drops its own databases.

    .venv/bin/python benchmarks/portal_evaluation.py [--sizes 100,300,1000,3000] [--repeat 5]

Writes benchmarks/results/portal_evaluation.json and prints it.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "results" / "portal_evaluation.json"
ADMIN_URL = os.environ.get("DIGIREADY_BENCH_PG_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ANSWER = {"economy": "PE", "sector": "msme", "satisfaction": 4, "relevance": 5, "speakers": 4,
          "nps": 9, "recommendations": "More time for questions",
          "ratings": {"1": [2, 4], "2": [3, 4], "3": [1, 3], "4": [2, 2]}}


def measure(url: str, sizes: list[int], repeat: int) -> dict[str, float]:
    from sqlalchemy import insert

    from digiready.storage import migrate
    from digiready.storage.engine import get_engine
    from symposium_portal.app import create_app
    from symposium_portal.db import lock_event, new_session, utcnow
    from symposium_portal.evaluation import ballot_box
    from symposium_portal.evaluation.models import EvaluationResponse
    from symposium_portal.registration.models import Registration
    from symposium_portal.seed import seed_demo

    os.environ["DIGIREADY_DATABASE_URL"] = url
    migrate.upgrade(url)
    with create_app().app_context():
        dbs = new_session()
        event_id = seed_demo(dbs, force=True, capacity=100000).id
        dbs.commit()
        now = utcnow()
        people = [{"event_id": event_id, "reference": f"B-{i}", "email": f"b{i}@x.org",
                   "full_name": "B", "organisation": "O", "economy": "PE", "sector": "msme",
                   "role": "", "timezone": "UTC", "language": "en", "interests": [], "bio": "",
                   "consent_privacy": True, "consent_directory": False,
                   "consent_contact": False, "consents_updated_at": now,
                   "status": "confirmed", "hidden_by_moderator": False, "link_nonce": "n",
                   "session_nonce": "s", "created_at": now, "updated_at": now}
                  for i in range(repeat * len(sizes))]
        ids = list(dbs.scalars(insert(Registration).returning(Registration.id), people))
        dbs.commit()
        out = {}
        for size in sizes:
            dbs.execute(EvaluationResponse.__table__.delete())
            dbs.execute(insert(EvaluationResponse), [
                {**ANSWER, "id": str(uuid.uuid4()), "event_id": event_id}
                for _ in range(size)])
            dbs.commit()
            times = []
            for _ in range(repeat):
                start = time.perf_counter()
                lock_event(dbs, event_id)
                ballot_box.submit(dbs, event_id, ids.pop(), ANSWER)
                dbs.commit()
                times.append(time.perf_counter() - start)
            out[str(size)] = round(1000 * statistics.median(times), 1)
        dbs.close()
    get_engine(url).dispose()
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,300,1000,3000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    from sqlalchemy import create_engine, text

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DIGIREADY_VAR_DIR"] = tmp
        results["sqlite_ms"] = measure(f"sqlite:///{tmp}/bench.sqlite3", sizes, args.repeat)
    name = "digiready_bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        results["postgresql_ms"] = measure(ADMIN_URL.rsplit("/", 1)[0] + "/" + name, sizes,
                                           args.repeat)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    report = {
        "what": "one evaluation submission (marker + rewrite of N stored answers + commit), "
                "median ms", "repeat": args.repeat, "results": results,
        "load_average": os.getloadavg(), "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "command": "python benchmarks/portal_evaluation.py " + " ".join(sys.argv[1:]),
    }
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
