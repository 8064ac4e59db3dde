"""Report → HTML (Jinja2). The same HTML is the web version and the PDF's source."""
from __future__ import annotations

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
    env.globals["col_widths"] = col_widths
    return env


def col_widths(table: Table) -> list[float]:
    """Column widths (percent) from the longest text in each column, capped so one long
    column cannot squeeze the others. With them the PDF uses the fixed table layout, which
    WeasyPrint lays out several times faster than measuring every cell."""
    longest = [max(len(word) for word in (str(c).split() or [""])) + 1 for c in table.columns]
    for row in table.rows:
        for i, cell in enumerate(row[:len(longest)]):
            longest[i] = max(longest[i], len(str(cell)))
    weights = [min(max(n, 5), 48) + 2 for n in longest]
    total = sum(weights) or 1
    return [round(100 * w / total, 1) for w in weights]


def render_html(report: Report) -> str:
    from digiready.reports.builders import economy_name

    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    if report.notice:
        # A running header on every printed page; the HTML shows a banner instead.
        css += SYNTHETIC_PAGE_CSS % report.notice.replace('"', "'")
    return _environment().get_template("report.html").render(
        report=report, css=css,
        economy_names=", ".join(economy_name(e) for e in report.economies))
