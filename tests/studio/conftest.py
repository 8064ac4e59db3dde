"""The Studio on a real database (SQLite, and PostgreSQL where a test asks for both), with
accounts made the way ``digiready studio user add`` makes them."""
from __future__ import annotations

import re

import pytest

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    from digiready.storage import migrate
    from digiready.storage.engine import get_engine

    path = tmp_path_factory.mktemp("studio-template") / "template.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    get_engine(url).dispose()
    return path


@pytest.fixture
def sqlite_db(tmp_path, monkeypatch, migrated_sqlite):
    import shutil

    target = tmp_path / "studio.sqlite3"
    shutil.copy(migrated_sqlite, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", url)
    return url


def _app():
    from studio.app import create_app

    app = create_app({"TESTING": True})
    app.config["RATELIMIT_ENABLED"] = False
    return app


@pytest.fixture
def app(sqlite_db):
    return _app()


@pytest.fixture
def app_any_db(database_url):
    """The app once on SQLite and once on PostgreSQL."""
    return _app()


def make_user(email: str, *, admin: bool = False, roles: dict | None = None) -> None:
    from digiready.storage import session_scope
    from studio.accounts import service

    with session_scope() as s:
        user = service.add_user(s, email, PASSWORD, email.split("@")[0].title(), is_admin=admin)
        for economy, role in (roles or {}).items():
            service.set_role(s, user, economy, role, "test")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def signed_in(app, email: str):
    client = app.test_client()
    page = client.get("/login")
    answer = client.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf_token": csrf_of(page.text)})
    assert answer.status_code == 303, answer.text[:500]
    return client


def post_form(client, url: str, data: dict, page_url: str | None = None):
    """POST as the browser would: with the CSRF token of the page the form is on."""
    page = client.get(page_url or url)
    return client.post(url, data={**data, "csrf_token": csrf_of(page.text)})


def new_economy(client, code="th", language="th", name="Thailand"):
    answer = post_form(client, "/economies/new", {"code": code, "language": language, "name": name})
    assert answer.status_code == 303, answer.text[:1000]
