"""``digiready diagnose``: score an answer file, or ask the questions in the terminal."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from digiready.cli.main import CommandError
from digiready.diagnostic import DiagnosticError, diagnose, visible_questions
from digiready.diagnostic.questionnaire import AnswerError, normalize_answer, normalize_profile_answer
from digiready.packs import PackError, load_pack
from digiready.packs.model import NA, Pack
from digiready.packs.paths import ANY_ECONOMY, overlay_for
from digiready.presentation.results_view import recommendation_groups


def register(subparsers) -> None:
    cmd = subparsers.add_parser("diagnose", help="score an answer file or run the diagnostic interactively")
    cmd.add_argument("--pack", default=None, help="base pack directory (default: content/base)")
    cmd.add_argument("--economy", help="economy overlay code, e.g. pe")
    cmd.add_argument("--language", help="language of questions and results")
    source = cmd.add_mutually_exclusive_group(required=True)
    source.add_argument("--answers", type=Path, help="JSON file: {\"profile\": {...}, \"answers\": {...}}")
    source.add_argument("--interactive", action="store_true", help="ask the questions in the terminal")
    cmd.add_argument("--json", action="store_true", help="print the result document as JSON")
    cmd.set_defaults(func=_diagnose)


def _load(args) -> Pack:
    try:
        return load_pack(args.pack, args.economy, args.language)
    except PackError as exc:
        raise CommandError(str(exc)) from exc


def _read_answer_file(path: Path) -> tuple[dict, dict]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise CommandError(f"{path}: no such file") from exc
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("answers", {}), dict) \
            or not isinstance(data.get("profile", {}), dict):
        raise CommandError(f"{path}: expected an object with 'profile' and 'answers' objects")
    return data.get("profile", {}), data.get("answers", {})


def _diagnose(args) -> int:
    if args.interactive:
        pack = _load(args)
        profile, answers = ask(pack)
    else:
        profile, answers = _read_answer_file(args.answers)
        if not args.economy:
            # without --economy the file's own economy answer picks the overlay, as a
            # learner's answer does where a registration allows any economy (overlay_for)
            args.economy = overlay_for(None, ANY_ECONOMY, str(profile.get("economy") or "") or None)
        pack = _load(args)
    try:
        result = diagnose(pack, profile, answers)
    except DiagnosticError as exc:
        for line in exc.errors:
            print(f"{args.answers or 'answers'}: {line}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_result(result)
    return 0


def print_result(result: dict[str, Any]) -> None:
    overall = result["overall"]
    print(f"\nOverall: {overall['score']} / 100 - {overall['level_title']}")
    if overall.get("level_description"):
        print(f"  {overall['level_description']}")
    for dim in result["dimensions"]:
        score = "not answered" if dim["score"] is None else f"{dim['score']:5.1f}  {dim['level_title']}"
        print(f"  {dim['title']:<40} {score}")
    dii = result["dii"]
    print(f"Digital Intensity Index: {dii['count']} of {dii['of']} ({dii['band'].replace('_', ' ')})")
    if result["recommendations"]:
        # the same groups as the LTI and XBlock pages (digiready.presentation.results_view)
        titles = {d["id"]: d.get("title") for d in result["dimensions"]}
        print("\nWhat to do next, and why:")
        for group in recommendation_groups(result["recommendations"], need_titles=titles):
            print(f"\n{group['heading']}")
            for n, reason in enumerate(group["reasons"], 1):
                print(f"  ({n}) {reason['text']}")
                for line in reason["because"]:
                    print(f"      your answer: {line}")
            for item in group["items"]:
                numbers = f"  [answers {', '.join(map(str, item['answers']))}]" if len(group["reasons"]) > 1 else ""
                print(f"  {item['rank']}. {item['kind_label']}: {item['title']}{numbers}")
                for extra in (item["unlocks_text"], item["also"], "; ".join(item["missing_text"])):
                    if extra:
                        print(f"     {extra}")
                if item["tools"]:
                    print(f"     e.g. {', '.join(t['name'] for t in item['tools'])}")


def _prompt(text: str) -> str:
    try:
        return input(text).strip()
    except EOFError as exc:
        raise CommandError("input ended before the diagnostic was complete") from exc


def ask(pack: Pack) -> tuple[dict, dict]:
    """Ask the profile, then each question as skip rules allow; re-ask on invalid input."""
    print(f"{pack.title}\nAnswer with the number(s) shown; 'na' = not applicable.\n")
    profile: dict[str, Any] = {}
    for pq in pack.profile:
        while True:
            print(pq.text)
            if pq.type == "single":
                for n, option in enumerate(pq.options, 1):
                    print(f"  {n}. {option.label}")
            raw = _prompt("> ")
            if not raw and not pq.required:
                break
            try:
                value = pq.options[int(raw) - 1].id if pq.type == "single" and raw.isdigit() \
                    and 0 < int(raw) <= len(pq.options) else raw
                profile[pq.id] = normalize_profile_answer(pq, value)
                break
            except AnswerError as exc:
                print(f"  {exc}")
    answers: dict[str, Any] = {}
    asked: set[str] = set()
    while True:
        visible, _ = visible_questions(pack, profile, answers)
        pending = [q for q in visible if q.id not in asked]
        if not pending:
            return profile, answers
        question = pending[0]
        asked.add(question.id)
        while True:
            print(f"\n{question.text}")
            if question.example:
                print(f"  e.g. {question.example}")
            hint = _hint(pack, question)
            raw = _prompt(f"{hint}> ")
            if not raw and not question.required:
                break
            try:
                answers[question.id] = normalize_answer(question, _parse(question, raw))
                break
            except (AnswerError, IndexError, ValueError) as exc:
                print(f"  {exc}")


def _hint(pack: Pack, question) -> str:
    na = ", na" if question.allow_na else ""
    if question.type in ("checklist", "single"):
        for n, option in enumerate(question.options, 1):
            print(f"  {n}. {option.label}")
        return "  numbers separated by commas" + na + "\n" if question.type == "checklist" else ""
    if question.type == "scale":
        print("  " + "  ".join(f"{k}={v}" for k, v in pack.scale_labels_for(question).items()))
        return ""
    return f"  yes / partly / no{na} "


def _parse(question, raw: str) -> Any:
    if raw.lower() == NA:
        return NA
    if question.type == "checklist":
        picks = [p for p in raw.replace(" ", "").split(",") if p]
        return [question.options[int(p) - 1].id if p.isdigit() else p for p in picks]
    if question.type == "single":
        return question.options[int(raw) - 1].id if raw.isdigit() else raw
    if question.type == "yesno":
        return {"y": "yes", "p": "partly", "n": "no"}.get(raw.lower(), raw.lower())
    return raw
