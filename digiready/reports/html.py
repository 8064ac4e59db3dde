"""Report → HTML (Jinja2). The same HTML is the web version and the PDF's source."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from digiready.reports.charts import data_uri
from digiready.reports.model import Report

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
    return env


def render_html(report: Report) -> str:
    from digiready.reports.builders import economy_name

    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    if report.notice:
        # A running header on every printed page; the HTML shows a banner instead.
        css += SYNTHETIC_PAGE_CSS % report.notice.replace('"', "'")
    return _environment().get_template("report.html").render(
        report=report, css=css,
        economy_names=", ".join(economy_name(e) for e in report.economies))
