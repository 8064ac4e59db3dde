"""Small groups are suppressed, and a report says when the data support fewer than 5 needs."""
from __future__ import annotations

from digiready.cli.main import main
from digiready.reports import build_report
from digiready.reports.html import render_html


def test_small_groups_suppressed_and_missing_needs_said(tmp_path, monkeypatch, capsys):
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    migrate.upgrade(url)
    assert main(["demo-data", "--economies", "pg", "--responses", "25", "--database-url", url,
                 "--only", "attempts", "--quiet"]) == 0
    monkeypatch.setenv("DIGIREADY_MIN_CELL_SIZE", "30")
    report = build_report("needs-assessment", ["pg"], url=url)
    html = render_html(report)
    assert report.facts["pg.needs"] == 0
    assert "support only 0 need(s), fewer than the 5 sought" in html
    gender = next(t for t in report.tables() if t.id == "gap-gender-pg")
    # Neither the size of a small group nor its mean is printed ("<30" would tell how small).
    assert all(row[1] == row[2] == "suppressed" for row in gender.rows)
    # Dimension means of a group under the threshold are not printed either.
    dims = next(t for t in report.tables() if t.id == "dims-pg")
    assert all(row[2] == "suppressed" for row in dims.rows)


def test_report_command_mistakes_are_one_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert main(["report", "final", "--economies", "pe", "--formats", "pdf,odt",
                 "--database-url", url]) == 1
    assert "--formats: unknown odt" in capsys.readouterr().err
    assert main(["report", "final", "--economies", "pe,", "--database-url", url,
                 "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "db upgrade" in err and "Traceback" not in err


def test_no_responses_or_an_unknown_economy_is_a_clear_error(tmp_path, capsys):
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    migrate.upgrade(url)
    assert main(["report", "needs-assessment", "--economies", "vn", "--database-url", url,
                 "--formats", "html,xlsx", "--out", str(tmp_path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "no completed diagnostic for Viet Nam" in err and "Traceback" not in err
    assert not (tmp_path / "digiready-needs-assessment-vn.html").exists()
    assert main(["report", "final", "--economies", "pe,zz", "--database-url", url,
                 "--formats", "html", "--out", str(tmp_path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "unknown economy code zz" in err and "Traceback" not in err


def test_report_from_real_data_is_not_marked_synthetic(tmp_path, capsys):
    """Responses stored as real (field study): nothing says synthetic."""
    from sqlalchemy import create_engine, text

    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    migrate.upgrade(url)
    assert main(["demo-data", "--economies", "vn", "--responses", "15", "--database-url", url,
                 "--only", "attempts", "--quiet"]) == 0
    engine = create_engine(url)
    with engine.begin() as conn:  # as if imported from a field study
        conn.execute(text("UPDATE core_attempt SET synthetic = 0, source = 'fieldstudy'"))
        conn.execute(text("UPDATE core_learner SET synthetic = 0"))
    engine.dispose()
    assert main(["report", "needs-assessment", "--economies", "vn", "--database-url", url,
                 "--formats", "html", "--out", str(tmp_path), "--quiet"]) == 0
    html = (tmp_path / "digiready-needs-assessment-vn.html").read_text(encoding="utf-8")
    assert "Synthetic data" not in html and "none is synthetic" in html


def test_reports_on_sqlite_and_postgresql(database_url, tmp_path, capsys):
    """The same commands on both databases; the mean printed equals the mean in SQL."""
    from sqlalchemy import create_engine, text

    assert main(["demo-data", "--economies", "ph", "--responses", "60", "--quiet"]) == 0
    assert main(["report", "needs-assessment", "--economies", "ph", "--formats", "xlsx,html",
                 "--out", str(tmp_path), "--quiet"]) == 0
    engine = create_engine(database_url)
    with engine.connect() as conn:
        mean = conn.execute(text("SELECT AVG(overall_score) FROM core_attempt "
                                 "WHERE number = 1 AND economy = 'ph'")).scalar()
    engine.dispose()
    html = (tmp_path / "digiready-needs-assessment-ph.html").read_text(encoding="utf-8")
    assert f"mean maturity score {round(mean, 1):.1f}/100" in html


def test_report_all_builds_the_three_reports(tmp_path, capsys):
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    migrate.upgrade(url)
    assert main(["demo-data", "--economies", "pe", "--responses", "30", "--database-url", url,
                 "--quiet"]) == 0
    assert main(["report", "all", "--economies", "pe", "--database-url", url,
                 "--formats", "html,xlsx", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert "3 report(s)" in capsys.readouterr().out
    for kind in ("needs-assessment", "final", "symposium"):
        for fmt in ("html", "xlsx"):
            assert (tmp_path / "out" / f"digiready-{kind}-pe.{fmt}").stat().st_size > 1000


def test_broken_pack_is_one_line(tmp_path, capsys):
    from digiready.storage import migrate

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("id: broken\nversion: [not a version\n")
    url = f"sqlite:///{tmp_path / 'b.sqlite3'}"
    migrate.upgrade(url)
    assert main(["report", "final", "--economies", "pe", "--pack", str(pack),
                 "--database-url", url, "--formats", "html", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "content pack has errors" in err and "Traceback" not in err


def test_mixed_real_and_synthetic_data_say_so_exactly(tmp_path, capsys):
    """Some responses real (field study), the others synthetic: every page says the data are
    mixed (not that every figure is synthetic) and the origin note gives the split."""
    from sqlalchemy import create_engine, text

    from digiready.reports.model import MIXED_NOTICE, SYNTHETIC_NOTICE
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    migrate.upgrade(url)
    assert main(["demo-data", "--economies", "vn", "--responses", "15", "--database-url", url,
                 "--only", "attempts", "--quiet"]) == 0
    engine = create_engine(url)
    with engine.begin() as conn:  # the even learners as if imported from a field study
        conn.execute(text("UPDATE core_attempt SET synthetic = 0, source = 'fieldstudy' "
                          "WHERE learner_id % 2 = 0"))
        real = conn.execute(text("SELECT COUNT(DISTINCT learner_id) FROM core_attempt "
                                 "WHERE synthetic = 0 AND status = 'completed'")).scalar()
        total = conn.execute(text("SELECT COUNT(DISTINCT learner_id) FROM core_attempt "
                                  "WHERE status = 'completed'")).scalar()
    engine.dispose()
    assert 0 < real < total
    assert main(["report", "needs-assessment", "--economies", "vn", "--database-url", url,
                 "--formats", "html", "--out", str(tmp_path), "--quiet"]) == 0
    html = (tmp_path / "digiready-needs-assessment-vn.html").read_text(encoding="utf-8")
    assert MIXED_NOTICE in html and SYNTHETIC_NOTICE not in html
    assert f"{total - real} of {total} responses are synthetic (Viet Nam: {total - real} of " \
           f"{total}); the others come from real diagnostics" in html
