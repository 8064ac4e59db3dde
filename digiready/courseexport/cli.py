"""``digiready course export``: write an economy's course as an Open edX OLX archive."""
from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    course = subparsers.add_parser("course", help="Open edX courses made from a content pack")
    sub = course.add_subparsers(dest="course_command", metavar="ACTION")
    sub.required = True
    export = sub.add_parser("export", help="write an OLX course archive (.tar.gz) that Studio imports")
    export.add_argument("--economy", default="", help="economy overlay (pe, ph, vn, id, pg); default: none")
    export.add_argument("--language", help="language of the course (default: the overlay's or pack's)")
    export.add_argument("--out", type=Path, required=True, help="archive to write, e.g. pe-es.tar.gz")
    export.add_argument("--pack", default="base", help="content pack folder name in the content directory")
    export.add_argument("--media-dir", type=Path, help="built videos (default: DIGIREADY_MEDIA_DIR)")
    export.add_argument("--media-url", help="absolute URL where the Open edX site's learners fetch the "
                                            "built videos (default: DIGIREADY_MEDIA_URL)")
    export.add_argument("--org", default="DigiReady", help="course key: organisation (default DigiReady)")
    export.add_argument("--number", help="course key: number (default: DR-<ECONOMY>)")
    export.add_argument("--run", help="course key: run (default: <language>_<pack version>)")
    export.set_defaults(func=_export)


def _export(args) -> int:
    from digiready import config
    from digiready.cli.main import CommandError
    from digiready.courseexport import CourseExportError, MediaSource, build_course, write_archive
    from digiready.packs import PackError, load_pack
    from digiready.packs.paths import content_dir

    pack_dir = content_dir() / args.pack
    economy = args.economy.strip().lower() or None
    if not (pack_dir / "pack.yaml").is_file():
        raise CommandError(f"no content pack {args.pack!r} in {content_dir()}")
    try:
        pack = load_pack(pack_dir, economy=economy, language=args.language)
    except PackError as exc:
        raise CommandError(str(exc)) from None
    if args.language and pack.language != args.language:
        raise CommandError(f"the pack has no {args.language!r} translation "
                           f"(languages: {', '.join(pack.languages)})")
    from digiready.media.manifest import media_dir

    media = None
    root = args.media_dir or media_dir()
    url = args.media_url or config.get("MEDIA_URL") or ""
    try:
        if args.media_url or (root.is_dir() and url.startswith(("http://", "https://"))):
            media = MediaSource(root, url, economy)  # an explicit URL must be absolute
        elif root.is_dir():
            print("note: built videos are left out: give --media-url (or DIGIREADY_MEDIA_URL), the absolute "
                  "address where the Open edX site's learners fetch them")
        course = build_course(pack, pack_name=args.pack, org=args.org,
                              number=args.number or f"DR-{(economy or 'base').upper()}",
                              run=args.run or f"{pack.language}_{pack.version}", media=media)
        write_archive(course, args.out)
    except CourseExportError as exc:
        raise CommandError(str(exc)) from None
    units = sum(len(s.units) for s in course.sections)
    videos = sum(1 for s in course.sections for u in s.units if u.video is not None)
    print(f"wrote {args.out}: {course.course_key}, {len(course.sections)} sections, {units} module units "
          f"({videos} with video), language {course.language}")
    for note in course.notes:
        print(f"note: {note}")
    return 0
