"""``digiready report ...`` and ``digiready fieldstudy ...``.

    digiready report needs-assessment|final|symposium --economies pe,ph,vn [--out DIR]
                     [--formats pdf,docx,xlsx,html]
    digiready fieldstudy xlsform --pack PATH [--economy CODE] --out FILE.xlsx
    digiready fieldstudy import FILE.(csv|xlsx) --pack PATH [--economy CODE] [--skip-bad-rows]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

FORMATS = ("pdf", "docx", "xlsx", "html")
KINDS = ("needs-assessment", "final", "symposium")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("report", help="build the needs-assessment, final or symposium report",
                              description="Build a report from the database, the packs and "
                                          "content/indicators.")
    p.add_argument("kind", choices=(*KINDS, "all"),
                   help="which report; 'all' builds the three from one load of the data")
    p.add_argument("--economies", required=True, help="comma-separated codes, e.g. pe,ph,vn")
    p.add_argument("--out", default="reports", help="output directory (default ./reports)")
    p.add_argument("--formats", default=",".join(FORMATS),
                   help="comma-separated formats among pdf,docx,xlsx,html (default all)")
    p.add_argument("--pack", default=None, help="content pack directory (default content/base)")
    p.add_argument("--database-url", default=None, help="database URL (default: settings)")
    p.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    p.set_defaults(func=run_report)

    f = subparsers.add_parser("fieldstudy", help="field-study form export and answer import")
    fsub = f.add_subparsers(dest="fieldstudy_command", metavar="ACTION")
    fsub.required = True
    x = fsub.add_parser("xlsform", help="export the questionnaire as an XLSForm (Kobo/ODK)")
    x.add_argument("--pack", default=None, help="content pack directory (default content/base)")
    x.add_argument("--economy", default=None, help="economy overlay to apply")
    x.add_argument("--language", default=None, help="form language (default: the pack's)")
    x.add_argument("--out", required=True, help="XLSX file to write")
    x.set_defaults(func=run_xlsform)
    i = fsub.add_parser("import", help="import collected answers (CSV or XLSX)")
    i.add_argument("file")
    i.add_argument("--pack", default=None, help="content pack directory (default content/base)")
    i.add_argument("--economy", default=None, help="economy overlay, and economy of rows "
                                                   "that name none")
    i.add_argument("--skip-bad-rows", action="store_true",
                   help="import the good rows even if some rows are bad")
    i.add_argument("--dry-run", action="store_true", help="check only, import nothing")
    i.add_argument("--database-url", default=None, help="database URL (default: settings)")
    i.set_defaults(func=run_import)


def _pack(path: str | None, economy: str | None, language: str | None = None):
    from digiready.cli.main import CommandError
    from digiready.packs import PackError, load_pack

    if path is not None and not Path(path).is_dir():
        raise CommandError(f"--pack {path}: no such directory")
    try:
        return load_pack(path, economy, language)
    except PackError as exc:
        first = exc.issues[0] if exc.issues else exc
        raise CommandError(f"content pack has errors ({len(exc.issues)}); first: {first}") from exc
    except (FileNotFoundError, KeyError, ValueError) as exc:
        raise CommandError(f"cannot load pack {path or 'content/base'} "
                           f"(economy {economy}): {exc}") from exc


def _progress(quiet: bool):
    from digiready.demo import no_progress, stderr_progress

    return no_progress if quiet else stderr_progress


def run_report(args: argparse.Namespace) -> int:
    from digiready.cli.main import CommandError
    from digiready.demo.cli import parse_economies
    from digiready.reports import build_reports, write_reports

    economies = parse_economies(args.economies)
    formats = [f.strip().lower() for f in args.formats.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise CommandError(f"--formats: unknown {', '.join(bad) or '(none)'}; "
                           f"choose among {','.join(FORMATS)}")
    if args.pack is not None and not Path(args.pack).is_dir():
        raise CommandError(f"--pack {args.pack}: no such directory")
    if "pdf" in formats:
        from digiready.reports.pdf import MissingSystemLibraries, check_system_libraries
        try:
            check_system_libraries()
        except MissingSystemLibraries as exc:
            raise CommandError(str(exc)) from exc
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from digiready.packs import PackError
    from digiready.reports.builders import ReportDataError
    from digiready.reports.indicators import IndicatorError

    progress = _progress(args.quiet)
    started = time.perf_counter()
    kinds = list(KINDS) if args.kind == "all" else [args.kind]
    try:
        reports = build_reports(kinds, economies, url=args.database_url,
                                pack_path=args.pack, progress=progress)
    except (OperationalError, ProgrammingError) as exc:
        raise CommandError(f"database not ready ({type(exc).__name__}); run "
                           "`digiready db upgrade` (and `digiready demo-data` for a demo)") from exc
    except PackError as exc:
        first = exc.issues[0] if exc.issues else exc
        raise CommandError(f"content pack has errors ({len(exc.issues)}); first: {first}; "
                           "check it with `digiready pack validate`") from exc
    except IndicatorError as exc:
        raise CommandError(f"content/indicators: {exc}") from exc
    except ReportDataError as exc:
        raise CommandError(str(exc)) from exc
    for report, written in zip(reports, write_reports(reports, Path(args.out), formats,
                                                       progress=progress), strict=True):
        for fmt, path in written.items():
            print(f"{fmt}: {path}")
        notes = [f"{e}: {report.facts.get(f'{e}.needs', 0)} needs" for e in economies
                 if report.kind != "symposium"]
        print(f"{report.title} ({'synthetic data' if report.synthetic else 'real data'}"
              + (f"; {'; '.join(notes)}" if notes else "") + ")")
    print(f"{len(reports)} report(s) in {time.perf_counter() - started:.1f} s")
    return 0


def run_xlsform(args: argparse.Namespace) -> int:
    from digiready.cli.main import CommandError
    from digiready.reports.fieldstudy import write_xlsform

    pack = _pack(args.pack, args.economy, args.language)
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CommandError("--out must name an .xlsx file")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_xlsform(pack, out)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print(f"XLSForm written to {out} ({len(pack.profile)} profile fields, "
          f"{len(pack.questions)} questions)")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from digiready.cli.main import CommandError
    from digiready.reports.fieldstudy import import_file
    from digiready.reports.fieldstudy.importer import ImportFileError

    pack = _pack(args.pack, args.economy)
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        result = import_file(Path(args.file), pack, url=args.database_url,
                             economy=args.economy, skip_bad_rows=args.skip_bad_rows,
                             dry_run=args.dry_run)
    except ImportFileError as exc:
        raise CommandError(str(exc)) from exc
    except (OperationalError, ProgrammingError) as exc:
        raise CommandError(f"database not ready ({type(exc).__name__}); "
                           "run `digiready db upgrade` first") from exc
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for error in result.errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    if result.errors and not args.skip_bad_rows:
        raise CommandError(f"{len(result.errors)} bad row(s) of {result.rows} in {args.file}; "
                           "nothing imported (fix them, or use --skip-bad-rows)")
    verb = "would import" if args.dry_run else "imported"
    print(f"{verb} {result.imported if not args.dry_run else result.rows - len(result.errors)} "
          f"of {result.rows} row(s) from {args.file}"
          + (f"; skipped {len(result.errors)} bad row(s)" if result.errors else ""))
    return 0
