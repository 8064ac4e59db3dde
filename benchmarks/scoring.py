"""Scored-and-recommended responses per second on one core, for a 40-question pack.

Builds a 40-question pack (7 dimensions, every answer type, skip rules, 12 DII items,
35 rules) in a temporary folder, generates 2,000 random valid response sets, then times
``validate`` + scoring + recommendations over them, and ``diagnose()`` (what an adapter runs on
submit: complete validation and the whole result document). Also times the real base pack
when it validates. Each figure is the median of several rounds (``BENCH_ROUNDS``, default 5).
Writes benchmarks/results/scoring.json.

Run: ``make bench`` or ``.venv/bin/python benchmarks/scoring.py``.
"""
from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digiready.diagnostic import diagnose, score_only  # noqa: E402
from digiready.diagnostic.questionnaire import validate  # noqa: E402
from digiready.packs import PackError, load_pack  # noqa: E402

DIMENSIONS = ["connectivity", "presence_marketing", "sales_payments", "operations",
              "data_security", "skills_inclusion", "strategy"]
LEVELS = [("beginner", 0, 20), ("novice", 20, 40), ("competent", 40, 60), ("advanced", 60, 80),
          ("expert", 80, 100)]


def build_pack(folder: Path) -> Path:
    fixture = ROOT / "tests" / "digiready" / "fixtures" / "pack"
    base = folder / "base"
    (base / "modules").mkdir(parents=True)
    for name in ("pack.yaml", "profile.yaml"):
        (base / name).write_text((fixture / name).read_text())
    import shutil

    shutil.copytree(fixture / "modules" / "pay_basics", base / "modules" / "pay_basics")
    module = base / "modules" / "pay_basics" / "module.yaml"
    module.write_text(module.read_text().replace("dimension: payments", "dimension: sales_payments"))
    dump = lambda name, data: (base / name).write_text(yaml.safe_dump(data, sort_keys=False))  # noqa: E731
    dump("dimensions.yaml", {"dimensions": [{"id": d, "title": d.replace("_", " ")} for d in DIMENSIONS]})
    dump("levels.yaml", {"levels": [{"id": i, "min": lo, "max": hi, "title": i, "description": i}
                                    for i, lo, hi in LEVELS]})
    questions = []
    types = ["checklist", "scale", "yesno", "single", "scale", "checklist"]
    for n in range(40):
        dim = DIMENSIONS[n % 7]
        qtype = types[n % len(types)]
        q = {"id": f"q{n}", "dimension": dim, "type": qtype, "text": f"Question {n}?",
             "allow_na": n % 3 == 0}
        if qtype == "checklist":
            q["options"] = [{"id": f"o{k}", "label": f"Option {k}"} for k in range(6)]
            q["options"].append({"id": "none", "label": "None", "exclusive": True})
        if qtype == "single":
            q["options"] = [{"id": f"s{k}", "label": f"Choice {k}", "score": k / 3} for k in range(4)]
        if n >= 7 and n % 9 == 0:
            q["show_if"] = {"not": {"profile": "size", "equals": "sole"}}
        questions.append(q)
    dump("questions.yaml", {"questions": questions})
    checklists = [q["id"] for q in questions if q["type"] == "checklist"]
    dump("dii.yaml", {"dii_items": [{"id": f"d{k}", "label": f"Item {k}",
                                     "when": {"question": checklists[k % len(checklists)], "includes": f"o{k % 6}"}}
                                    for k in range(12)]})
    rules = []
    for dim in DIMENSIONS:
        for level in ("beginner", "novice", "competent", "advanced"):
            rules.append({"id": f"{dim}_{level}", "when": {"dimension": dim, "level_in": [level]},
                          "reason": f"{dim} is at {level}.", "priority": 3,
                          "modules": ["pay_basics"], "tool_categories": ["qr_pay"],
                          "programme_topics": ["payments"]})
    for k, qid in enumerate(checklists[:7]):
        rules.append({"id": f"gap{k}", "when": {"question": qid, "excludes": "o1"},
                      "reason": "A gap.", "priority": 4, "tool_categories": ["qr_pay"]})
    dump("recommendations.yaml", {"rules": rules})
    dump("tools.yaml", {"tool_categories": [{"id": "qr_pay", "title": "QR", "solves": "Payments"}],
                        "tools": [{"id": "t1", "category": "qr_pay", "name": "Tool"}]})
    dump("programmes.yaml", {"programmes": [{"id": "p1", "name": "Programme", "topics": ["payments"]}]})
    return base


