"""``digiready serve APP``: run a web app under gunicorn (or Flask's server with --dev).

The apps are those the adapters register (:mod:`digiready.adapters`, e.g. ``lti`` and
``portal``), each named by its factory, so the core never imports Flask or an adapter itself.
"""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from digiready.cli.main import CommandError


def apps() -> dict[str, str]:
    """App name -> ``module:factory()`` of every installed adapter's web app."""
    from digiready.adapters import registry

    return dict(registry().apps)


def register(subparsers) -> None:
    serve = subparsers.add_parser("serve", help="serve a web app (gunicorn)")
    serve.add_argument("app", choices=sorted(apps()))
    serve.add_argument("--bind", default="127.0.0.1:8000", help="HOST:PORT (default %(default)s)")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    serve.add_argument("--dev", action="store_true", help="Flask's reloading development server")
    serve.set_defaults(func=_serve)


def gunicorn_config() -> Path | None:
    """deployment/gunicorn_conf.py of the checkout this package runs from (by path, so it is
    found from any directory); None when installed without it: gunicorn's defaults then."""
    import digiready

    candidate = Path(digiready.__file__).resolve().parents[1] / "deployment" / "gunicorn_conf.py"
    return candidate if candidate.is_file() else None


def _serve(args) -> int:
    target = apps()[args.app]
    module_name = target.split(":")[0]
    try:
        importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise CommandError(
            f"the {args.app} app is not installed ({exc.name} missing): "
            f"pip install 'digiready[{args.app}]'"
        ) from exc
    if args.dev:
        module = importlib.import_module(module_name)
        host, port = args.bind.rsplit(":", 1)
        module.create_app().run(host=host, port=int(port), debug=True)
        return 0
    argv = ["gunicorn", "--bind", args.bind, "--workers", str(args.workers), target]
    conf = gunicorn_config()
    if conf is not None:  # the flags above still win over the file
        argv[5:5] = ["--config", str(conf)]
    os.execvp(sys.executable, [sys.executable, "-m", *argv])
    return 0
