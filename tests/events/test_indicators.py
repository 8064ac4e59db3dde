"""Indicator figures against counts computed independently from the generated event log, on
SQLite and PostgreSQL; small-cell suppression; the CLI."""
from __future__ import annotations

import json
import random
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest

from digiready import events
from digiready.events.indicators import Filters, compute

START = datetime(2026, 1, 5, tzinfo=timezone.utc)  # a Monday
ECONOMIES = ["pe", "ph", "vn"]
GENDERS = ["woman", "man", "prefer_not"]
AGES = ["under_25", "25_34", "35_44", "55_plus"]
LEVELS = ["beginner", "novice", "competent", "advanced"]


def _log(seed: int = 7, learners: int = 120) -> list[dict]:
    """A random but plausible event log, as the keyword arguments of ``record``."""
    rng = random.Random(seed)
    log = []
    for i in range(learners):
        actor = f"actor-{i:04d}"
        economy = rng.choice(ECONOMIES)
        profile = {"economy": economy, "gender": rng.choice(GENDERS), "age_band": rng.choice(AGES),
                   "sector": rng.choice("gca"), "size": rng.choice(["micro", "small"])}
        base = {"actor": actor, "economy": economy, "source": "lti"}
        t = START + timedelta(days=rng.randrange(60), seconds=rng.randrange(80000))
        log.append({**base, "kind": "registered", "object_id": "course/digiready", "timestamp": t,
                    "profile": profile})
        for v in range(rng.randrange(1, 8)):
            when = t + timedelta(days=rng.randrange(0, 20), seconds=v)
            log.append({**base, "kind": rng.choice(["launched", "viewed"]),
                        "object_id": rng.choice(["/", "/results", "lti/diagnostic"]), "timestamp": when})
        for n in range(rng.choice([0, 1, 1, 2])):
            when = t + timedelta(days=n * 10, minutes=5)
            log.append({**base, "kind": "diagnostic.attempted", "object_id": "diagnostic/base", "timestamp": when})
            if rng.random() < 0.8:
                score = round(rng.uniform(5, 95), 1)
                log.append({**base, "kind": "diagnostic.completed", "object_id": "diagnostic/base",
                            "timestamp": when + timedelta(minutes=12),
                            "data": {"score": score, "level": rng.choice(LEVELS),
                                     "dimensions": {"d1": round(rng.uniform(0, 100), 1),
                                                    "d2": round(rng.uniform(0, 100), 1)}}})
        for m in rng.sample(["m1", "m2", "m3"], rng.randrange(0, 3)):
            when = t + timedelta(days=2, seconds=rng.randrange(1000))
            video = {**base, "object_id": f"module/{m}/video", "session_id": f"s-{i}-{m}"}
            log.append({**video, "kind": "video.played", "timestamp": when, "data": {"time": 0}})
            end = rng.choice([30.0, 100.0, 120.0, 119.0])
            log.append({**video, "kind": "video.terminated", "timestamp": when + timedelta(seconds=200),
                        "data": {"length": 120, "time": end, "played_segments": [[0, end]]}})
            log.append({**base, "kind": "module.progressed", "object_id": f"module/{m}",
                        "timestamp": when + timedelta(seconds=1), "data": {"progress": 40}})
            if end >= 119:
                log.append({**base, "kind": "module.completed", "object_id": f"module/{m}",
                            "timestamp": when + timedelta(seconds=300)})
    return log


