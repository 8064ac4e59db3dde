"""Time to build the three reports (needs assessment, final, symposium) for three economies
× 3,000 synthetic responses, in every format (PDF/UA, DOCX, XLSX, HTML), on SQLite.

Steps: a fresh SQLite database in a temporary directory, ``digiready demo-data`` (timed on
its own), then ``digiready report all`` (one load of the data, three reports, four formats
each) and, for comparison, each report on its own as ``digiready report KIND`` builds it.
Loopback only; bounded by the data size.

    .venv/bin/python benchmarks/reports.py [--responses 3000] [--economies pe,ph,vn]

Target: the three reports, all formats, in under 60 s. Writes benchmarks/results/reports.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
RESULTS = REPO / "benchmarks" / "results" / "reports.json"
KINDS = ("needs-assessment", "final", "symposium")
FORMATS = ("pdf", "docx", "xlsx", "html")
TARGET_SECONDS = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=3000)
    parser.add_argument("--economies", default="pe,ph,vn")
    args = parser.parse_args()
    economies = args.economies.split(",")

    from digiready.demo import DemoContext, generate
    from digiready.reports import build_report, build_reports, write_report, write_reports
    from digiready.storage import migrate

    with tempfile.TemporaryDirectory(prefix="digiready-bench-") as tmp:
        os.environ["DIGIREADY_VAR_DIR"] = tmp
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        migrate.upgrade(url)
        t0 = time.perf_counter()
        summary = generate(DemoContext(url=url, economies=economies,
                                       responses=args.responses, seed=1))
        demo_seconds = time.perf_counter() - t0
        print(f"demo-data {len(economies)} x {args.responses}: {demo_seconds:.1f} s {summary}")
        total0 = time.perf_counter()
        reports = build_reports(KINDS, economies, url=url)
        model_seconds = time.perf_counter() - total0
        pages = {}
        sizes = {}
        for report, written in zip(reports, write_reports(reports, Path(tmp) / "all", FORMATS),
                                   strict=True):
            sizes[report.kind] = {fmt: path.stat().st_size for fmt, path in written.items()}
            pages[report.kind] = _pages(written["pdf"])
        total = time.perf_counter() - total0
        print(f"report all (3 reports x 4 formats): {total:.1f} s (model {model_seconds:.1f} s)"
              f"; PDF pages {pages}")
        per_report = {}
        for kind in KINDS:
            t = time.perf_counter()
            report = build_report(kind, economies, url=url)
            built = time.perf_counter() - t
            write_report(report, Path(tmp) / "one", FORMATS)
            per_report[kind] = {"model_s": round(built, 2),
                                "total_s": round(time.perf_counter() - t, 2)}
            print(f"report {kind}: {per_report[kind]['total_s']:.1f} s (model {built:.1f} s)")
    result = {
        "benchmark": "reports",
        "economies": economies,
        "responses_per_economy": args.responses,
        "formats": list(FORMATS),
        "demo_data_seconds": round(demo_seconds, 2),
        "all_reports_model_seconds": round(model_seconds, 2),
        "separate_commands": per_report,
        "pdf_pages": pages,
        "bytes": sizes,
        "all_reports_seconds": round(total, 2),
        "target_seconds": TARGET_SECONDS,
        "within_target": total < TARGET_SECONDS,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"three reports, all formats: {total:.1f} s (target < {TARGET_SECONDS:.0f} s) "
          f"-> {RESULTS.relative_to(REPO)}")
    return 0


def _pages(pdf: Path) -> int | None:
    import re
    import subprocess

    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"Pages:\s+(\d+)", info)
    return int(match.group(1)) if match else None


if __name__ == "__main__":
    sys.exit(main())
