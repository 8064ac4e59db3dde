"""Report → XLSX annex (openpyxl): a contents sheet, then one sheet per table, every table of
the report (figure data included), numbers kept as numbers."""
from __future__ import annotations

import re
from pathlib import Path

from digiready.reports.model import Report


def _sheet_name(table_id: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]\*\?/\\:]", "-", table_id)[:28] or "table"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]}~{n}"
        n += 1
    used.add(name.lower())
    return name


def _cell(value):
    if isinstance(value, (int, float)) or value is None:
        return value
    text = str(value)
    try:
        return float(text) if re.fullmatch(r"-?\d+\.\d+", text) else int(text) \
            if re.fullmatch(r"-?\d+", text) else text
    except ValueError:
        return text


def write_xlsx(report: Report, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    contents.append([report.title])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([report.subtitle])
    if report.notice:
        contents.append([report.notice])
        contents["A3"].font = Font(bold=True)
    contents.append([])
    contents.append(["Sheet", "Table"])
    used = {"contents"}
    for table in report.tables():
        name = _sheet_name(table.id, used)
        contents.append([name, table.caption])
        ws = wb.create_sheet(name)
        ws.append([table.caption])
        ws["A1"].font = Font(bold=True)
        if report.notice:
            ws.append([report.notice])
        ws.append(table.columns)
        header_row = ws.max_row
        for cell in ws[header_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            ws.append([_cell(v) for v in row])
        if table.notes:
            ws.append([table.notes])
        ws.column_dimensions["A"].width = 48
    wb.save(str(path))
    return path
