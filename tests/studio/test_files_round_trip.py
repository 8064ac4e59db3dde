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


def test_the_pages_words_round_trip_in_their_own_file(sqlite_db, tmp_path, cli):
    """A new economy's interface/<lang>.yaml (the pages' words in Thai, with a plural of
    placeholders kept) comes out, goes in and comes out again byte-identical, and validates."""
    from digiready.authoring import store
    from digiready.packs import base_pack_dir
    from digiready.storage import session_scope

    with session_scope() as s:
        store.create_economy(s, base_pack_dir(), "th", "th", "Thailand", "test")
        store.import_translations(s, "th", "th", [
            ("interface.0.Save and continue", "บันทึกและไปต่อ", ""),
            ("interface.0.Step %(n)s of %(total)s", "ขั้นที่ %(n)s จาก %(total)s", ""),
            ("interface.0.No longer shown", "ไม่แสดงแล้ว", "")], "test")
    first = cli("studio", "export", "--economy", "th", "--out", str(tmp_path / "one" / "th"))
    assert first.returncode == 0, first.stderr
    text = (tmp_path / "one" / "th" / "interface" / "th.yaml").read_text()
    assert 'msgid: "Save and continue"\n  msgstr: "บันทึกและไปต่อ"' in text
    assert 'msgid: "Choose one item."\n  msgstr: null' in text  # still to translate
    assert text.index("no longer show") < text.index('"No longer shown"')  # kept, at the end
    assert cli("studio", "import", str(tmp_path / "one" / "th")).returncode == 0
    assert cli("studio", "export", "--economy", "th", "--out", str(tmp_path / "two" / "th")).returncode == 0
    one, two = _tree(tmp_path / "one" / "th"), _tree(tmp_path / "two" / "th")
    assert sorted(one) == sorted(two) and [p for p in one if one[p] != two[p]] == []
    checked = cli("pack", "validate", str(ROOT / "content" / "base"), "--economy",
                  str(tmp_path / "one" / "th"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
