"""Report → editable DOCX (python-docx) with real Word headings, tables and the synthetic
notice in every page header.

python-docx cannot embed SVG, so each chart appears as its title, its text alternative and
its data table: the economy team edits the numbers and re-charts them in Word if they wish.
"""
from __future__ import annotations

from pathlib import Path

from digiready.reports.model import BulletList, Figure, Paragraph, Report, Section, Table


def _table(doc, table: Table) -> None:
    doc.add_paragraph(table.caption, style="Caption")
    t = doc.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, table.columns, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in table.rows:
        cells = t.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = "" if value is None else str(value)
    if table.notes:
        doc.add_paragraph(table.notes)


def _section(doc, sec: Section, level: int) -> None:
    doc.add_heading(sec.title, level=min(level, 9))
    for block in sec.blocks:
        if isinstance(block, Paragraph):
            p = doc.add_paragraph()
            run = p.add_run(block.text)
            run.bold = block.emphasis
        elif isinstance(block, BulletList):
            for item in block.items:
                doc.add_paragraph(item, style="List Bullet")
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Figure):
            doc.add_paragraph(f"Figure: {block.title}", style="Caption")
            doc.add_paragraph(block.alt)
            _table(doc, block.table)
    for sub in sec.subsections:
        _section(doc, sub, level + 1)


def write_docx(report: Report, path: Path) -> Path:
    from docx import Document

    doc = Document()
    props = doc.core_properties
    props.title = report.title
    props.subject = report.subtitle
    props.author = report.author
    props.language = report.language
    if report.notice:
        for section in doc.sections:
            header = section.header.paragraphs[0]
            header.text = report.notice
            footer = section.footer.paragraphs[0]
            footer.text = report.notice
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(report.subtitle)
    doc.add_paragraph(f"Generated {report.generated_at:%d %B %Y, %H:%M UTC} by DigiReady.")
    if report.notice:
        doc.add_paragraph().add_run(report.notice).bold = True
    for sec in report.sections:
        _section(doc, sec, 1)
    doc.save(str(path))
    return path
