"""Fixtures of the events suite: a strict Ralph validator and a migrated SQLite database."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def ralph_validate():
    """Validate a statement against Ralph's strict xAPI models: the profile model its verb
    and activity type select (Video Profile, LMS, navigation), else the base statement."""
    from ralph.exceptions import UnknownEventException
    from ralph.models.selector import ModelSelector
    from ralph.models.validator import Validator
    from ralph.models.xapi.base.statements import BaseXapiStatement

    validator = Validator(ModelSelector("ralph.models.xapi"))

    def validate(statement: dict):
        try:
            return validator.get_first_valid_model(statement)
        except UnknownEventException:
            return BaseXapiStatement(**statement)

    return validate


@pytest.fixture
def sqlite_db(tmp_path, monkeypatch):
    """A migrated SQLite database set as ``DIGIREADY_DATABASE_URL``."""
    from digiready.storage import migrate

    url = f"sqlite:///{tmp_path / 'events.sqlite3'}"
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", url)
    migrate.upgrade(url)
    return url


@pytest.fixture
def ralph(tmp_path):
    """A real Ralph LRS on loopback (file-system backend, basic auth)."""
    from tests.events.lrs import Ralph

    server = Ralph(tmp_path / "ralph")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fault_proxy(ralph):
    from tests.events.lrs import FaultProxy

    proxy = FaultProxy(ralph.port)
    yield proxy
    proxy.close()
