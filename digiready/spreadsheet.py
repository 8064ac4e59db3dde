"""Cells that a spreadsheet program shows as text, never runs: every CSV and XLSX export goes
through here (portal exports, the LTI instructor and indicators CSVs, the report annex).

Names, organisations and roles are typed by anyone, and an export is opened by staff in Excel
or LibreOffice, where a cell starting with ``=`` (or ``+``, ``-``, ``@``, a tab or a carriage
return, which the programs also read as the start of a formula) runs: ``=HYPERLINK(...)``
sends data away, ``=cmd|...`` has run programs. The OWASP advice: such a text cell starts
with a ``'``.

- CSV: such a cell gets a leading ``'`` (the only way a CSV can say "text"). Numbers are
  written as numbers and left alone.
- XLSX: the cell is stored as text (openpyxl would store ``=...`` as a formula) with the
  "quote prefix" style, Excel's own mark for text typed after a ``'``: the value stays exactly
  what was typed and stays text when someone edits the cell. Characters XLSX cannot hold
  (control characters) become U+FFFD instead of making the export fail.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What the XML of an XLSX file cannot hold (openpyxl refuses it with an exception).
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def starts_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell that is never read as a formula."""
    return "'" + value if starts_formula(value) else value


class SafeCsvWriter:
    """:func:`csv.writer` whose rows go through :func:`csv_cell`."""

    def __init__(self, out, **options) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **options) -> SafeCsvWriter:
    return SafeCsvWriter(out, **options)


def xlsx_append(worksheet, values: Iterable[Any]) -> None:
    """``worksheet.append(values)`` (an openpyxl worksheet), with text cells kept as text."""
    worksheet.append([_NOT_IN_XLSX.sub("\ufffd", v) if isinstance(v, str) else v
                      for v in values])
    for cell in worksheet[worksheet.max_row]:
        if starts_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
