"""Report → HTML (Jinja2). The same HTML is the web version and the PDF's source."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from digiready.reports.charts import data_uri
from digiready.reports.model import Report, Table

TEMPLATES = Path(__file__).parent / "templates"

SYNTHETIC_PAGE_CSS = """
@page { @top-center { content: "%s"; font-size: 9pt; font-weight: bold; color: #5c4400; } }
"""


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["data_uri"] = data_uri
    env.globals["table_layout"] = table_layout
    env.filters["breakable"] = breakable
    return env


# The printed text width (A4, 1.8 cm margins) in em of the table font: .85rem of 11 pt.
LINE_EM = 17.4 / 2.54 * 72 / (11 * 0.85)
DENSE_LINE_EM = 17.4 / 2.54 * 72 / (11 * 0.72)
CELL_PADDING_EM = 0.9


@dataclass
class TableLayout:
    widths: list[float]  # percent
    dense: bool  # smaller type: the columns' longest words did not fit otherwise


IDENTIFIER = re.compile(r"^[\w.:/?=&%#~+-]*[./_][\w.:/?=&%#~+-]*$")
BREAK_AFTER = re.compile(r"([./_?&=-])")
ZWSP = "\u200b"


def is_url(text: str) -> bool:
    return "://" in text or text.startswith("www.")


def breakable(text: str) -> str:
    """An address or a code (``https://...``, ``MATURITY.PE.INDEX``) may break after its
    separators — never inside a word: a zero-width space marks each place."""
    return " ".join(BREAK_AFTER.sub(r"\1" + ZWSP, w) if len(w) > 14 and IDENTIFIER.match(w)
                    else w for w in text.split(" "))


def _word_em(word: str) -> float:
    """The room a word needs on one line: an address or a code only needs its longest
    segment between separators."""
    from digiready.reports.textwidth import text_width_em

    if len(word) > 14 and IDENTIFIER.match(word):
        return max(text_width_em(part) for part in BREAK_AFTER.split(word))
    return text_width_em(word)


def table_layout(table: Table) -> TableLayout:
    """Column widths (percent) for the fixed table layout (WeasyPrint lays it out several
    times faster than measuring every cell). Each column gets at least its longest word
    (measured with the font's own advance widths), so no word is ever split across lines;
    the rest of the line is shared by how much text each column holds. When the longest
    words do not fit on the line the table is set in smaller type."""
    from digiready.reports.textwidth import text_width_em

    cells = [[str(c)] for c in table.columns]
    for row in table.rows:
        for i, cell in enumerate(row[:len(cells)]):
            cells[i].append(table.formatted(cell))
    # Short cells ("no data", "suppressed", "2,345.6") stay on one line: they count whole.
    minimum = [max(_word_em(w) for text in col
                   for w in ([text] if len(text) <= 12 else text.split() or [""]))
               + CELL_PADDING_EM for col in cells]
    bold_header = [max((text_width_em(w, bold=True) for w in str(c).split()), default=0)
                   + CELL_PADDING_EM for c in table.columns]
    minimum = [max(a, b) for a, b in zip(minimum, bold_header, strict=True)]
    dense = sum(minimum) > LINE_EM
    line = DENSE_LINE_EM if dense else LINE_EM
    scale = 0.72 / 0.85 if dense else 1.0
    minimum = [m * scale for m in minimum]
    wants = [min(max(text_width_em(t) for t in col) * scale + CELL_PADDING_EM, line * 0.6)
             for col in cells]
    spare = max(0.0, line - sum(minimum))
    extra = [max(0.0, w - m) for w, m in zip(wants, minimum, strict=True)]
    share = sum(extra) or 1.0
    widths = [m + spare * x / share for m, x in zip(minimum, extra, strict=True)]
    total = sum(widths) or 1.0
    return TableLayout([round(100 * w / total, 2) for w in widths], dense)


def render_html(report: Report) -> str:
    from digiready.reports.builders import economy_name

    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    if report.notice:
        # A running header on every printed page; the HTML shows a banner instead.
        css += SYNTHETIC_PAGE_CSS % report.notice.replace('"', "'")
    return _environment().get_template("report.html").render(
        report=report, css=css,
        economy_names=", ".join(economy_name(e) for e in report.economies))
