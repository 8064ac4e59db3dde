"""Shared fixtures: one synthetic database and the three reports built from it, once per
session (building PDFs is the slow part, so each test reads the same files)."""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ECONOMIES = ["pe", "ph", "vn"]
RESPONSES = 300
KINDS = ("needs-assessment", "final", "symposium")
FORMATS = ("pdf", "docx", "xlsx", "html")


@dataclass
class Built:
    url: str
    out: Path
    reports: dict  # kind -> Report model

    def path(self, kind: str, fmt: str) -> Path:
        return self.out / f"digiready-{kind}-{'-'.join(ECONOMIES)}.{fmt}"

    def pdf_text(self, kind: str) -> str:
        return subprocess.run(["pdftotext", "-layout", str(self.path(kind, "pdf")), "-"],
                              check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory) -> str:
    from digiready.cli.main import main
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'demo.sqlite3'}"
    migrate.upgrade(url)
    assert main(["demo-data", "--economies", ",".join(ECONOMIES), "--responses",
                 str(RESPONSES), "--seed", "7", "--database-url", url, "--quiet"]) == 0
    return url


@pytest.fixture(scope="session")
def built(synthetic_db, tmp_path_factory) -> Built:
    """The three reports from one load of the data (as `digiready report all` builds them),
    written one after the other in this process (the suite already keeps both cores busy)."""
    from digiready.reports import build_reports, write_report

    out = tmp_path_factory.mktemp("reports")
    reports = {}
    for report in build_reports(KINDS, ECONOMIES, url=synthetic_db):
        write_report(report, out, FORMATS)
        reports[report.kind] = report
    return Built(synthetic_db, out, reports)
