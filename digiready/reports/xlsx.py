"""Report → XLSX annex (openpyxl): a contents sheet, then one sheet per table, every table of
the report (figure data included). Numbers are stored as numbers (a share is its own column,
never "829 (27.6%)"); text goes through the one spreadsheet helper
(:func:`digiready.spreadsheet.xlsx_append`), so a participant's comment that starts like a
formula stays text."""
from __future__ import annotations

import re
from pathlib import Path

from digiready.reports.model import Report, Table
from digiready.spreadsheet import xlsx_append


def _sheet_name(table_id: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", "-", table_id)[:28] or "table"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]}~{n}"
        n += 1
    used.add(name.lower())
    return name


def _cell(table: Table, value):
    """A number stays a number (a numeric text becomes one); anything else is the text the
    PDF prints."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = table.formatted(value)
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    return text


def write_xlsx(report: Report, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    xlsx_append(contents, [report.title])
    contents["A1"].font = Font(bold=True, size=14)
    xlsx_append(contents, [report.subtitle])
    if report.notice:
        xlsx_append(contents, [report.notice])
        contents["A3"].font = Font(bold=True)
    xlsx_append(contents, [])
    xlsx_append(contents, ["Sheet", "Table", "Where"])
    used = {"contents"}
    annex_only = {id(t) for t in report.annex}
    for table in report.tables():
        name = _sheet_name(table.id, used)
        xlsx_append(contents, [name, table.caption,
                               "annex only" if id(table) in annex_only else "printed report"])
        ws = wb.create_sheet(name)
        xlsx_append(ws, [table.caption])
        ws["A1"].font = Font(bold=True)
        if report.notice:
            xlsx_append(ws, [report.notice])
        xlsx_append(ws, list(table.columns))
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            xlsx_append(ws, [_cell(table, v) for v in row])
        if table.notes:
            xlsx_append(ws, [table.notes])
        ws.column_dimensions["A"].width = 48
    wb.save(str(path))
    return path
