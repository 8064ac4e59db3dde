"""What an LMS admin installs: the ``xblock`` extra stays free of Flask, databases and report
libraries, and the Tutor plugin patches the Open edX image to install it."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import distribution
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "deployment" / "tutor" / "tutordigiready" / "plugin.py"
FORBIDDEN = {"flask", "sqlalchemy", "alembic", "psycopg", "redis", "weasyprint", "python-docx", "openpyxl",
             "pyxform", "gunicorn", "jinja2"}


def _extra(name: str) -> set[str]:
    requires = distribution("digiready").requires or []
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in requires if f'extra == "{name}"' in r}


def test_xblock_extra_pulls_no_web_framework_database_or_report_library():
    xblock = _extra("xblock")
    assert {"xblock", "web-fragments", "django"} <= xblock
    assert not xblock & FORBIDDEN
    core = {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower()
            for r in distribution("digiready").requires or [] if "extra ==" not in r}
    assert not core & FORBIDDEN


def test_the_blocks_import_nothing_from_the_web_adapters():
    for path in (REPO / "xblocks").glob("*.py"):
        tree = ast.parse(path.read_text())
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        bad = {m for m in modules if m.split(".")[0] in {"flask", "sqlalchemy", "lti_tool", "symposium_portal"}
               or m.startswith(("digiready.storage", "digiready.reports"))}
        assert not bad, f"{path.name} imports {bad}"


def test_tutor_plugin_patches_the_openedx_image():
    tree = ast.parse(PLUGIN.read_text())
    patches = [n for n in ast.walk(tree) if isinstance(n, ast.Tuple) and n.elts
               and isinstance(n.elts[0], ast.Constant) and str(n.elts[0].value).startswith("openedx-")]
    names = {p.elts[0].value: p.elts[1].value for p in patches}
    assert set(names) == {"openedx-dockerfile-post-python-requirements", "openedx-common-settings"}
    assert 'pip install -e "/openedx/digiready[xblock]"' in names["openedx-dockerfile-post-python-requirements"]


def test_tutor_renders_the_plugin(tmp_path):
    """With Tutor installed (``pip install tutor``), its own CLI renders the patches."""
    tutor = shutil.which("tutor") or str(Path(sys.executable).parent / "tutor")
    if not Path(tutor).exists():
        pytest.skip("Tutor is not installed in this environment (pip install tutor to run this test)")
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    shutil.copy(PLUGIN, plugins / "digiready.py")
    env = dict(os.environ, TUTOR_ROOT=str(tmp_path / "root"), TUTOR_PLUGINS_ROOT=str(plugins))
    subprocess.run([tutor, "plugins", "enable", "digiready"], env=env, check=True, capture_output=True)
    subprocess.run([tutor, "config", "save", "--set", "DIGIREADY_CONTENT_DIR=/openedx/packs"], env=env, check=True,
                   capture_output=True)
    dockerfile = (tmp_path / "root" / "env" / "build" / "openedx" / "Dockerfile").read_text()
    assert 'pip install -e "/openedx/digiready[xblock]"' in dockerfile
    settings = (tmp_path / "root" / "env" / "apps" / "openedx" / "settings" / "lms" / "production.py").read_text()
    assert 'XBLOCK_SETTINGS["DigiReady"]["CONTENT_DIR"] = "/openedx/packs"' in settings
