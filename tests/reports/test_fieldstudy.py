"""Field study: XLSForm export that pyxform converts, import round trip, bad files rejected
whole with row-numbered errors."""
from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from sqlalchemy import func, select

from digiready.cli.main import main
from digiready.demo.attempts import synthetic_answers, synthetic_profile
from digiready.diagnostic import validate
from digiready.packs import load_pack
from digiready.reports.fieldstudy.xlsform import build_xlsform

FIXTURE_PACK = str(Path(__file__).parents[1] / "digiready" / "fixtures" / "pack")


def _xform(path: Path) -> str:
    from pyxform.xls2xform import convert

    return convert(str(path)).xform


@pytest.mark.parametrize("pack_args", [["--pack", FIXTURE_PACK], ["--economy", "pe"],
                                       ["--economy", "vn", "--language", "en"]])
def test_xlsform_converts_with_pyxform(tmp_path, pack_args, capsys):
    out = tmp_path / "form.xlsx"
    assert main(["fieldstudy", "xlsform", *pack_args, "--out", str(out)]) == 0
    xform = _xform(out)
    pack = load_pack(pack_args[1] if pack_args[0] == "--pack" else None,
                     None if pack_args[0] == "--pack" else pack_args[1],
                     pack_args[3] if len(pack_args) > 2 else None)
    for q in pack.questions:
        assert f"/{q.id}" in xform, f"question {q.id} missing from the XForm"
    for p in pack.profile:
        assert f"/{p.id}" in xform
    # Skip rules became relevant expressions.
    if any(q.show_if for q in pack.questions):
        assert "relevant=" in xform


def test_xlsform_keeps_skip_rules_and_exclusive_options():
    pack = load_pack(None, "pe", "en")
    survey = {row["name"]: row for row in build_xlsform(pack)["survey"] if row.get("name")}
    assert survey["website_up_to_date"]["relevant"] == "selected(${online_presence}, 'website')"
    assert "count-selected(.) > 1" in survey["devices_used"]["constraint"]
    assert survey["devices_used"]["type"] == "select_multiple q_devices_used"
    assert survey["economy"]["default"] == "pe"


def _rows(pack, n: int, seed: int = 3) -> list[tuple[dict, dict]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        profile, trait = synthetic_profile(rng, pack, "pe")
        answers = synthetic_answers(rng, pack, "pe", trait)
        clean_profile, clean_answers, errors = validate(pack, profile, answers)
        assert not errors
        out.append((clean_profile, clean_answers))
    return out


def _write_kobo_csv(pack, rows, path: Path, *, expanded: bool = False) -> None:
    """A KoboToolbox-style export: group/field column names, select_multiple as
    space-separated values (or one 0/1 column per option), an instance id per row."""
    columns = ["start", "end"] + [f"profile/{p.id}" for p in pack.profile]
    for q in pack.questions:
        if expanded and q.type == "checklist":
            columns += [f"{q.dimension}/{q.id}/{o.id}" for o in q.options]
        else:
            columns.append(f"{q.dimension}/{q.id}")
    columns += ["meta/instanceID", "_uuid"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for i, (profile, answers) in enumerate(rows):
            values = []
            for col in columns:
                parts = col.split("/")
                if col in ("start", "end"):
                    values.append("2026-05-01T10:00:00")
                elif col == "meta/instanceID":
                    values.append(f"uuid:{i:08d}")
                elif col == "_uuid":
                    values.append(f"{i:08d}")
                elif parts[0] == "profile":
                    values.append(str(profile.get(parts[1], "")))
                elif len(parts) == 3:
                    values.append("1" if parts[2] in answers.get(parts[1], []) else "0")
                else:
                    v = answers.get(parts[1], "")
                    values.append(" ".join(v) if isinstance(v, list) else str(v))
            writer.writerow(values)


@pytest.mark.parametrize("expanded", [False, True])
def test_import_round_trip_returns_the_same_answers(database_url, tmp_path, expanded, capsys):
    from digiready.storage import session_scope
    from digiready.storage.models import Attempt, Learner

    pack = load_pack(None, "pe")
    rows = _rows(pack, 12)
    path = tmp_path / "export.csv"
    _write_kobo_csv(pack, rows, path, expanded=expanded)
    assert main(["fieldstudy", "import", str(path), "--economy", "pe"]) == 0
    assert "imported 12 of 12" in capsys.readouterr().out
    with session_scope(database_url) as session:
        stored = session.execute(
            select(Learner.external_id, Attempt.profile, Attempt.answers, Attempt.source,
                   Attempt.synthetic, Attempt.overall_score, Attempt.economy)
            .join(Attempt).order_by(Learner.external_id)).all()
    assert len(stored) == 12
    for (profile, answers), row in zip(rows, stored, strict=True):
        assert row.source == "fieldstudy" and row.synthetic is False and row.economy == "pe"
        assert row.profile == profile
        # Checklist order may differ between a CSV and the original list: compare as sets.
        norm = {k: (sorted(v) if isinstance(v, list) else v) for k, v in answers.items()}
        got = {k: (sorted(v) if isinstance(v, list) else v) for k, v in row.answers.items()}
        assert got == norm
        assert row.overall_score is not None


def test_file_with_bad_rows_is_rejected_whole(database_url, tmp_path, capsys):
    from digiready.storage import session_scope
    from digiready.storage.models import Attempt

    pack = load_pack(None, "pe")
    rows = _rows(pack, 5, seed=11)
    rows[1][1]["devices_used"] = ["smartphone", "flying_car"]  # spreadsheet row 3
    del rows[3][1]["internet_connection"]  # required, row 5
    rows[4][0]["size"] = "huge"  # row 6
    path = tmp_path / "bad.csv"
    _write_kobo_csv(pack, rows, path)
    assert main(["fieldstudy", "import", str(path), "--economy", "pe"]) == 1
    err = capsys.readouterr().err
    assert "row 3:" in err and "flying_car" in err
    assert "row 5:" in err and "internet_connection" in err
    assert "row 6:" in err and "size" in err
    assert "row 2:" not in err and "row 4:" not in err
    assert "nothing imported" in err
    assert "Traceback" not in err
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Attempt)) == 0
    # --skip-bad-rows imports the good ones; a second import finds them already there.
    assert main(["fieldstudy", "import", str(path), "--economy", "pe", "--skip-bad-rows"]) == 0
    assert "imported 2 of 5" in capsys.readouterr().out
    assert main(["fieldstudy", "import", str(path), "--economy", "pe"]) == 1
    assert "already imported" in capsys.readouterr().err
    with session_scope(database_url) as session:
        assert session.scalar(select(func.count()).select_from(Attempt)) == 2


