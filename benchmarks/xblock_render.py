"""The diagnostic XBlock in the xblock-sdk workbench runtime: student-view render time,
save and submit handler times, and the page weight the block adds.

Runs in-process with the workbench's own runtime and its Django key-value store (a throw-away
SQLite database, migrated first), on the real base pack (content/base, 39 questions) when it
validates, else the test fixture pack. Targets: render < 10 ms, submit < 20 ms, page weight
(HTML + JS + CSS of the block, gzip) < 30 KB. Writes benchmarks/results/xblock_render.json.

Run: ``make bench`` or ``.venv/bin/python benchmarks/xblock_render.py``.
"""
from __future__ import annotations

import gzip
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RENDERS = 200
SUBMITS = 100


def setup_django(workdir: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "workbench.settings"
    os.environ["EXCLUDE_SAMPLE_XBLOCKS"] = "yes"
    os.environ["WORKBENCH_DATABASES"] = json.dumps(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)


def content_root(workdir: Path) -> tuple[Path, str]:
    from digiready.packs import PackError, load_pack

    try:
        load_pack(ROOT / "content" / "base")
        return ROOT / "content", "content/base"
    except PackError:
        root = workdir / "content"
        fixtures = ROOT / "tests" / "digiready" / "fixtures"
        (root / "economies").mkdir(parents=True)
        (root / "base").symlink_to(fixtures / "pack")
        (root / "schema").symlink_to(ROOT / "content" / "schema")
        return root, "tests/digiready/fixtures/pack"


def complete_answers(pack) -> tuple[dict, dict]:
    """A valid, complete response: first option / middle of the scale / 'partly'."""
    from digiready.diagnostic import visible_questions

    profile = {p.id: p.options[0].id for p in pack.profile if p.type != "text" and p.options}
    answers: dict = {}
    for _ in range(5):  # skip rules may reveal more questions as answers arrive
        for q in visible_questions(pack, profile, answers)[0]:
            if q.id in answers:
                continue
            if q.type == "checklist":
                answers[q.id] = [o.id for o in q.options if not o.exclusive][:2]
            elif q.type == "scale":
                answers[q.id] = 3
            elif q.type == "yesno":
                answers[q.id] = "partly"
            else:
                answers[q.id] = q.options[0].id
    return profile, answers


def timed(fn, n: int) -> dict:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return summary(samples)


def summary(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"n": len(samples), "median_ms": round(statistics.median(samples), 3),
            "p95_ms": round(samples[int(0.95 * (len(samples) - 1))], 3), "max_ms": round(samples[-1], 3)}


def gz(text: str | bytes) -> int:
    data = text.encode() if isinstance(text, str) else text
    return len(gzip.compress(data, compresslevel=6))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        root, pack_label = content_root(workdir)
        os.environ["DIGIREADY_CONTENT_DIR"] = str(root)
        setup_django(workdir)
        from webob import Request
        from workbench.runtime import ID_MANAGER, WorkbenchRuntime
        from xblock.runtime import DictKeyValueStore, KvsFieldData


        def_id = ID_MANAGER.create_definition("digiready_diagnostic")
        usage_id = ID_MANAGER.create_usage(def_id)
        memory_store = KvsFieldData(DictKeyValueStore())

        def block_for(user: str, store: str):
            runtime = WorkbenchRuntime(user)
            if store == "memory":
                # Field data in memory, as the LMS has it after its bulk prefetch (FieldDataCache).
                runtime._services["field-data"] = memory_store
            return runtime.get_block(usage_id)

        def request(data: dict) -> Request:
            r = Request.blank("/", method="POST")
            r.body = json.dumps(data).encode()
            r.content_type = "application/json"
            return r

        measures: dict = {}
        for store in ("memory", "django"):
            block = block_for(f"viewer-{store}", store)
            pack = block.load_pack()
            profile, answers = complete_answers(pack)
            block.student_view()  # warm: pack load, template compile
            m = {"student_view": timed(block.student_view, RENDERS),
                 "runtime_render": timed(lambda b=block: b.runtime.render(b, "student_view"), RENDERS // 4)}
            saves, submits = [], []
            for n in range(SUBMITS):
                learner = block_for(f"bench-{store}-{n}", store)
                for name, data, samples in (("save_answers", {"attempt": 1, "profile": profile, "answers": answers}, saves),
                                            ("submit", {"attempt": 1}, submits)):
                    start = time.perf_counter()
                    response = learner.runtime.handle(learner, name, request(data))
                    samples.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, response.body
            m["save_answers"], m["submit"] = summary(saves), summary(submits)
            m["results_view"] = timed(learner.student_view, RENDERS)
            measures[store] = m

        fragment = block.student_view()
        css = "".join(r.data for r in fragment.resources if r.mimetype == "text/css")
        js = "".join(r.data for r in fragment.resources if r.mimetype == "application/javascript" and r.kind == "text")
        es_catalog = (ROOT / "xblocks" / "public" / "js" / "translations" / "es" / "textjs.js").read_text()
        weight = {"html_bytes": len(fragment.content.encode()), "html_gzip": gz(fragment.content),
                  "js_gzip": gz(js), "css_gzip": gz(css), "translation_js_gzip": gz(es_catalog),
                  "results_html_gzip": gz(learner.student_view().content)}
        weight["total_gzip"] = weight["html_gzip"] + weight["js_gzip"] + weight["css_gzip"]
        weight["total_gzip_translated"] = weight["total_gzip"] + weight["translation_js_gzip"]

    mem = measures["memory"]
    report = {
        "benchmark": "xblock_render", "pack": pack_label, "questions": len(pack.questions),
        "python": platform.python_version(), "machine": platform.machine(),
        "field_data": {"memory": "in-memory field data (as the LMS after FieldDataCache prefetch)",
                       "django": "the workbench's own Django key-value store: one SQLite query per field"},
        "measures": measures, "page_weight": weight,
        "targets": {"student_view_ms": 10, "submit_ms": 20, "page_weight_kb": 30},
        "within_targets": mem["student_view"]["median_ms"] < 10 and mem["submit"]["median_ms"] < 20
        and weight["total_gzip_translated"] < 30 * 1024,
    }
    out = ROOT / "benchmarks" / "results" / "xblock_render.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"pack {pack_label} ({len(pack.questions)} questions), Python {report['python']}, workbench runtime")
    for store, m in measures.items():
        print(f"[{store} field data] student view {m['student_view']['median_ms']} ms (p95 {m['student_view']['p95_ms']}), "
              f"results view {m['results_view']['median_ms']} ms, save {m['save_answers']['median_ms']} ms, "
              f"submit {m['submit']['median_ms']} ms (p95 {m['submit']['p95_ms']}); "
              f"runtime.render incl. the workbench's aside scan {m['runtime_render']['median_ms']} ms")
    print("targets: student view < 10 ms, submit < 20 ms (judged on memory field data)")
    print(f"page weight (gzip): HTML {weight['html_gzip']} B + JS {weight['js_gzip']} B + CSS {weight['css_gzip']} B "
          f"= {weight['total_gzip']} B; with a translation catalog {weight['total_gzip_translated']} B (target < 30 KB)")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
