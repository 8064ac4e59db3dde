"""Progress on stderr, a clear message when WeasyPrint's system libraries are missing, and
a symposium report that says "no data" when no event adapter has an event."""
from __future__ import annotations

import builtins

from digiready.cli.main import main


def test_progress_line_on_stderr(tmp_path, capsys):
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    migrate.upgrade(url)
    assert main(["demo-data", "--economies", "pe", "--responses", "20", "--database-url", url,
                 "--only", "attempts"]) == 0
    err = capsys.readouterr().err
    assert "demo attempts" in err and "pe" in err and "100.0%" in err
    assert main(["report", "needs-assessment", "--economies", "pe", "--database-url", url,
                 "--formats", "html", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    for stage in ("load data", "rank needs", "write html", "written"):
        assert stage in err


def test_missing_weasyprint_libraries_named(tmp_path, monkeypatch, capsys):
    """WeasyPrint raises OSError when Pango cannot be loaded: the user gets the packages."""
    import sys

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': no such file")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", failing_import)
    assert main(["report", "final", "--economies", "pe", "--formats", "pdf",
                 "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "apt-get install libpango-1.0-0" in err and "Traceback" not in err


def test_symposium_report_without_portal_tables_says_no_data(tmp_path):
    from sqlalchemy import create_engine

    from digiready.demo import DemoContext, generate
    from digiready.reports import build_report
    from digiready.storage.models import Attempt, Learner

    url = f"sqlite:///{tmp_path / 'core-only.sqlite3'}"
    engine = create_engine(url)
    Learner.__table__.create(engine)
    Attempt.__table__.create(engine)
    engine.dispose()
    generate(DemoContext(url=url, economies=["vn"], responses=30), only=["attempts"])
    report = build_report("symposium", ["vn"], url=url)
    summary = report.sections[0]
    assert any("no data" in getattr(b, "text", "") for b in summary.blocks)
    assert "symposium.responses" not in report.facts
