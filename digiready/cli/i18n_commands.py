"""``digiready i18n update|compile|check``: the apps' interface catalogues (docs/translation.md)."""
from __future__ import annotations

from collections import Counter

from digiready.cli.main import CommandError


def register(subparsers) -> None:
    i18n = subparsers.add_parser("i18n", help="the interface catalogues of the apps (gettext)")
    sub = i18n.add_subparsers(dest="i18n_command", metavar="ACTION")
    sub.required = True
    update = sub.add_parser("update", help="extract the interface strings and merge them into "
                                           "every language's .po (new ones empty)")
    update.add_argument("--app", action="append", help="only this catalogue (repeatable)")
    update.add_argument("--language", action="append", default=[],
                        help="also start this language's catalogue, e.g. th (repeatable)")
    update.set_defaults(func=_update)
    compile_ = sub.add_parser("compile", help="build each .mo from its .po")
    compile_.add_argument("--app", action="append")
    compile_.set_defaults(func=_compile)
    check = sub.add_parser("check", help="list what is missing, fuzzy or mistranslated "
                                         "(exit status 1 if anything is)")
    check.add_argument("--app", action="append")
    check.add_argument("--language", action="append", help="only this language (repeatable)")
    check.add_argument("--summary", action="store_true", help="counts per catalogue and language only")
    check.set_defaults(func=_check)
    apps = sub.add_parser("apps", help="the catalogues, their folders and languages")
    apps.set_defaults(func=_apps)


def _catalogs(names):
    try:
        import babel  # noqa: F401
    except ImportError as exc:
        raise CommandError("Babel is not installed (pip install Babel; it comes with "
                           "digiready[lti], [portal] and [studio])") from exc
    from digiready import ui_catalogs

    try:
        return ui_catalogs.find(names)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


def _update(args) -> int:
    from digiready import ui_catalogs

    for catalog in _catalogs(args.app):
        counts = ui_catalogs.update(catalog, add=args.language)
        print(f"{catalog.name}: " + ", ".join(f"{lang} {done}/{total}"
                                               for lang, (done, total) in counts.items()))
    return 0


def _compile(args) -> int:
    from digiready import ui_catalogs

    for catalog in _catalogs(args.app):
        written = ui_catalogs.compile_catalog(catalog)
        print(f"{catalog.name}: compiled {', '.join(p.parent.parent.name for p in written)}")
    return 0


def _check(args) -> int:
    from digiready import ui_catalogs

    catalogs = _catalogs(args.app)
    problems = []
    required = ui_catalogs.pack_languages()
    for catalog in catalogs:
        found = [p for p in ui_catalogs.check(catalog)
                 if not args.language or p.language in args.language]
        lacking = [lang for lang in required if lang not in catalog.offered()]
        if catalog.learner_facing and lacking:
            found.append(ui_catalogs.Problem(catalog.name, None, "does not offer the pack "
                                             f"language(s) {', '.join(lacking)}"))
        problems += found
        per_language = Counter(p.language for p in found)
        print(f"{catalog.name} ({catalog.directory}): offers {', '.join(catalog.offered())}; "
              + (", ".join(f"{lang or 'all'}: {n} to do" for lang, n in per_language.items())
                 or "complete"))
    if not args.summary:
        for problem in problems:
            print(f"  {problem}")
    return 1 if problems else 0


def _apps(args) -> int:
    for catalog in _catalogs(None):
        print(f"{catalog.name}: {catalog.directory} ({catalog.domain}), mapping {catalog.mapping}, "
              f"offers {', '.join(catalog.offered())}")
    return 0