def test_import_xlsx_file(tmp_path, capsys, monkeypatch):
    from openpyxl import Workbook

    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    migrate.upgrade(url)
    pack = load_pack(None, "pe")
    rows = _rows(pack, 3, seed=5)
    csv_path = tmp_path / "e.csv"
    _write_kobo_csv(pack, rows, csv_path)
    wb = Workbook()
    with csv_path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            wb.active.append(row)
    wb.save(tmp_path / "e.xlsx")
    assert main(["fieldstudy", "import", str(tmp_path / "e.xlsx"), "--economy", "pe",
                 "--database-url", url]) == 0
    assert "imported 3 of 3" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["fieldstudy", "import", "missing.csv"], "no such file"),
    (["fieldstudy", "import", "notes.txt"], "expected a .csv or .xlsx"),
    (["fieldstudy", "xlsform", "--pack", "nowhere", "--out", "f.xlsx"], "no such directory"),
    (["fieldstudy", "xlsform", "--out", "form.csv"], "must name an .xlsx"),
])
def test_user_mistakes_get_one_line(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("x")
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("economy, language", [("pe", "es"), ("vn", "vi")])
def test_translated_forms_hold_no_english_and_ask_consent_first(economy, language):
    from digiready.reports.fieldstudy.xlsform import build_xlsform

    english = build_xlsform(load_pack(None, economy, "en"))
    form = build_xlsform(load_pack(None, economy, language))
    left_english = []
    for sheet in ("survey", "choices"):
        for a, b in zip(english[sheet], form[sheet], strict=True):
            if b.get("list_name") == "p_economy":
                continue  # economy names (Peru, Indonesia...) are the same words
            for column in ("label", "hint", "constraint_message"):
                text = str(a.get(column) or "")
                if len(text) > 3 and not text[0].isdigit() and text == b.get(column):
                    left_english.append((sheet, b.get("name"), text))
    assert not left_english, left_english[:5]
    names = [row.get("name") for row in form["survey"]]
    assert names.index("consent") < names.index("interview_date") < names.index("profile")
    consent = next(row for row in form["survey"] if row.get("name") == "consent")
    assert consent["required"] == "yes"
    groups = [row for row in form["survey"] if row.get("type") == "begin_group"
              and row["name"] != "intro"]
    assert all(row.get("relevant") == "${consent} = 'yes'" for row in groups)


def test_import_reads_the_interview_date_and_refuses_bad_ones(tmp_path, capsys):
    from sqlalchemy import create_engine, text

    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    migrate.upgrade(url)
    pack = load_pack(None, "pe")
    path = tmp_path / "dates.csv"
    _write_kobo_csv(pack, _rows(pack, 4, seed=8), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("2026-05-01T10:00:00", "31/02/2026", 2)  # row 3
    lines[3] = lines[3].replace("2026-05-01T10:00:00", "2999-01-01T00:00:00", 2)  # row 4
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["fieldstudy", "import", str(path), "--economy", "pe", "--database-url", url,
                 "--skip-bad-rows"]) == 0
    captured = capsys.readouterr()
    assert "row 3: interview date '31/02/2026' (column end) is not a date" in captured.err
    assert "row 4: interview date '2999-01-01T00:00:00' (column end) is in the future" in captured.err
    assert "imported 2 of 4" in captured.out
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = {str(v)[:19] for v in conn.execute(text("SELECT completed_at FROM core_attempt")).scalars()}
    engine.dispose()
    assert stored == {"2026-05-01 10:00:00"}  # the interview's time, not the import's


def test_import_refuses_rows_without_consent(tmp_path, capsys):
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    migrate.upgrade(url)
    pack = load_pack(None, "pe")
    path = tmp_path / "consent.csv"
    _write_kobo_csv(pack, _rows(pack, 3, seed=9), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = "intro/consent," + lines[0]
    lines[1:] = [("no," if i == 1 else "yes,") + line for i, line in enumerate(lines[1:], 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["fieldstudy", "import", str(path), "--economy", "pe", "--database-url", url,
                 "--skip-bad-rows"]) == 0
    captured = capsys.readouterr()
    assert "row 2: the respondent did not consent" in captured.err
    assert "imported 2 of 3" in captured.out
