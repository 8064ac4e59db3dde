"""Report → editable DOCX (python-docx): A4 pages like the PDF, real Word headings, a table of
contents field (Word fills it on opening: References → Update table), page numbers, charts
as images (the same SVG, rasterised with CairoSVG) each with its text alternative and data
table, and the synthetic notice in every page header."""
from __future__ import annotations

from pathlib import Path

from digiready.reports.model import BulletList, Figure, Paragraph, Report, Section, Table

A4_WIDTH_CM, A4_HEIGHT_CM = 21.0, 29.7


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC): Word computes it when the document is opened or
    printed; the placeholder shows until then."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    run._r.append(text)
    run = paragraph.add_run()
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run._r.append(sep)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _table(doc, table: Table) -> None:
    doc.add_paragraph(table.caption, style="Caption")
    t = doc.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, table.columns, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(t.rows[0])
    for row in table.rows:
        cells = t.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = table.formatted(value)
    if table.notes:
        doc.add_paragraph(table.notes)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _figure(doc, figure: Figure) -> None:
    from docx.shared import Cm

    doc.add_paragraph(f"Figure: {figure.title}", style="Caption")
    png = _png(figure.svg)
    if png is not None:
        import io

        picture = doc.add_picture(io.BytesIO(png), width=Cm(15))
        # The picture's alternative text, as Word's "Alt Text" pane shows it.
        inline = doc.paragraphs[-1]._p.xpath(".//wp:docPr")
        for pr in inline:
            pr.set("descr", figure.alt)
            pr.set("title", figure.title)
        del picture
    doc.add_paragraph(figure.alt)
    _table(doc, figure.table)


def _png(svg: str) -> bytes | None:
    try:
        import cairosvg
    except (ImportError, OSError):  # CairoSVG or the Cairo library missing: text only
        return None
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=2)


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
            _figure(doc, block)
    for sub in sec.subsections:
        _section(doc, sub, level + 1)


def write_docx(report: Report, path: Path) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc = Document()
    props = doc.core_properties
    props.title = report.title
    props.subject = report.subtitle
    props.author = report.author
    props.language = report.language
    for section in doc.sections:
        section.page_width, section.page_height = Cm(A4_WIDTH_CM), Cm(A4_HEIGHT_CM)
        section.left_margin = section.right_margin = Cm(1.8)
        section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)
        if report.notice:
            section.header.paragraphs[0].text = report.notice
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer.add_run((report.notice + " — ") if report.notice else "")
        footer.add_run("Page ")
        _field(footer, "PAGE", "1")
        footer.add_run(" of ")
        _field(footer, "NUMPAGES", "1")
    doc.add_heading(report.title, level=0)
    doc.add_paragraph(report.subtitle)
    doc.add_paragraph(f"Generated {report.generated_at:%d %B %Y, %H:%M UTC} by DigiReady.")
    if report.notice:
        doc.add_paragraph().add_run(report.notice).bold = True
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    update = OxmlElement("w:updateFields")  # Word offers to fill the contents on opening
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)
    doc.add_heading("Contents", level=1)
    _field(doc.add_paragraph(), 'TOC \\o "1-3" \\h \\z \\u',
           "Right-click and choose Update Field to show the table of contents.")
    for sec in report.sections:
        _section(doc, sec, 1)
    doc.save(str(path))
    return path
