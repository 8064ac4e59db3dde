"""HTML → tagged PDF (PDF/UA-1) with WeasyPrint.

WeasyPrint needs Pango, HarfBuzz and fontconfig from the system. They are checked when a PDF
is asked for, with a message naming the Debian packages, instead of a traceback from deep
inside a C library loader.
"""
from __future__ import annotations

from pathlib import Path

from digiready.reports.html import render_html
from digiready.reports.model import Report

DEBIAN_PACKAGES = ("libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 "
                   "libfontconfig1 fonts-dejavu-core")


class MissingSystemLibraries(RuntimeError):
    """WeasyPrint's system libraries are missing: the message says what to install."""


def _weasyprint():
    try:
        import weasyprint
    except ImportError as exc:
        raise MissingSystemLibraries(
            "PDF output needs WeasyPrint: pip install 'digiready[reports]'") from exc
    except OSError as exc:  # a shared library failed to load
        raise MissingSystemLibraries(
            f"PDF output needs system libraries that are missing ({exc}). On Debian/Ubuntu: "
            f"apt-get install {DEBIAN_PACKAGES} (or run scripts/install_system_deps.sh)") from exc
    return weasyprint


def check_system_libraries() -> None:
    _weasyprint()


def write_pdf(report: Report, path: Path, html: str | None = None) -> Path:
    weasyprint = _weasyprint()
    html = html or render_html(report)
    document = weasyprint.HTML(string=html, base_url=str(path.parent))
    # PDF/UA-1: tagged structure, document title shown, language set from <html lang>.
    document.write_pdf(str(path), pdf_variant="pdf/ua-1", uncompressed_pdf=False,
                       custom_metadata=True)
    add_header_scopes(path)
    return path


def add_header_scopes(path: Path) -> int:
    """Give every table header cell (/TH) of the structure tree its /Scope: /Column in the
    table head, /Row for a row's first cell. PDF/UA asks for it (screen readers announce the
    header with each cell); WeasyPrint tags TH but drops the HTML ``scope``. Returns the
    number of cells scoped."""
    try:
        import pikepdf
    except ImportError:  # the reports extra installs it; without it the PDF stays as written
        return 0
    count = 0
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return 0
        stack = [(root, None)]
        while stack:
            node, parent_tag = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend((kid, parent_tag) for kid in node)
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            tag = str(node.get("/S", ""))
            if tag == "/TH":
                scope = pikepdf.Name("/Column" if parent_tag == "/THead" else "/Row")
                attrs = node.get("/A")
                if isinstance(attrs, pikepdf.Dictionary):  # WeasyPrint's << /O /Table >>
                    if "/Scope" not in attrs:
                        attrs.Scope = scope
                        count += 1
                elif attrs is None:
                    node.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=scope)
                    count += 1
            kids = node.get("/K")
            if kids is not None:
                # A TH's scope depends on its row's parent (THead or TBody).
                stack.append((kids, parent_tag if tag == "/TR" else tag))
        pdf.save(path)
    return count
