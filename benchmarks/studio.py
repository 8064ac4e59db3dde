"""DigiReady Studio: time to publish a full overlay (every language) and server time of a
preview page, on SQLite and on PostgreSQL (skipped with a note when it is not reachable).

The overlay is the Philippines' (``content/economies/ph``: English and Filipino, every string
and every module script translated), imported as a draft. *Publish* is what the reviewer's
button runs: build the files, validate them with the core validator (``read_pack`` + the
cross-file checks, as ``digiready pack validate``), keep them as a version, write the
published folder and switch it. Each run changes one string first, so no build is reused;
the first publish of the process also parses the base pack (a running Studio has done that
at its first page that builds the draft), so it is reported apart (``first_s``) and the
median is over the runs after it.
*Preview* is the LTI tool's learner page for a preview launch (the diagnostic's first step
and the results page), rendered in-process with Flask's test client, warm (the draft's pack
loaded once, as a reviewer clicking through a preview sees it).

    .venv/bin/python benchmarks/studio.py [--runs 5] [--skip-postgres]

Targets: publish < 1 s; preview page < 100 ms server time. Writes benchmarks/results/studio.json.
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
RESULTS = REPO / "benchmarks" / "results" / "studio.json"
PG_ADMIN = os.environ.get("DIGIREADY_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def measure(url: str, runs: int) -> dict:
    from digiready.authoring import previews, publishing, store
    from digiready.authoring.content import read_overlay_folder
    from digiready.packs import base_pack_dir, clear_cache
    from digiready.storage import migrate, session_scope

    os.environ["DIGIREADY_DATABASE_URL"] = url
    migrate.upgrade(url)
    with session_scope(url) as s:
        store.replace_content(s, read_overlay_folder(REPO / "content" / "economies" / "ph"), "bench")
    publish_times = []
    for run in range(runs + 1):
        with session_scope(url) as s:
            row = store.item_row(s, "ph", "overlay")
            data = dict(row.data, name=f"Philippines {run}")
            store.save_item(s, "ph", "overlay", data, row.note, revision=row.revision, actor="bench")
        clear_cache()
        session = __import__("digiready.storage.engine", fromlist=["x"])._session_factory(url)()
        try:
            start = time.perf_counter()
            publishing.publish(session, "ph", base_pack_dir(), "bench", f"run {run}")
            publish_times.append(time.perf_counter() - start)
        finally:
            session.close()
    from lti_tool.app import create_app

    client = create_app({"TESTING": True}).test_client()
    with session_scope(url) as s:
        token = previews.create(s, "ph", "fil", base_pack_dir(), "bench")
    step = client.get(f"/lti/preview/{token}?page=results", follow_redirects=False)
    results_url = step.headers["Location"]
    launch = results_url.split("launch=")[1]
    pages = {"diagnostic step": f"/learn/diagnostic?launch={launch}&step=1",
             "results": f"/learn/results?launch={launch}"}
    page_times: dict[str, list[float]] = {}
    for name, path in pages.items():
        assert client.get(path).status_code == 200  # warm: the draft's pack is loaded
        times = []
        for _ in range(max(20, runs * 4)):
            start = time.perf_counter()
            answer = client.get(path)
            times.append(time.perf_counter() - start)
            assert answer.status_code == 200
        page_times[name] = times
    first, publish_times = publish_times[0], publish_times[1:]
    return {
        "publish_s": {"median": round(statistics.median(publish_times), 3),
                      "min": round(min(publish_times), 3), "max": round(max(publish_times), 3),
                      "runs": len(publish_times), "first_s": round(first, 3)},
        "preview_ms": {name: {"median": round(1000 * statistics.median(t), 1),
                              "min": round(1000 * min(t), 1)} for name, t in page_times.items()},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DIGIREADY_PACK_RECHECK_SECONDS", "2")
    scratch = Path(tempfile.mkdtemp(prefix="digiready-bench-studio-"))
    os.environ["DIGIREADY_VAR_DIR"] = str(scratch)
    results = {"machine": platform.platform(), "load_average": os.getloadavg(),
               "command": " ".join(["benchmarks/studio.py", *sys.argv[1:]])}
    results["sqlite"] = measure(f"sqlite:///{scratch / 'bench.sqlite3'}", args.runs)
    print("sqlite", json.dumps(results["sqlite"]))
    if not args.skip_postgres:
        try:
            from sqlalchemy import create_engine, text

            name = "digiready_bench_" + uuid.uuid4().hex[:8]
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            os.environ["DIGIREADY_PUBLISHED_DIR"] = str(scratch / "published-pg")
            try:
                results["postgresql"] = measure(PG_ADMIN.rsplit("/", 1)[0] + "/" + name, args.runs)
                print("postgresql", json.dumps(results["postgresql"]))
            finally:
                from digiready.storage.engine import get_engine

                get_engine.cache_clear()
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except Exception as exc:  # noqa: BLE001 - report, do not fail the SQLite figures
            results["postgresql"] = f"skipped: {exc.__class__.__name__}: {str(exc)[:200]}"
            print("postgresql", results["postgresql"])
    results["load_average_after"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
