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
    return 0


def _translations(args) -> int:
    base = args.pack or base_pack_dir()
    try:
        path, total, done = refresh_translations(base, args.code, args.language)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print(f"{path}: {done} of {total} strings translated")
    return 0
