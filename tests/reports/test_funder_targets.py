"""The funder's indicators against the targets set in the configuration (DIGIREADY_TARGET_*):
measured / target / % reached in the final report's table and in its executive summary; "no
target set" (never a made-up default) when the configuration holds none; a malformed target
stops the report with the setting's name."""
from __future__ import annotations

import pytest

from tests.reports.conftest import ECONOMIES


def _summary_text(report) -> str:
    summary = next(s for s in report.sections if s.id == "summary")
    return " ".join(getattr(b, "text", " ".join(getattr(b, "items", [])))
                    for _d, sec in summary.walk() for b in sec.blocks)


def _indicator_rows(report) -> dict[tuple[str, str], list]:
    table = next(t for t in report.tables() if t.id == "funder-indicators")
    return {(row[0], row[1]): row for row in table.rows}


def test_without_targets_the_report_says_none_is_set(built):
    report = built.reports["final"]
    rows = _indicator_rows(report)
    registered = [r for (_e, label), r in rows.items() if label == "Registered users"]
    assert len(registered) == len(ECONOMIES)
    assert all(r[3] == "no target set" and r[4] == "no target set" for r in registered)
    assert all(isinstance(r[2], int) for r in registered)
    summary = _summary_text(report)
    assert "No targets are set in the configuration" in summary
    assert "registered users" in summary and "(no target set)" in summary


def test_targets_from_the_configuration_are_compared(synthetic_db, monkeypatch):
    from digiready.reports import build_report
    from digiready.reports.common import economy_name

    monkeypatch.setenv("DIGIREADY_TARGET_REGISTERED_USERS", "pe=40, ph=1000")
    monkeypatch.setenv("DIGIREADY_TARGET_VIDEO_PLAYS", "250")
    report = build_report("final", ECONOMIES, url=synthetic_db)
    rows = _indicator_rows(report)
    summary = _summary_text(report)
    pe = rows[(economy_name("pe"), "Registered users")]
    measured = report.facts["pe.usage.registered_users"]
    assert pe[2] == measured and pe[3] == 40
    assert pe[4] == pytest.approx(round(100 * measured / 40, 1))
    assert report.facts["pe.reached.registered_users"] == pe[4]
    assert rows[(economy_name("ph"), "Registered users")][3] == 1000
    # An economy the per-economy list leaves out has no target, said so.
    assert rows[(economy_name("vn"), "Registered users")][3] == "no target set"
    for e in ECONOMIES:  # one number: every economy's target
        assert rows[(economy_name(e), "Video plays")][3] == 250
    assert f"registered users {measured:,} of a target of 40 " in summary
    assert "% reached)" in summary and "Each is compared with the funder's target" in summary
    assert "No targets are set" not in summary


@pytest.mark.parametrize("value, said", [
    ("lots", "must be a number, not 'lots'"),
    ("pe=12,ph", "'code=number' pairs"),
    ("pe=-5", "must be a positive number"),
])
def test_a_malformed_target_stops_the_report_naming_the_setting(synthetic_db, monkeypatch,
                                                                  capsys, tmp_path, value, said):
    from digiready.cli.main import main

    monkeypatch.setenv("DIGIREADY_TARGET_VISITS", value)
    status = main(["report", "final", "--economies", ",".join(ECONOMIES), "--database-url",
                   synthetic_db, "--formats", "html", "--out", str(tmp_path), "--quiet"])
    err = capsys.readouterr().err
    assert status == 1
    assert "DIGIREADY_TARGET_VISITS" in err and said in err
    assert not list(tmp_path.iterdir())
