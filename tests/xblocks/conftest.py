"""XBlock test runtime (as xblock-poll tests do): ``ToyRuntime`` with its own key-value store
per test, a user service (staff or learner, pseudonymous id) and every ``publish`` recorded."""
from __future__ import annotations

import json
import os
import subprocess
import sys
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

    def make(cls, user_id: str = "learner-1", staff: bool = False, usage: str = "u1",
             runtime_class: type = RecordingRuntime, block_type: str | None = None, **fields):
        kvs = stores.setdefault(usage, ToyRuntimeKeyValueStore({}))
        runtime = runtime_class(user_id=user_id, staff=staff, kvs=kvs)
        block_type = block_type or cls.__name__.lower()
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


# -- the Open edX matrix and the release artefacts ----------------------------------------
# Each interpreter is one side of the matrix (Makefile: .venv Verawood, .venv311 Ulmo); the
# pins per side are in requirements/<side>.txt.
SIDE = "verawood" if sys.version_info >= (3, 12) else "ulmo"
EXPECTED = {"verawood": {"xblock": 6, "django": (5, 2), "tutor": 22},
            "ulmo": {"xblock": 5, "django": (4, 2), "tutor": 21}}[SIDE]


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """A command that must succeed; its output is in the failure message when it does not."""
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def side_constraints() -> list[str]:
    return ["-c", str(REPO / "requirements" / "constraints.txt"), "-c", str(REPO / "requirements" / f"{SIDE}.txt")]


@pytest.fixture(scope="session")
def release(tmp_path_factory):
    """The digiready sdist and wheel (built from the sdist) and the Tutor plugin's wheel, as
    ``make dist`` builds them; once per test session."""
    from deployment.release import build_all

    return build_all(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def installed_venv(release, tmp_path_factory):
    """A fresh virtualenv with ``digiready[xblock]`` installed from the wheel (not editable),
    with the line the Tutor plugin's Dockerfile runs (``uv pip install --find-links``, as
    Tutor 22 installs with uv). uv's cache makes it take seconds (pip: a minute); only the
    package registry is reached. Returns (venv, distributions after that install)."""
    venv = tmp_path_factory.mktemp("clean") / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = str(venv / "bin" / "python")
    pip = [str(Path(sys.executable).parent / "uv"), "pip", "install", "-q", "--python", python, *side_constraints()]
    wheel = release["wheel"]
    version = wheel.name.split("-")[1]
    run([*pip, "--find-links", str(wheel.parent), f"digiready[xblock]=={version}"])
    listed = run([python, "-c", "import importlib.metadata as m, json; print(json.dumps("
                  "{d.metadata['Name'].lower(): d.version for d in m.distributions()}))"])
    distributions = json.loads(listed.stdout)
    # The workbench is a test tool, installed after the distributions above were listed and
    # without its own dependencies: it runs on Django and XBlock alone (its settings drop the
    # file-storage sample app; pypng is for its sample thumbnails block), and its web-fragments
    # would be a second web_fragments.
    run([*pip, "--no-deps", "xblock-sdk", "pypng"])
    return venv, distributions


@pytest.fixture(scope="session")
def installed_workbench(installed_venv, tmp_path_factory):
    """The xblock-sdk workbench of that virtualenv: the blocks, their files and the packs all
    come from the installed wheel."""
    from tests.xblocks.workbench import Workbench

    server = Workbench(tmp_path_factory.mktemp("installed-workbench"), None, venv=installed_venv[0]).start()
    yield server
    server.stop()
