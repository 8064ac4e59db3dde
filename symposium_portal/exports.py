"""Exports for organisers: CSV in UTF-8 *with* BOM (Excel garbles UTF-8 without it) and XLSX
with dates converted to the event's time zone (and the zone named in the header), not server
time."""
from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from digiready.spreadsheet import csv_writer, xlsx_append
from symposium_portal import timez


def _cell(value, tz: str):
    if isinstance(value, datetime):
        return timez.local(value, tz)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def to_csv(header: list[str], rows: list[list], tz: str) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)  # no cell runs as a formula in a spreadsheet program
    writer.writerow(header)
    for row in rows:
        cells = []
        for v in row:
            v = _cell(v, tz)
            if isinstance(v, datetime):
                v = v.strftime("%Y-%m-%d %H:%M")
            cells.append("" if v is None else v)
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], rows: list[list], tz: str, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    xlsx_append(ws, header)
    for row in rows:
        cells = []
        for v in row:
            v = _cell(v, tz)
            if isinstance(v, datetime):
                v = v.replace(tzinfo=None)  # Excel has no zones: wall time in event zone
            cells.append(v)
        xlsx_append(ws, cells)
    for idx, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = min(max(len(name) + 2, 12), 40)
        for cell in ws[get_column_letter(idx)][1:]:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


REGISTRATION_COLUMNS = [
    "reference", "status", "full_name", "email", "organisation", "role", "economy", "sector",
    "gender", "timezone", "language", "interests", "consent_privacy", "consent_directory",
    "consent_contact", "email_confirmed_at", "created_at", "updated_at",
]


def registration_table(regs, tz: str) -> tuple[list[str], list[list]]:
    header = [c if not c.endswith("_at") else f"{c} ({tz})" for c in REGISTRATION_COLUMNS]
    return header, [[getattr(r, c) for c in REGISTRATION_COLUMNS] for r in regs]
