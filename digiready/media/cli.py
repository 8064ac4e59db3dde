"""``digiready media build|status``: render the modules' videos and say what is built."""
from __future__ import annotations

import sys
import time
from pathlib import Path


def register(subparsers) -> None:
    media = subparsers.add_parser("media", help="training videos built from the module scripts")
    sub = media.add_subparsers(dest="media_command", metavar="ACTION")
    sub.required = True
    build = sub.add_parser("build", help="narrate, caption and encode each module's video (cached)")
    build.add_argument("--economy", help="economy overlay (e.g. pe); default: the base pack")
    build.add_argument("--language", action="append", help="only this language (repeatable); default: all of the pack's")
    build.add_argument("--module", action="append", help="only this module id (repeatable)")
    build.add_argument("--out", type=Path, help="media folder (default: DIGIREADY_MEDIA_DIR)")
    build.add_argument("--pack", type=Path, help="base pack folder (default: the content's base pack)")
    build.add_argument("--narrator", action="append", choices=["recorded", "piper", "espeak-ng"],
                       help="backends to use, in order (default: DIGIREADY_MEDIA_NARRATORS)")
    build.add_argument("--jobs", type=int, default=2, help="modules built at once (default 2)")
    build.set_defaults(func=_build)
    status = sub.add_parser("status", help="what is built, with durations and narrators")
    status.add_argument("--economy")
    status.add_argument("--out", type=Path)
    status.set_defaults(func=_status)


def _build(args) -> int:
    from digiready.cli.main import CommandError
    from digiready.media import MediaError, build_all
    from digiready.packs import PackError

    began = time.monotonic()

    def report(result) -> None:
        print(f"{result.status:12s} {result.message} ({result.seconds:.1f} s)", flush=True)

    try:
        results = build_all(args.economy, args.language, args.module, pack_dir=args.pack, root=args.out,
                            backends=args.narrator, progress=report, jobs=args.jobs)
    except (MediaError, PackError) as exc:
        raise CommandError(str(exc)) from None
    except ImportError as exc:
        raise CommandError(f"{exc.name} is not installed: pip install 'digiready[media]'") from None
    counts = {s: sum(r.status == s for r in results) for s in ("built", "unchanged", "no-narrator")}
    print(f"{counts['built']} built, {counts['unchanged']} unchanged, {counts['no-narrator']} without a narrator "
          f"in {time.monotonic() - began:.1f} s", file=sys.stderr)
    # A language nobody narrates is normal in a pack with several (it is reported above);
    # nothing built at all means a tool or voice is missing.
    return 1 if results and counts["no-narrator"] == len(results) else 0


def _status(args) -> int:
    from digiready.media import load_manifest
    from digiready.media.build import languages_of
    from digiready.packs import load_pack

    pack = load_pack(None, args.economy)
    for language in languages_of(args.economy):
        for module_id in pack.modules:
            m = load_manifest(module_id, language, args.economy, args.out)
            what = (f"{m.duration_seconds:6.1f} s  {m.narrator['kind']} {m.narrator['voice']}  "
                    f"{m.files['video_360p'].bytes / 1e6:.1f} MB (360p)" if m else "not built")
            print(f"{language:4s} {module_id:32s} {what}")
    return 0
