"""``digiready demo``: migrate, seed, and serve the tool and the demo LMS on one port.

The LMS lives under ``/lms`` and the tool at the root of the same local server (a threaded
server, because the tool calls back into the LMS for keys, scores and the roster). The LMS's
keys and its gradebook are kept in ``var/`` so restarting the demo keeps launches and grades.
Its course page offers a learner launch in any economy of the content folder and any
language of the tool's pages.
"""
from __future__ import annotations

import json
import logging

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import run_simple

from digiready import config
from lti_tool.demo.platform import PeerPlatform, PlatformKey


def _platform_key() -> PlatformKey | None:
    path = config.var_dir() / "demo-lms-key.json"
    if path.exists():
        return PlatformKey(**json.loads(path.read_text()))
    return None


def _save_key(key: PlatformKey) -> None:
    path = config.var_dir() / "demo-lms-key.json"
    path.write_text(json.dumps(key.__dict__))
    path.chmod(0o600)


# The tool's page languages, by their own names (lti_tool.app.LANGUAGES holds the codes).
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fil": "Filipino", "vi": "Tiếng Việt",
                  "id": "Bahasa Indonesia", "tpi": "Tok Pisin"}


def economy_choices() -> dict[str, str]:
    """Every economy the tool can serve: code -> "Name (code)"."""
    import yaml

    from digiready.packs.paths import base_pack_dir, economy_codes, economy_dir

    choices = {}
    for code in economy_codes():
        try:
            overlay_file = economy_dir(base_pack_dir(), code) / "overlay.yaml"
            overlay = yaml.safe_load(overlay_file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):  # e.g. only published by Studio: its code will do
            overlay = {}
        choices[code] = f"{overlay.get('name') or code.upper()} ({code})"
    return choices


def language_choices() -> dict[str, str]:
    from lti_tool.app import LANGUAGES

    return {code: LANGUAGE_NAMES.get(code, code) for code in LANGUAGES}


def build(base: str) -> tuple[PeerPlatform, object]:
    """The demo platform and the combined WSGI app (tool at /, LMS at /lms)."""
    from lti_tool.app import create_app

    key = _platform_key()
    platform = PeerPlatform(base_url=base + "/lms", tool_base_url=base,
                            client_id="digiready-demo", deployment_id="demo-deployment",
                            keys=[key] if key else [], economies=economy_choices(),
                            languages=language_choices(),
                            score_log=config.var_dir() / "demo-lms-scores.jsonl")
    if key is None:
        _save_key(platform.signing_key)
    tool = create_app()
    tool.wsgi_app = DispatcherMiddleware(tool.wsgi_app, {"/lms": platform.app()})  # type: ignore
    return platform, tool


def seed(platform: PeerPlatform) -> None:
    from digiready.storage import session_scope
    from lti_tool.registration import service

    args = platform.registration_args()
    with session_scope() as s:
        service.add(s, service.PlatformInput(**args, economy=None, language=None,
                                             title="Demo LMS"))


def run_demo(host: str, port: int, *, serve: bool = True) -> int:
    from digiready.cli.main import CommandError
    from digiready.storage import migrate

    migrate.upgrade()
    base = f"http://{host}:{port}"
    platform, app = build(base)
    seed(platform)
    print(f"DigiReady demo: open {base}/lms/  (Ctrl+C to stop)", flush=True)
    if not serve:
        return 0
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    except OSError as exc:
        raise CommandError(f"cannot listen on {host}:{port} ({exc.strerror}); "
                           f"try --port {port + 1} (with make run: DIGIREADY_DEMO_LTI_PORT={port + 1})") from exc
    return 0
