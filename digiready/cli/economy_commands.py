"""``digiready economy new|translations``: replicate DigiReady for a new economy."""
from __future__ import annotations

from pathlib import Path

from digiready.cli.main import CommandError
from digiready.packs.paths import base_pack_dir
from digiready.packs.scaffold import new_economy, refresh_translations


def register(subparsers) -> None:
    economy = subparsers.add_parser("economy", help="scaffold and maintain economy overlays")
    sub = economy.add_subparsers(dest="economy_command", metavar="ACTION")
    sub.required = True
    new = sub.add_parser("new", help="scaffold an overlay that validates, every string marked to translate")
    new.add_argument("code", help="ISO 3166-1 alpha-2 code, e.g. th")
    new.add_argument("--language", required=True, help="main language code, e.g. th")
    new.add_argument("--name", help="economy name, e.g. Thailand")
    new.add_argument("--pack", type=Path, default=None, help="base pack (default content/base)")
    new.set_defaults(func=_new)
    tr = sub.add_parser("translations", help="add new strings to a translation file, keeping existing ones")
    tr.add_argument("code")
    tr.add_argument("--language", required=True)
    tr.add_argument("--pack", type=Path, default=None)
    tr.set_defaults(func=_translations)


def _new(args) -> int:
    code = args.code.lower()
    if len(code) != 2 or not code.isalpha():
        raise CommandError(f"economy code must be two letters (ISO 3166-1 alpha-2), got {args.code!r}")
    base = args.pack or base_pack_dir()
    try:
        folder = new_economy(base, base.resolve().parent / "economies", code, args.language, args.name)
    except (FileExistsError, ValueError) as exc:
        raise CommandError(str(exc)) from exc
    print(f"created {folder}; next: translate {folder}/translations/{args.language}.yaml, then "
          f"'digiready pack validate {base} --economy {code}'")
    _report_interface(folder, args.language)
    return 0


def _translations(args) -> int:
    base = args.pack or base_pack_dir()
    try:
        path, total, done = refresh_translations(base, args.code, args.language)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print(f"{path}: {done} of {total} strings translated")
    _report_interface(path.parent.parent, args.language)
    return 0


def _report_interface(folder: Path, language: str) -> None:
    """Write (or refresh, keeping what is translated) ``interface/<language>.yaml`` when the
    learning pages have no catalogue in ``language``: their own words, which learners see in
    that language once all are translated (docs/content-pack-format.md)."""
    try:
        found = refresh_interface(folder, language)
    except ModuleNotFoundError as exc:  # Babel: installed with every app, not with the core
        print(f"(the pages' words in '{language}' need {exc.name}: install digiready[studio])")
        return
    if found is not None:
        path, total, done = found
        print(f"{path}: {done} of {total} words of the learning pages translated; learners "
              f"see the pages in '{language}' once all are")


def refresh_interface(folder: Path, language: str) -> tuple[Path, int, int] | None:
    from digiready.authoring.interface import file_texts, interface_file, needing, texts_for
    from digiready.packs.yamlfile import load_yaml

    if not needing(language):
        return None
    path = folder / "interface" / f"{language}.yaml"
    existing: dict[str, str] = {}
    if path.is_file():
        doc, issues = load_yaml(path)
        if doc is None or any(i.severity == "error" for i in issues):
            raise CommandError("; ".join(map(str, issues)) or f"{path}: cannot be read")
        existing = file_texts(doc.data)
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(interface_file(language, existing))
    texts = texts_for(language)
    return path, len(texts), sum(all(existing.get(u) for u in t.units) for t in texts)
