"""What an LMS admin installs, tested as they would install it.

- The ``xblock`` extra stays free of Flask, databases and report libraries, and of a second
  owner of ``web_fragments``.
- Each venv is one side of the Open edX matrix (Ulmo: XBlock 5, Django 4.2, Tutor 21 on
  Python 3.11; Verawood: XBlock 6, Django 5.2, Tutor 22 on Python 3.12).
- The wheel (built from the sdist) carries the templates, static files, compiled
  translations and the content packs; installed into a fresh virtualenv (not editable), both
  blocks render and answer in the xblock-sdk workbench of that virtualenv.
- The real Tutor of this side renders the plugin: the install line lands in the stage whose
  virtualenv the final image keeps, and the bundled wheel reaches the build context intact.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import sys
import tarfile
import zipfile
from importlib.metadata import distribution, version
from pathlib import Path

import requests

from tests.xblocks.conftest import EXPECTED, SIDE, run

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "deployment" / "tutor" / "tutordigiready" / "plugin.py"
FORBIDDEN = {"flask", "sqlalchemy", "alembic", "psycopg", "redis", "weasyprint", "python-docx", "openpyxl",
             "pyxform", "gunicorn", "jinja2"}
LOCALES = ("en", "es", "fil", "vi", "id", "tpi")
# What the blocks open at run time, relative to the installed packages.
NEEDED = [
    "xblocks/templates/block.html", "xblocks/templates/diagnostic.html", "xblocks/templates/survey.html",
    "xblocks/templates/module_page.html", "xblocks/public/css/digiready.css", "xblocks/public/js/diagnostic.js",
    "xblocks/public/js/survey.js", "xblocks/public/js/studio_edit.js", "xblocks/templates/author.html",
    "digiready/events/static/player.js",
    *(f"xblocks/translations/{loc}/LC_MESSAGES/text.mo" for loc in LOCALES),
    *(f"xblocks/public/js/translations/{loc}/textjs.js" for loc in LOCALES),
    "digiready_content/base/pack.yaml", "digiready_content/base/questions.yaml",
    "digiready_content/base/modules/digital_payments/captions.vtt",
    "digiready_content/schema/pack.schema.json",
    *(f"digiready_content/economies/{e}/overlay.yaml" for e in ("pe", "ph", "vn", "id", "pg")),
]


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def _extra(name: str) -> set[str]:
    return _names([r for r in distribution("digiready").requires or [] if f'extra == "{name}"' in r])


def test_xblock_extra_pulls_no_web_framework_database_report_library_nor_web_fragments():
    xblock = _extra("xblock")
    assert {"xblock", "django"} <= xblock
    assert not xblock & FORBIDDEN
    assert "web-fragments" not in xblock  # XBlock brings web_fragments itself
    django = next(r for r in distribution("digiready").requires if r.lower().startswith("django"))
    assert "<6" in django, django
    core = _names([r for r in distribution("digiready").requires or [] if "extra ==" not in r])
    assert not core & FORBIDDEN


def test_the_blocks_import_nothing_from_the_web_adapters():
    for path in (REPO / "xblocks").glob("*.py"):
        tree = ast.parse(path.read_text())
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module} | {
            a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        bad = {m for m in modules if m.split(".")[0] in {"flask", "sqlalchemy", "lti_tool", "symposium_portal"}
               or m.startswith(("digiready.storage", "digiready.reports"))}
        assert not bad, f"{path.name} imports {bad}"


def test_this_venv_is_its_side_of_the_open_edx_matrix():
    """Ulmo: XBlock 5 + Django 4.2 + Tutor 21 on 3.11; Verawood: XBlock 6 + Django 5.2 + Tutor 22 on 3.12."""
    assert int(version("XBlock").split(".")[0]) == EXPECTED["xblock"], (SIDE, version("XBlock"))
    assert tuple(int(p) for p in version("Django").split(".")[:2]) == EXPECTED["django"], (SIDE, version("Django"))
    assert int(version("tutor").split(".")[0]) == EXPECTED["tutor"], (SIDE, version("tutor"))


def test_wheel_and_sdist_carry_what_the_blocks_need(release):
    wheel = set(zipfile.ZipFile(release["wheel"]).namelist())
    missing = [n for n in NEEDED if n not in wheel]
    assert not missing, f"not in the wheel: {missing}"
    assert not [n for n in wheel if n.endswith(".pyc") or n.startswith(("tests/", "content/"))]
    with tarfile.open(release["sdist"]) as sdist:
        names = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}
    source_names = [n.replace("digiready_content/", "content/", 1) for n in NEEDED]
    missing = [n for n in [*source_names, "MANIFEST.in", "setup.py", "docs/xblocks.md"] if n not in names]
    assert not missing, f"not in the sdist: {missing}"


def test_clean_install_brings_only_the_xblock_side(installed_venv):
    venv, dists = installed_venv
    assert int(dists["xblock"].split(".")[0]) == EXPECTED["xblock"]
    assert tuple(int(p) for p in dists["django"].split(".")[:2]) == EXPECTED["django"]
    assert not set(dists) & FORBIDDEN, set(dists) & FORBIDDEN
    if SIDE == "verawood":  # XBlock >= 6.2 owns web_fragments; nothing else may install it
        assert "web-fragments" not in dists
    where = run([str(venv / "bin" / "python"), "-c",
                 "import xblocks, web_fragments, digiready.packs.paths as p; "
                 "print(xblocks.__file__); print(p.content_dir())"], cwd=venv).stdout.split()
    site = str(venv / "lib")
    assert all(w.startswith(site) for w in where), where  # the installed copy, not this checkout
    assert where[1].endswith("digiready_content")


def test_both_blocks_render_and_answer_from_the_installed_wheel(installed_workbench):
    base = installed_workbench.url
    for scenario in ("digiready_diagnostic.0", "digiready_survey.0"):
        page = requests.get(f"{base}/scenario/{scenario}/", params={"student": "wheel"}, timeout=30)
        assert page.status_code == 200, scenario
        assert "dr-block" in page.text and "Traceback" not in page.text and 'class="dr-alert"' not in page.text
    diagnostic = requests.get(f"{base}/scenario/digiready_diagnostic.0/", timeout=30).text
    assert 'class="dr-step"' in diagnostic and "Save and continue" in diagnostic
    # An overlay in its own language: the installed overlays, catalogs and JS catalog.
    overlay = requests.get(f"{base}/scenario/digiready_diagnostic.2/", timeout=30).text
    locale = re.search(r'class="dr-block dr-diagnostic" lang="(\w+)"', overlay).group(1)
    assert locale != "en"
    js = requests.get(f"{base}/resource/digiready_diagnostic/public/js/translations/{locale}/textjs.js", timeout=30)
    assert js.status_code == 200 and "DigiReadyI18N" in js.text
    # A handler answers (the packs load from the installed copy).
    session = requests.Session()
    page = session.get(f"{base}/scenario/digiready_diagnostic.0/", params={"student": "wheel-learner"}, timeout=30)
    save = re.search(r'(/handler/[^"]+/save_answers/\?student=[\w-]+)', page.text).group(1)
    answer = session.post(base + save, data=json.dumps({"attempt": 1, "answers": {}}), timeout=30,
                          headers={"Content-Type": "application/json", "X-CSRFToken": session.cookies["csrftoken"]})
    assert answer.status_code == 200 and answer.json()["saved"] is True


def test_the_plugin_from_source_without_its_wheel_stops_the_build_with_the_reason():
    """Installed from the source folder (no ``make dist``), the plugin has no wheel to install:
    the image build stops at its line, saying what to do, instead of an image without blocks."""
    spec = importlib.util.spec_from_file_location("tutordigiready_source_plugin", PLUGIN)
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    assert plugin.bundled_version() is None
    patch = plugin.install_patch(None)
    assert "no bundled digiready wheel" in patch and "make dist" in patch and "&& false" in patch
    assert "--find-links" not in patch.split("{% else %}")[1]


def _stages(dockerfile: str) -> dict[str, str]:
    """Stage name -> its text, from ``FROM ... AS name`` lines."""
    parts = re.split(r"^FROM \S+ AS (\S+)\s*$", dockerfile, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_tutor_renders_the_plugin_into_the_kept_stage(release, tmp_path):
    """The real Tutor of this side (21 or 22) renders the plugin installed from its wheel."""
    target = tmp_path / "site"
    run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(release["tutor_plugin"])])
    tutor = str(Path(sys.executable).parent / "tutor")
    env = dict(os.environ, TUTOR_ROOT=str(tmp_path / "root"), TUTOR_PLUGINS_ROOT=str(tmp_path / "plugins"),
               PYTHONPATH=str(target))
    # What `tutor plugins enable digiready` writes, plus a setting (one Tutor start fewer).
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "config.yml").write_text("PLUGINS:\n- digiready\nDIGIREADY_CONTENT_DIR: /openedx/packs\n")
    run([tutor, "config", "save"], env=env)
    build = tmp_path / "root" / "env" / "build" / "openedx"
    stages = _stages((build / "Dockerfile").read_text())
    version_ = release["wheel"].name.split("-")[1]
    install = f"install --find-links /openedx/digiready-dist 'digiready[xblock]=={version_}'"
    holding = [name for name, text in stages.items() if install in text]
    assert holding == ["python-requirements"], holding
    assert "source=digiready-dist" in stages["python-requirements"]
    assert re.search(r"COPY .*--from=python-requirements /openedx/venv /openedx/venv", stages["production"])
    assert "FROM production AS final" in (build / "Dockerfile").read_text()
    assert "digiready" not in stages["production"] + stages["final"]  # nothing left to copy by hand
    assert "pip install -e" not in (build / "Dockerfile").read_text()
    bundled = build / "digiready-dist" / release["wheel"].name
    assert bundled.read_bytes() == release["wheel"].read_bytes()  # copied, never rendered
    for app in ("lms", "cms"):
        settings = (tmp_path / "root" / "env" / "apps" / "openedx" / "settings" / app / "production.py").read_text()
        assert 'XBLOCK_SETTINGS["DigiReady"]["CONTENT_DIR"] = "/openedx/packs"' in settings
    # An economy's fork instead of the bundled wheel.
    fork = "digiready[xblock] @ git+https://git.example.org/digiready.git@v0.2.0"
    run([tutor, "config", "save", "--set", f"DIGIREADY_PIP_REQUIREMENT={fork}"], env=env)
    stages = _stages((build / "Dockerfile").read_text())
    assert f"install '{fork}'" in stages["python-requirements"]
    assert "digiready-dist" not in stages["python-requirements"]
