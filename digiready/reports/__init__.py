"""Reports generated from DigiReady's own data: needs assessment, final and symposium.

``build_report(kind, economies)`` loads the data once into one model
(:class:`~digiready.reports.model.Report`); ``write_report`` renders it as HTML, tagged PDF,
editable DOCX and an XLSX annex holding every table. Needs the ``reports`` extra.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from digiready.reports import settings as _settings  # noqa: F401  (declares the settings)
from digiready.reports.model import Report

FORMATS = ("pdf", "docx", "xlsx", "html")
KINDS = ("needs-assessment", "final", "symposium")

__all__ = ["FORMATS", "KINDS", "Report", "build_report", "build_reports", "write_report",
           "write_reports"]


def build_report(kind: str, economies: list[str], *, url: str | None = None,
                 pack_path: str | None = None,
                 progress: Callable[[str, str, float], None] | None = None) -> Report:
    from digiready.reports.aggregate import gc_paused
    from digiready.reports.builders import BUILDERS, USES_USAGE, load_inputs

    if kind not in BUILDERS:
        raise ValueError(f"unknown report {kind!r}; choose from {', '.join(KINDS)}")
    with gc_paused():
        inputs = load_inputs(url, economies, pack_path=pack_path, progress=progress,
                             usage=kind in USES_USAGE)
        return BUILDERS[kind](inputs)


def build_reports(kinds: Iterable[str], economies: list[str], *, url: str | None = None,
                  pack_path: str | None = None,
                  progress: Callable[[str, str, float], None] | None = None) -> list[Report]:
    """Several reports from one load of the data (``digiready report all``)."""
    from digiready.reports.aggregate import gc_paused
    from digiready.reports.builders import BUILDERS, USES_USAGE, load_inputs

    kinds = list(kinds)
    unknown = [k for k in kinds if k not in BUILDERS]
    if unknown:
        raise ValueError(f"unknown report {unknown[0]!r}; choose from {', '.join(KINDS)}")
    with gc_paused():
        inputs = load_inputs(url, economies, pack_path=pack_path, progress=progress,
                             usage=bool(USES_USAGE & set(kinds)))
        return [BUILDERS[kind](inputs) for kind in kinds]


def write_report(report: Report, out_dir: Path, formats: Iterable[str] = FORMATS, *,
                 progress: Callable[[str, str, float], None] | None = None) -> dict[str, Path]:
    """Write the report in each format; returns {format: path}. The garbage collector is
    paused meanwhile (as while the report is computed): the layout builds many objects and
    few cycles, so collections cost about a seventh of the time for nothing; the memory is
    returned when the report is written."""
    from digiready.reports.aggregate import gc_paused

    with gc_paused():
        return _write_report(report, out_dir, formats, progress)


def _write_report(report: Report, out_dir: Path, formats: Iterable[str],
                  progress: Callable[[str, str, float], None] | None) -> dict[str, Path]:
    from digiready.reports.html import render_html

    progress = progress or (lambda *_: None)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"digiready-{report.kind}-{'-'.join(report.economies)}"
    written: dict[str, Path] = {}
    formats = list(formats)
    html = render_html(report) if {"html", "pdf"} & set(formats) else None
    for i, fmt in enumerate(formats):
        progress(f"write {fmt}", report.kind, 100 * i / len(formats))
        path = out_dir / f"{stem}.{fmt}"
        if fmt == "html":
            path.write_text(html or "", encoding="utf-8")
        elif fmt == "pdf":
            from digiready.reports.pdf import write_pdf
            write_pdf(report, path, html)
        elif fmt == "docx":
            from digiready.reports.docx import write_docx
            write_docx(report, path)
        elif fmt == "xlsx":
            from digiready.reports.xlsx import write_xlsx
            write_xlsx(report, path)
        else:
            raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
        written[fmt] = path
    progress("written", report.kind, 100)
    return written


def _write_one(args: tuple[Report, Path, list[str]]) -> dict[str, Path]:
    report, out_dir, formats = args
    return write_report(report, out_dir, formats)


def write_reports(reports: list[Report], out_dir: Path, formats: Iterable[str] = FORMATS, *,
                  workers: int | None = None,
                  progress: Callable[[str, str, float], None] | None = None
                  ) -> list[dict[str, Path]]:
    """Write several reports, one process per report (PDF layout is CPU-bound and
    single-threaded, so on a multi-core machine the reports render side by side)."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    progress = progress or (lambda *_: None)
    formats = list(formats)
    workers = workers or min(len(reports), os.cpu_count() or 1)
    if workers <= 1 or len(reports) <= 1:
        return [write_report(r, out_dir, formats, progress=progress) for r in reports]
    out_dir.mkdir(parents=True, exist_ok=True)
    _import_renderers(formats)
    results: list[dict[str, Path]] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for i, written in enumerate(pool.map(_write_one, [(r, out_dir, formats)
                                                          for r in reports])):
            results.append(written)
            progress("write reports", reports[i].kind, 100 * (i + 1) / len(reports))
    return results


# The libraries each format is written with (imported lazily: the core runs without them).
RENDERERS = {"pdf": ("jinja2", "weasyprint", "pikepdf"), "html": ("jinja2",),
             "docx": ("docx", "cairosvg"), "xlsx": ("openpyxl",)}


def _import_renderers(formats: list[str]) -> None:
    """Import the renderers once, before the worker processes start: forked workers (the
    default on Linux) inherit them instead of each importing them again (about a second of
    CPU per worker, WeasyPrint most of it). A library that is missing is left to the
    renderer, which says what to install."""
    import importlib

    for fmt in formats:
        for module in RENDERERS.get(fmt, ()):
            try:
                importlib.import_module(module)
            except (ImportError, OSError):
                continue
