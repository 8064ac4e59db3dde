"""``digiready studio ...``: accounts, and the overlay files of the Studio's economies.

``export`` writes an economy's draft as the overlay folder that ``digiready pack validate``
reads; ``import`` reads such a folder back into the draft. Export -> import -> export gives
the same bytes, so teams that keep their content in git keep working.
"""
from __future__ import annotations

import getpass
import os
import shutil
from pathlib import Path

from digiready.cli.main import CommandError


def register(subparsers) -> None:
    studio = subparsers.add_parser("studio", help="DigiReady Studio: accounts, export/import")
    sub = studio.add_subparsers(dest="studio_command", metavar="ACTION")
    sub.required = True
    add = sub.add_parser("user", help="manage Studio accounts").add_subparsers(
        dest="user_command", metavar="ACTION")
    add.required = True
    user_add = add.add_parser("add", help="create an account (password from "
                              "DIGIREADY_STUDIO_PASSWORD or asked)")
    user_add.add_argument("email")
    user_add.add_argument("--name", default="")
    user_add.add_argument("--admin", action="store_true", help="site admin: creates economies")
    user_add.add_argument("--economy", help="economy code for --role")
    user_add.add_argument("--role", choices=["admin", "editor", "translator", "reviewer"])
    user_add.set_defaults(func=_user_add)
    invite = add.add_parser("invite", help="print an invitation link")
    invite.add_argument("email")
    invite.add_argument("--economy", required=True)
    invite.add_argument("--role", required=True, choices=["admin", "editor", "translator", "reviewer"])
    invite.set_defaults(func=_invite)
    export = sub.add_parser("export", help="write an economy's draft as overlay files")
    export.add_argument("--economy", required=True)
    export.add_argument("--out", required=True, type=Path, help="folder to write (replaced)")
    export.add_argument("--published", action="store_true",
                        help="the published version instead of the draft")
    export.set_defaults(func=_export)
    imp = sub.add_parser("import", help="make an overlay folder the economy's draft")
    imp.add_argument("folder", type=Path)
    imp.add_argument("--economy", help="economy code (default: the overlay's)")
    imp.set_defaults(func=_import)
    seed = sub.add_parser("seed-demo", help="a demo account (printed) and the Peru overlay as a "
                          "draft, for `make run`")
    seed.set_defaults(func=_seed_demo)
    sync = sub.add_parser("sync-published", help="write every published version to this "
                          "host's DIGIREADY_PUBLISHED_DIR")
    sync.set_defaults(func=_sync)


def _user_add(args) -> int:
    from digiready.storage import session_scope
    from studio.accounts import service

    password = os.environ.get("DIGIREADY_STUDIO_PASSWORD") or getpass.getpass("Password: ")
    if bool(args.economy) != bool(args.role):
        raise CommandError("--economy and --role go together")
    with session_scope() as s:
        try:
            user = service.user_by_email(s, args.email)
            if user is None:
                user = service.add_user(s, args.email, password, args.name,
                                        is_admin=args.admin, actor="cli")
            if args.role:
                service.set_role(s, user, args.economy, args.role, "cli")
        except service.AccountError as exc:
            raise CommandError(str(exc)) from exc
    print(f"account {args.email}" + (f": {args.role} of {args.economy}" if args.role else "")
          + (" (site admin)" if args.admin else ""))
    return 0


def _invite(args) -> int:
    from digiready.storage import session_scope
    from studio.accounts import service

    with session_scope() as s:
        link = service.invite(s, args.email, args.economy, args.role, "cli")
    print(link)
    return 0


def _export(args) -> int:
    from digiready.authoring import publishing, store
    from digiready.authoring.build import build_overlay
    from digiready.packs.paths import base_pack_dir
    from digiready.packs.published import write_files
    from digiready.storage import session_scope

    with session_scope() as s:
        try:
            if args.published:
                row = store.economy(s, args.economy)
                version = publishing.version(s, args.economy, row.published_number or 0) if row else None
                if version is None:
                    raise CommandError(f"economy '{args.economy}' has no published version")
                files = publishing.version_files(s, version)
            else:
                built = build_overlay(store.load_content(s, args.economy), base_pack_dir())
                files = built.files
                for issue in built.errors:
                    print(f"warning: the draft does not validate yet: {issue}")
        except store.NotFound as exc:
            raise CommandError(str(exc)) from exc
    if args.out.exists():
        shutil.rmtree(args.out)
    write_files(args.out, files)
    print(f"wrote {len(files)} files to {args.out}")
    return 0


def _import(args) -> int:
    from digiready.authoring import store
    from digiready.authoring.content import ContentError, read_overlay_folder
    from digiready.storage import session_scope

    try:
        content = read_overlay_folder(args.folder)
    except ContentError as exc:
        raise CommandError(str(exc)) from exc
    if args.economy:
        content.economy = args.economy
    with session_scope() as s:
        store.replace_content(s, content, "cli")
        store.audit(s, "cli", content.economy, "draft.imported", str(args.folder))
    print(f"imported {len(content.items)} items and "
          f"{sum(map(len, content.translations.values()))} translations into '{content.economy}'")
    return 0


def _sync(_args) -> int:
    from digiready.authoring.publishing import sync_published
    from digiready.storage import session_scope

    with session_scope() as s:
        done = sync_published(s)
    for code, number in done:
        print(f"{code}: version {number}")
    print(f"{len(done)} economies written")
    return 0


DEMO_EMAIL = "studio@demo.example"
DEMO_PASSWORD = "digiready-demo"


def _seed_demo(_args) -> int:
    """Idempotent: the demo site admin, and the pe overlay imported as a draft once."""
    from digiready import config
    from digiready.authoring import store
    from digiready.authoring.content import read_overlay_folder
    from digiready.packs.paths import content_dir
    from digiready.storage import session_scope
    from studio.accounts import service

    if config.get("ENV") == "production":
        raise CommandError("seed-demo makes an account with a published password: not in production")
    with session_scope() as s:
        if service.user_by_email(s, DEMO_EMAIL) is None:
            service.add_user(s, DEMO_EMAIL, DEMO_PASSWORD, "Demo admin", is_admin=True, actor="demo")
        if store.economy(s, "pe") is None:
            store.replace_content(s, read_overlay_folder(content_dir() / "economies" / "pe"), "demo")
    print(f"DigiReady Studio demo account: {DEMO_EMAIL} / {DEMO_PASSWORD}")
    return 0
