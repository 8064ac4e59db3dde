"""``digiready pack validate|show``: check a pack (and overlay) and summarise it."""
from __future__ import annotations

import json
import sys

from digiready.packs import PackError, load_pack, validate_pack


def register(subparsers) -> None:
    pack = subparsers.add_parser("pack", help="validate and inspect content packs")
    sub = pack.add_subparsers(dest="pack_command", metavar="ACTION")
    sub.required = True
    validate = sub.add_parser("validate", help="report every error (file:line:col) in a pack")
    validate.add_argument("path", help="base pack directory, e.g. content/base")
    validate.add_argument("--economy", help="economy overlay code (e.g. pe) or directory")
    validate.set_defaults(func=_validate)
    show = sub.add_parser("show", help="summarise a pack")
    show.add_argument("path")
    show.add_argument("--economy")
    show.add_argument("--language", help="language to show (default: the pack's default)")
    show.add_argument("--json", action="store_true", help="machine-readable, with every question")
    show.set_defaults(func=_show)


def _validate(args) -> int:
    issues, coverage = validate_pack(args.path, args.economy)
    errors = [i for i in issues if i.severity == "error"]
    for issue in issues:
        print(issue, file=sys.stderr if issue.severity == "error" else sys.stdout)
    if errors:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    pack = load_pack(args.path, args.economy)
    langs = ", ".join(f"{lang} {pct:g}%" for lang, pct in coverage.items())
    print(f"ok: {pack.id} {pack.version}: {len(pack.questions)} questions, "
          f"{len(pack.rules)} rules, {len(pack.modules)} modules"
          + (f"; translation coverage: {langs}" if langs else ""))
    return 0


def summary(pack) -> dict:
    """The JSON form of ``pack show``: enough for any program to build a valid answer file."""
    return {
        "id": pack.id, "version": pack.version, "title": pack.title, "economy": pack.economy,
        "language": pack.language, "languages": list(pack.languages), "licence": pack.licence,
        "currency": pack.currency, "min_peer_group": pack.min_peer_group,
        "translation_coverage": pack.translation_coverage,
        "answer_file": {"profile": "object: profile id -> option id (or text)",
                        "answers": "object: question id -> value (checklist: list of option ids)"},
        "dimensions": [{"id": d.id, "title": d.title, "optional": d.optional} for d in pack.dimensions],
        "levels": [{"id": lv.id, "min": lv.min, "max": lv.max, "title": lv.title} for lv in pack.levels],
        "profile": [{"id": p.id, "type": p.type, "text": p.text, "required": p.required,
                     "values": [o.id for o in p.options] if p.type == "single" else None}
                    for p in pack.profile],
        "questions": [{"id": q.id, "dimension": q.dimension, "type": q.type, "text": q.text,
                       "required": q.required, "allow_na": q.allow_na,
                       "multiple": q.type == "checklist", "values": q.allowed_values(),
                       "show_if": q.show_if} for q in pack.questions],
        "modules": [{"id": m.id, "title": m.title, "duration_seconds": m.duration_seconds}
                    for m in pack.modules.values()],
        "tool_categories": sorted(pack.tool_categories),
        # a category with no tool here is never recommended (docs/diagnostic-method.md)
        "tool_categories_without_tools": sorted(c for c in pack.tool_categories if not pack.tools_in(c)),
        "tools": len(pack.tools), "programmes": len(pack.programmes), "rules": len(pack.rules),
        "warnings": list(pack.warnings),
    }


def _show(args) -> int:
    try:
        pack = load_pack(args.path, args.economy, args.language)
    except PackError as exc:
        for issue in exc.issues:
            print(issue, file=sys.stderr)
        return 1
    data = summary(pack)
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"{pack.title} ({pack.id} {pack.version}), language {pack.language}, licence {pack.licence}")
    if pack.economy:
        print(f"economy: {pack.economy_name} ({pack.economy}), currency {pack.currency}")
    print(f"languages: {', '.join(pack.languages)}; translation coverage: "
          + (", ".join(f"{k} {v:g}%" for k, v in pack.translation_coverage.items()) or "n/a"))
    for dim in pack.dimensions:
        count = sum(1 for q in pack.questions if q.dimension == dim.id)
        print(f"  {dim.id:<22} {count:>2} questions  {dim.title}{' (optional)' if dim.optional else ''}")
    print(f"{len(pack.questions)} questions, {len(pack.profile)} profile questions, "
          f"{len(pack.rules)} rules, {len(pack.tool_categories)} tool categories, "
          f"{len(pack.tools)} tools, {len(pack.programmes)} programmes, {len(pack.modules)} modules")
    if data["tool_categories_without_tools"]:
        print("tool categories with no tool (never recommended; add a tool to offer them): "
              + ", ".join(data["tool_categories_without_tools"]))
    return 0