def _expected(log: list[dict], keep) -> dict:
    """Independent counts in plain Python."""
    rows = [e for e in log if keep(e)]
    by_kind = defaultdict(list)
    for e in rows:
        by_kind[e["kind"]].append(e)
    visits = by_kind["launched"] + by_kind["viewed"]
    latest = {}
    for e in sorted(by_kind["diagnostic.completed"], key=lambda e: e["timestamp"]):
        latest[e["actor"]] = e
    levels = defaultdict(int)
    for e in latest.values():
        levels[e["data"]["level"]] += 1
    full = {(e["actor"], e["object_id"]) for e in by_kind["video.terminated"]
            if e["data"]["time"] / 120 >= 0.95}
    return {
        "learners": len({e["actor"] for e in rows}),
        "registered_users": len({e["actor"] for e in by_kind["registered"]}),
        "visits": len(visits),
        "unique_visits": len({(e["actor"], e["timestamp"].date()) for e in visits}),
        "unique_visitors": len({e["actor"] for e in visits}),
        "diagnostic_starts": len(by_kind["diagnostic.attempted"]),
        "diagnostic_completions": len(by_kind["diagnostic.completed"]),
        "video_plays": len(by_kind["video.played"]),
        "full_views": len(full),
        "module_completions": len({(e["actor"], e["object_id"]) for e in by_kind["module.completed"]}),
        "levels": dict(levels),
        "overall": round(sum(e["data"]["score"] for e in latest.values()) / len(latest), 1),
        "d1": round(sum(e["data"]["dimensions"]["d1"] for e in latest.values()) / len(latest), 1),
    }


def _profiles(log):
    return {e["actor"]: e["profile"] for e in log if "profile" in e}


def _check(got: dict, want: dict) -> None:
    for key in ("learners", "registered_users", "visits", "unique_visits", "unique_visitors",
                "diagnostic_starts", "diagnostic_completions", "video_plays", "full_views",
                "module_completions"):
        assert got[key]["value"] == want[key], key
    assert {r["level"]: r["learners"] for r in got["level_distribution"]} == want["levels"]
    assert got["overall_score"]["value"] == pytest.approx(want["overall"], abs=0.051)
    d1 = next(d for d in got["dimension_scores"] if d["dimension"] == "d1")
    assert d1["value"] == pytest.approx(want["d1"], abs=0.051)


def test_indicators_match_independent_counts(database_url):
    log = _log()
    assert events.record_many(log) == len(log)
    _check(compute(min_cell=1), _expected(log, lambda e: True))

    profiles = _profiles(log)
    women_pe = lambda e: e["economy"] == "pe" and profiles[e["actor"]]["gender"] == "woman"
    _check(compute(Filters(economy="pe", gender="woman"), min_cell=1), _expected(log, women_pe))

    d0, d1 = date(2026, 1, 20), date(2026, 2, 10)
    in_range = lambda e: d0 <= e["timestamp"].date() <= d1
    got = compute(Filters(date_from=d0, date_to=d1), min_cell=1)
    want = _expected(log, in_range)
    for key in ("visits", "unique_visits", "registered_users", "video_plays", "diagnostic_starts"):
        assert got[key]["value"] == want[key], key


def test_visits_series_per_day_week_month(sqlite_db):
    log = _log(seed=3, learners=60)
    events.record_many(log)
    visits = [e for e in log if e["kind"] in ("launched", "viewed")]
    weekly = defaultdict(lambda: [0, set(), set()])
    for e in visits:
        d = e["timestamp"].date()
        monday = d - timedelta(days=d.weekday())
        weekly[str(monday)][0] += 1
        weekly[str(monday)][1].add((e["actor"], d))
        weekly[str(monday)][2].add(e["actor"])
    series = compute(min_cell=1, period="week")["visits_series"]
    assert {r["period"]: (r["visits"], r["unique_visits"], r["unique_visitors"]) for r in series} == {
        k: (v[0], len(v[1]), len(v[2])) for k, v in weekly.items()}
    months = compute(min_cell=1, period="month")["visits_series"]
    assert sum(r["visits"] for r in months) == len(visits)
    assert all(len(r["period"]) == 7 for r in months)
    days = compute(min_cell=1, period="day")["visits_series"]
    assert sum(r["unique_visits"] for r in days) == len({(e["actor"], e["timestamp"].date()) for e in visits})


