"""``digiready demo-data``: plausible, engine-scored, synthetic-flagged, replaceable."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from digiready.cli.main import main
from digiready.diagnostic import diagnose
from digiready.packs import load_pack

FIXTURE_PACK = str(Path(__file__).parents[1] / "digiready" / "fixtures" / "pack")


def test_demo_data_fills_attempts_scored_by_the_engine(database_url, capsys):
    from digiready.storage import session_scope
    from digiready.storage.models import Attempt, Learner

    assert main(["demo-data", "--economies", "pe,ph", "--responses", "40", "--seed", "3",
                 "--quiet"]) == 0
    assert "attempts: learners=80" in capsys.readouterr().out
    with session_scope(database_url) as session:
        attempts = session.scalars(select(Attempt)).all()
        assert {a.economy for a in attempts} == {"pe", "ph"}
        assert all(a.synthetic and a.status == "completed" and a.source == "demo"
                   for a in attempts)
        learners = session.scalars(select(Learner)).all()
        assert len(learners) == 80 and all(lr.synthetic for lr in learners)
        for a in attempts[:10]:
            # Denormalised columns are filled from the profile and result.
            assert a.sector == a.profile["sector"] and a.size == a.profile["size"]
            assert a.overall_score == a.result["overall"]["score"]
            assert a.level == a.result["overall"]["level"]
            # The stored result is what the engine gives for the stored answers.
            pack = load_pack(None, a.economy)
            again = diagnose(pack, a.profile, a.answers)
            assert again["overall"] == a.result["overall"]
        genders = {a.gender for a in attempts}
        assert {"woman", "man"} <= genders
    # Running again replaces the economy's synthetic data instead of adding to it.
    assert main(["demo-data", "--economies", "pe", "--responses", "10", "--quiet"]) == 0
    with session_scope(database_url) as session:
        counts = dict(session.execute(select(Learner.economy, func.count())
                                      .group_by(Learner.economy)).all())
    assert counts == {"pe": 10, "ph": 40}


def test_demo_data_is_reproducible_and_uses_the_fixture_pack(tmp_path, capsys):
    from digiready.storage import migrate, session_scope
    from digiready.storage.models import Attempt

    scores = []
    for run in range(2):
        url = f"sqlite:///{tmp_path / f'd{run}.sqlite3'}"
        migrate.upgrade(url)
        assert main(["demo-data", "--economies", "xx", "--responses", "15", "--seed", "9",
                     "--pack", FIXTURE_PACK, "--database-url", url, "--only", "attempts",
                     "--quiet"]) == 0
        with session_scope(url) as session:
            scores.append(session.scalars(select(Attempt.overall_score)
                                          .order_by(Attempt.id)).all())
    assert scores[0] == scores[1] and len(scores[0]) >= 15


def test_demo_data_mistakes(capsys):
    assert main(["demo-data", "--economies", "peru"]) == 1
    assert "two-letter codes" in capsys.readouterr().err
    assert main(["demo-data", "--responses", "0"]) == 1
    capsys.readouterr()
    # A well-formed code that is no APEC economy and has no overlay: refused before any
    # database work, in one line naming the code and what is accepted.
    assert main(["demo-data", "--economies", "pe,zz", "--database-url",
                 "sqlite:////nonexistent/dir/x.sqlite3"]) == 1
    err = capsys.readouterr().err
    assert "unknown economy code zz" in err and "pe, pg" in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_demo_data_has_nothing_after_today_and_no_evaluation_before_the_event(tmp_path, capsys):
    """Events end at the data's date; the demo symposium took place before it and has
    evaluations; an upcoming event (the portal's own demo programme) gets none."""
    from datetime import datetime, timezone

    from sqlalchemy import create_engine, text

    from digiready.storage import migrate, session_scope

    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    migrate.upgrade(url)
    assert main(["demo-data", "--economies", "pe", "--responses", "60", "--database-url", url,
                 "--quiet"]) == 0
    out = capsys.readouterr().out
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    engine = create_engine(url)
    with engine.connect() as conn:
        last = conn.execute(text("SELECT MAX(timestamp) FROM events_event")).scalar()
        last_day = conn.execute(text("SELECT MAX(date) FROM portal_day")).scalar()
        answers = conn.execute(text("SELECT COUNT(*) FROM portal_evaluation_response")).scalar()
    assert datetime.fromisoformat(str(last)) <= now
    assert str(last_day) < now.date().isoformat() and answers > 0 and "stored=" in out
    # An event still to come: demo data leave its evaluation empty.
    from symposium_portal.seed import seed_demo

    with session_scope(url) as session:
        seed_demo(session, force=True)  # the portal's upcoming demo programme
    assert main(["demo-data", "--economies", "pe", "--responses", "20", "--database-url", url,
                 "--quiet"]) == 0
    assert "has not ended yet: no evaluations" in capsys.readouterr().out
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM portal_evaluation_response")).scalar() == 0
    engine.dispose()