def random_responses(pack, count: int, seed: int = 7) -> list[tuple[dict, dict]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        profile = {p.id: rng.choice(p.options).id for p in pack.profile if p.type == "single"}
        answers = {}
        for q in pack.questions:
            if q.allow_na and rng.random() < 0.1:
                answers[q.id] = "na"
            elif q.type == "checklist":
                normal = [o.id for o in q.options if not o.exclusive]
                picked = set(rng.sample(normal, rng.randint(0, len(normal))))
                answers[q.id] = [o for o in normal if o in picked]  # form order, as a browser sends it
            elif q.type == "scale":
                answers[q.id] = rng.randint(0, 5)
            elif q.type == "yesno":
                answers[q.id] = rng.choice(["yes", "partly", "no"])
            else:
                answers[q.id] = rng.choice(q.options).id
        out.append((profile, answers))
    return out


def measure(pack, responses, seconds: float = 1.5) -> tuple[float, float]:
    """Responses per second by the wall clock and per second of this process's CPU time.

    The machine is shared, so the CPU-time rate (time actually spent running here) is the
    steadier figure; the wall-clock rate is what one pinned, busy core delivers right now.
    """
    done, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for profile, answers in responses:
            clean_profile, clean, _errors = validate(pack, profile, answers, complete=False)
            score_only(pack, clean_profile, clean)
        done += len(responses)
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu_start)


def measure_diagnose(pack, responses, seconds: float = 1.5) -> float:
    """The whole result document as adapters get it: diagnose() (complete validation)."""
    done, cpu_start = 0, time.process_time()
    while time.process_time() - cpu_start < seconds:
        for profile, answers in responses:
            diagnose(pack, profile, answers)
        done += len(responses)
    return done / (time.process_time() - cpu_start)


def figures_for(pack, rounds: int) -> dict[str, int]:
    """Median of several rounds over 2,000 random response sets."""
    responses = random_responses(pack, 2000)
    measure(pack, responses[:200], 0.3)  # warm-up: the pack's compiled engine is built here
    runs = [measure(pack, responses) for _ in range(rounds)]
    return {
        "per_second_cpu": round(statistics.median(cpu for _wall, cpu in runs)),
        "per_second_wall": round(statistics.median(wall for wall, _cpu in runs)),
        "diagnose_per_second_cpu": round(statistics.median(
            measure_diagnose(pack, responses) for _ in range(max(1, rounds // 2)))),
        "rounds": rounds,
    }


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rounds = int(os.environ.get("BENCH_ROUNDS", "5"))
    figures = {"python": platform.python_version(), "target_per_second": 20000,
               "measured": "validate + score + recommend of varied random answers; median of "
                           "rounds; _cpu = per CPU-second of this process, _wall = per second "
                           "of wall clock on one pinned core (shared machine)",
               "load_average_before": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as tmp:
        pack = load_pack(build_pack(Path(tmp)))
        assert len(pack.questions) == 40
        figures["synthetic_40_questions"] = figures_for(pack, rounds)
    try:
        base = load_pack(ROOT / "content" / "base")
        figures["base_pack_questions"] = len(base.questions)
        figures["base_pack"] = figures_for(base, rounds)
    except PackError as exc:
        figures["base_pack"] = f"not measured: {len(exc.issues)} pack issue(s)"
    figures["load_average_after"] = round(os.getloadavg()[0], 2)
    out = ROOT / "benchmarks" / "results" / "scoring.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
