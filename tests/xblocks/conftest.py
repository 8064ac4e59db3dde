"""XBlock test runtime (as xblock-poll tests do): ``ToyRuntime`` with its own key-value store
per test, a user service (staff or learner, pseudonymous id) and every ``publish`` recorded."""
from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.xblocks.workbench_settings")
django.setup()

from webob import Request  # noqa: E402
from xblock.field_data import DictFieldData  # noqa: E402, F401
from xblock.fields import ScopeIds  # noqa: E402
from xblock.reference.user_service import UserService, XBlockUser  # noqa: E402
from xblock.runtime import KvsFieldData, UserIdDeprecationWarning  # noqa: E402
from xblock.test.toy_runtime import ToyRuntime, ToyRuntimeKeyValueStore  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "digiready" / "fixtures"


class FixedUserService(UserService):
    def get_current_user(self):
        return self._user


class RecordingRuntime(ToyRuntime):
    """ToyRuntime that keeps what the block publishes and serves a user service."""

    def __init__(self, user_id: str = "learner-1", staff: bool = False, kvs=None) -> None:
        with warnings.catch_warnings():  # ToyRuntime itself still sets the deprecated user_id
            warnings.simplefilter("ignore", UserIdDeprecationWarning)
            super().__init__(user_id=user_id)
        self.kvs = kvs if kvs is not None else ToyRuntimeKeyValueStore({})
        self._services["field-data"] = KvsFieldData(self.kvs)
        user = XBlockUser(is_current_user=True, emails=["x@example.org"], full_name="Learner")
        user.opt_attrs["edx-platform.user_is_staff"] = staff
        user.opt_attrs["edx-platform.anonymous_user_id"] = f"anon-{user_id}"
        self._services["user"] = FixedUserService(user=user)
        self.published: list[tuple[str, dict]] = []

    def publish(self, block, event_type, event_data):
        self.published.append((event_type, json.loads(json.dumps(event_data))))

    def events(self, event_type: str) -> list[dict]:
        return [data for kind, data in self.published if kind == event_type]


@pytest.fixture
def content_dir(tmp_path, monkeypatch):
    """A content directory holding the fixture pack as ``base`` and its ``xx`` overlay."""
    root = tmp_path / "content"
    (root / "economies").mkdir(parents=True)
    (root / "base").symlink_to(FIXTURES / "pack")
    (root / "economies" / "xx").symlink_to(FIXTURES / "economies" / "xx")
    (root / "schema").symlink_to(REPO / "content" / "schema")
    monkeypatch.setenv("DIGIREADY_CONTENT_DIR", str(root))
    return root


@pytest.fixture(scope="session")
def workbench(tmp_path_factory):
    """The real xblock-sdk workbench serving both blocks over loopback HTTP."""
    from tests.xblocks.workbench import Workbench, fixture_content

    root = tmp_path_factory.mktemp("workbench")
    server = Workbench(root, fixture_content(root / "content")).start()
    yield server
    server.stop()


@pytest.fixture
def make_block(content_dir):
    """``make_block(cls, user_id=..., staff=..., **fields)``; blocks made with the same
    ``usage`` share content/summary state, as learners of one course component do."""
    stores: dict = {}

    def make(cls, user_id: str = "learner-1", staff: bool = False, usage: str = "u1", **fields):
        kvs = stores.setdefault(usage, ToyRuntimeKeyValueStore({}))
        runtime = RecordingRuntime(user_id=user_id, staff=staff, kvs=kvs)
        block_type = cls.__name__.lower()
        block = runtime.construct_xblock_from_class(cls, ScopeIds(user_id, block_type, f"def-{usage}", usage))
        for name, value in fields.items():
            setattr(block, name, value)
        block.save()
        return block

    return make


def call(block, handler: str, data=None, method: str = "POST", suffix: str = "", raw: bytes | None = None):
    """Call a handler as the LMS would; returns (status, parsed JSON or text)."""
    request = Request.blank("/", method=method)
    if method == "POST":
        request.body = raw if raw is not None else json.dumps(data or {}).encode()
        request.content_type = "application/json"
    response = block.handle(handler, request, suffix)
    block.save()
    if response.content_type == "application/json":
        return response.status_code, json.loads(response.body)
    return response.status_code, response.body.decode()
