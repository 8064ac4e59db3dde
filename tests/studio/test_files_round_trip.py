"""Files stay first-class: an overlay goes into the Studio and comes out as files that
``digiready pack validate`` accepts, and export -> import -> export gives the same bytes."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys):
    """The ``digiready`` command, run in this process (its parsed base pack is reused)."""
    from digiready.cli.main import main

    def run(*args: str) -> Ran:
        code = main(list(args))
        out = capsys.readouterr()
        return Ran(code, out.out, out.err)
    return run


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_import_export_is_byte_identical_and_validates(sqlite_db, tmp_path, cli):
    imported = cli("studio", "import", str(ROOT / "content" / "economies" / "pe"))
    assert imported.returncode == 0, imported.stderr
    first = cli("studio", "export", "--economy", "pe", "--out", str(tmp_path / "one" / "pe"))
    assert first.returncode == 0, first.stderr
    assert "warning" not in first.stdout, first.stdout
    again = cli("studio", "import", str(tmp_path / "one" / "pe"))
    assert again.returncode == 0, again.stderr
    second = cli("studio", "export", "--economy", "pe", "--out", str(tmp_path / "two" / "pe"))
    assert second.returncode == 0, second.stderr
    one, two = _tree(tmp_path / "one" / "pe"), _tree(tmp_path / "two" / "pe")
    assert sorted(one) == sorted(two)
    assert [p for p in one if one[p] != two[p]] == []
    # Every translated script, the translation file and the team's notes came through.
    assert "modules/digital_payments/script.es.md" in one
    assert b"Verificado" in one["programmes.yaml"]
    assert one["translations/es.yaml"].count(b"\n") > 100
    checked = cli("pack", "validate", str(ROOT / "content" / "base"), "--economy",
                  str(tmp_path / "one" / "pe"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "es 100%" in checked.stdout


def test_unknown_economy_is_a_clear_error(sqlite_db, tmp_path, cli):
    answer = cli("studio", "export", "--economy", "zz", "--out", str(tmp_path / "zz"))
    assert answer.returncode == 1
    assert "no economy 'zz'" in answer.stderr
