"""Synthetic events from ``digiready demo-data``: plausible, flagged, replaced on a re-run."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from digiready.cli.main import main
from digiready.events.indicators import compute
from digiready.events.models import ActorTotal, DailyActivity, Event, MonthlyActivity
from digiready.events.recorder import rebuild_rollup
from digiready.storage import session_scope

PACK = Path(__file__).resolve().parents[1] / "digiready" / "fixtures" / "pack"


def _generate(seed: int = 4) -> None:
    assert main(["demo-data", "--economies", "pe,ph", "--responses", "15", "--seed", str(seed),
                 "--pack", str(PACK), "--quiet", "--only", "attempts,events"]) == 0


def _rollups():
    with session_scope() as db:
        return [sorted(tuple(r) for r in db.execute(select(t.__table__)).all())
                for t in (DailyActivity, MonthlyActivity, ActorTotal)]


def test_demo_events_are_plausible_flagged_and_replaced(database_url):
    _generate()
    with session_scope() as db:
        first = db.scalar(select(func.count()).select_from(Event))
        assert db.scalar(select(func.count()).select_from(Event).where(Event.synthetic.is_(False))) == 0
        kinds = set(db.scalars(select(Event.kind).distinct()))
    assert {"registered", "launched", "viewed", "diagnostic.attempted", "diagnostic.completed",
            "module.progressed", "video.initialized", "video.played"} <= kinds
    data = compute(min_cell=1)
    assert data["learners"]["value"] == 30 and data["registered_users"]["value"] == 30
    assert data["diagnostic_completions"]["value"] >= 30
    assert {r["economy"] for r in data["breakdowns"]["economy"]} == {"pe", "ph"}
    assert 0 < data["video_plays"]["value"] and data["visits"]["value"] > 60

    _generate()  # the same seed again: replaced, not added
    with session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Event)) == first
    incremental = _rollups()
    with session_scope() as db:
        rebuild_rollup(db)
    assert _rollups() == incremental
    assert compute(min_cell=1)["learners"]["value"] == 30
