"""The LTI tool and its peer platform (``lti1p3platform``), both served over real HTTP on
loopback ports, on the database of the ``database_url`` fixture (SQLite and PostgreSQL)."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from tests.lti_tool.htmlform import first_form, landed_url
from tests.paths import FIXTURE_PACK  # noqa: E402,F401  (re-exported for the LTI tests)


class _Late:
    """A WSGI app set after the server has its port (the platform needs the tool's URL)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


class Server:
    def __init__(self) -> None:
        self.late = _Late()
        self.server = make_server("127.0.0.1", 0, self.late, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def start(self, app) -> None:
        self.late.app = app
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class LtiEnv:
    tool_url: str
    platform: object
    platform_url: str
    app: object

    def browser(self) -> requests.Session:
        return requests.Session()

    def launch(self, user: str = "learner-1", link: str | None = None, *, deep_linking=False,
               browser: requests.Session | None = None, economy: str | None = None,
               language: str | None = None) -> requests.Response:
        """Start in the LMS, follow login and the auto-posted id_token, as a browser does.
        ``economy`` and ``language``: the learner's choices on the demo LMS's course page
        (a custom claim and the launch's locale)."""
        b = browser or self.browser()
        query = {"user": user}
        if link:
            query["link"] = link
        if deep_linking:
            query["dl"] = "1"
        if economy:
            query["economy"] = economy
        if language:
            query["language"] = language
        page = b.get(self.platform_url + "/launch", params=query, timeout=10)
        assert page.status_code == 200, page.text[:500]
        form = first_form(page.text, page.url)
        return as_shown(b.post(form.action, data=form.hidden, timeout=10))


def as_shown(page: requests.Response) -> requests.Response:
    """The page with the URL a browser's address bar shows: a diagnostic answered in the
    launch's own response puts its URL there (``history.replaceState``; the browser tests
    check that it does, under the page's CSP)."""
    page.url = landed_url(page.text, page.url) or page.url
    return page


def _environment(monkeypatch):
    from digiready.storage import session_scope
    from lti_tool.app import create_app, forget_origins
    from lti_tool.demo.platform import PeerPlatform
    from lti_tool.keys import clear_cache
    from lti_tool.launch import login_lookup, platform_keys
    from lti_tool.registration import service
    from lti_tool.services.tokens import forget_tokens

    monkeypatch.setenv("DIGIREADY_LTI_PACK", str(FIXTURE_PACK))
    for forget in (clear_cache, platform_keys.forget, forget_tokens, forget_origins,
                   login_lookup.forget):
        forget()
    tool_server, platform_server = Server(), Server()
    platform = PeerPlatform(base_url=platform_server.url, tool_base_url=tool_server.url)
    app = create_app()
    tool_server.start(app)
    platform_server.start(platform.app())
    with session_scope() as s:
        service.add(s, service.PlatformInput(**platform.registration_args(), economy=None,
                                             language=None, title="peer"))
    forget_origins()
    yield LtiEnv(tool_server.url, platform, platform_server.url, app)
    tool_server.stop()
    platform_server.stop()


@pytest.fixture
def lti_env(database_url, monkeypatch):
    """Tool + platform on SQLite, then again on PostgreSQL."""
    yield from _environment(monkeypatch)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One migrated SQLite file, copied by each test (migrating takes a second)."""
    from digiready.storage import migrate

    path = tmp_path_factory.mktemp("lti-template") / "template.sqlite3"
    from digiready.storage.engine import get_engine

    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    get_engine(url).dispose()  # the last connection closing folds the WAL into the file
    return path


@pytest.fixture
def sqlite_env(tmp_path, monkeypatch, migrated_sqlite):
    """Tool + platform on SQLite only (protocol checks do not depend on the database)."""
    import shutil

    target = tmp_path / "lti.sqlite3"
    shutil.copy(migrated_sqlite, target)
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", f"sqlite:///{target}")
    yield from _environment(monkeypatch)


def use_pack_with_video(tmp_path, monkeypatch) -> None:
    """The fixture pack, copied, with an HTML5 video on module pay_basics, as the tool's pack."""
    import shutil

    import yaml

    pack = tmp_path / "pack"
    shutil.copytree(FIXTURE_PACK, pack)
    module_file = pack / "modules" / "pay_basics" / "module.yaml"
    module = yaml.safe_load(module_file.read_text())
    module["video"]["html5_url"] = "https://cdn.example.org/pay_basics.mp4"
    module_file.write_text(yaml.safe_dump(module))
    monkeypatch.setenv("DIGIREADY_LTI_PACK", str(pack))