def test_small_cells_are_suppressed(sqlite_db):
    log = _log(seed=11, learners=40)
    events.record_many(log)
    profiles = _profiles(log)
    data = compute(min_cell=5)
    # The seeded log has groups under 5, so the checks below are exercised.
    assert any(r["suppressed"] for name in ("gender", "age_band")
               for r in data["breakdowns"][name])
    for name in ("gender", "age_band"):
        rows = data["breakdowns"][name]
        hidden = [r for r in rows if r["suppressed"]]
        for row in rows:
            n = sum(1 for p in profiles.values() if p[name] == row[name])
            if n < 5:
                assert row["suppressed"]
            if row["suppressed"]:
                assert row["learners"] is None and row["average_score"] is None
            else:
                assert row["learners"] == n
        # The subtraction attack: total − the groups shown never isolates one hidden group.
        assert len(hidden) != 1
        if hidden:
            rest = data["learners"]["value"] - sum(r["learners"] for r in rows if not r["suppressed"])
            assert rest >= 5
    # A filter down to a handful of learners suppresses every figure.
    few = Filters(economy="pe", gender="prefer_not", age_band="under_25")
    tiny = compute(few, min_cell=50)
    assert all(tiny[k]["value"] is None and tiny[k]["suppressed"] for k in (
        "learners", "visits", "registered_users", "diagnostic_completions", "overall_score"))
    assert all(r["suppressed"] and r["learners"] is None for r in tiny["level_distribution"])
    assert all(r["value"] is None for r in tiny["dimension_scores"])
    assert all(r["visits"] is None for r in tiny["visits_series"])


def test_cli_indicators_json_and_errors(sqlite_db, capsys):
    from digiready.cli.main import main

    events.record_many(_log(seed=5, learners=30))
    assert main(["analytics", "indicators", "--economy", "pe", "--from", "2026-01-01",
                 "--to", "2026-12-31", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["filters"]["economy"] == "pe" and data["min_cell_size"] == 10  # the one setting
    # --min-cell may raise the configured threshold, never lower it.
    assert main(["analytics", "indicators", "--min-cell", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["min_cell_size"] == 10
    assert main(["analytics", "indicators", "--min-cell", "25", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["min_cell_size"] == 25
    assert main(["analytics", "indicators", "--economy", "peru"]) == 1
    assert "two-letter" in capsys.readouterr().err
    assert main(["analytics", "indicators", "--from", "2026-02-01", "--to", "2026-01-01"]) == 1
    assert capsys.readouterr().err.strip() == "digiready: error: --from is after --to"


def test_cli_on_unmigrated_database_is_one_line(tmp_path, monkeypatch, capsys):
    from digiready.cli.main import main

    monkeypatch.setenv("DIGIREADY_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert main(["analytics", "indicators", "--json"]) == 1
    assert "run `digiready db upgrade` first" in capsys.readouterr().err


def test_rollups_kept_on_write_equal_a_rebuild_from_the_events(database_url):
    """Batches that split learner-days, replays and single records: the incremental
    rollups must equal the ones recomputed from the event log."""
    from sqlalchemy import select

    from digiready.events.models import ActorTotal, DailyActivity, MonthlyActivity
    from digiready.events.recorder import rebuild_rollup
    from digiready.storage import session_scope

    log = _log(seed=13, learners=50)
    events.record_many(log[: len(log) // 3])
    for spec in log[len(log) // 3: len(log) // 2]:
        spec = dict(spec)
        events.record(spec.pop("kind"), **spec)
    events.record_many(log[len(log) // 2:])
    events.record_many(log[:40])  # a replay changes nothing

    def snapshot():
        with session_scope() as db:
            return (sorted(tuple(r) for r in db.execute(select(DailyActivity.__table__)).all()),
                    sorted(tuple(r) for r in db.execute(select(MonthlyActivity.__table__)).all()),
                    sorted(tuple(r) for r in db.execute(select(ActorTotal.__table__)).all()))

    incremental = snapshot()
    with session_scope() as db:
        rebuild_rollup(db)
    assert snapshot() == incremental
    full = compute(min_cell=1)
    ranged = compute(Filters(date_from=date(2000, 1, 1), date_to=date(2100, 1, 1)), min_cell=1)
    for key in ("learners", "visits", "unique_visits", "unique_visitors", "registered_users"):
        assert full[key] == ranged[key]  # the all-time path and the date-range path agree
    assert full["visits_series"] == ranged["visits_series"]
