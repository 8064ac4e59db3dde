"""The core never imports or names an adapter: adapters plug in through the registry the
core defines (digiready/adapters.py), declared as ``digiready.adapters`` entry points."""
from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "digiready"
ADAPTER_PACKAGES = ["lti_tool", "symposium_portal", "xblocks", "studio"]


def _core_files() -> list[Path]:
    return [p for p in CORE.rglob("*") if p.is_file() and p.suffix in {".py", ".html", ".j2",
                                                                         ".txt", ".css", ".js"}]


def _adapter_tables() -> set[str]:
    """Every table an adapter maps, read from its source (no import: no Flask needed)."""
    names = set()
    for package in ADAPTER_PACKAGES:
        for path in (ROOT / package).rglob("*.py") if (ROOT / package).is_dir() else []:
            names.update(re.findall(r"__tablename__\s*=\s*[\"']([a-z0-9_]+)[\"']",
                                    path.read_text("utf-8")))
            names.update(re.findall(r"\bTable\(\s*[\"']([a-z0-9_]+)[\"']", path.read_text("utf-8")))
    return names


def test_the_core_names_no_adapter_package_or_table():
    tables = _adapter_tables()
    assert {"portal_evaluation_response", "lti_key"} <= tables  # the scan finds them
    package = re.compile(r"\b(lti_tool|symposium_portal)\b|\b(from|import)\s+(xblocks|studio)\b")
    table = re.compile(r"\b(" + "|".join(sorted(tables)) + r")\b")
    found = []
    for path in _core_files():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if package.search(line) or table.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "the core names an adapter:\n" + "\n".join(found)


def test_the_installed_adapters_register_what_they_used_to_be_named_for():
    from digiready.adapters import declared_adapters, registry

    assert {name for name, _module in declared_adapters()} >= {"lti", "portal"}
    reg = registry()
    assert {"lti", "portal"} <= set(reg.apps)
    assert {"lti_tool.cli", "symposium_portal.cli"} <= set(reg.command_modules)
    assert {p for p, _m in reg.migration_areas} >= {"lti_tool", "symposium_portal"}
    assert any(name == "lti" for name, *_ in [(c.adapter,) for c in reg.config_checks])
    assert [name for name, _source in reg.symposium_sources] == ["portal"]


@pytest.fixture
def fake_adapter(tmp_path, monkeypatch):
    """An adapter module written for the test, registered alone."""
    from digiready import adapters

    (tmp_path / "fake_adapter.py").write_text(textwrap.dedent('''
        from digiready.ops.checks import Problem

        def fine():
            return [Problem("warning", None, "fake adapter: something to read")]

        def broken():
            raise RuntimeError("the fake check fell over")

        def register(registry):
            registry.add_config_check(fine, needs_database=False)
            registry.add_config_check(broken, needs_database=False)
            registry.add_config_check(fine, needs_database=True)
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = adapters.Registry()
    assert reg.load_module("fake", "fake_adapter")
    previous = adapters.use_registry(reg)
    yield reg
    adapters.use_registry(previous)
    sys.modules.pop("fake_adapter", None)


def test_check_config_runs_the_adapters_checks_and_survives_a_broken_one(fake_adapter,
                                                                          monkeypatch, tmp_path):
    from digiready.ops import checks

    # An unreachable database: the check that needs it is not run, the others are.
    monkeypatch.setenv("DIGIREADY_DATABASE_URL", f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    report = checks.run()
    messages = [p.message for p in report.problems]
    assert messages.count("fake adapter: something to read") == 1
    assert any("the fake check broken failed: the fake check fell over" in m for m in messages)


def test_an_adapter_whose_dependencies_are_missing_is_left_out(tmp_path, monkeypatch):
    from digiready import adapters

    (tmp_path / "needs_flask_adapter.py").write_text("import flask_not_installed_here\n")
    (tmp_path / "buggy_adapter.py").write_text("import a_module_that_is_nowhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(adapters, "OPTIONAL_DEPENDENCIES",
                        adapters.OPTIONAL_DEPENDENCIES | {"flask_not_installed_here"})
    reg = adapters.Registry()
    assert reg.load_module("web", "needs_flask_adapter") is False
    assert "flask_not_installed_here" in reg.unavailable["web"]
    with pytest.raises(ModuleNotFoundError):  # a bug in an adapter is shown, not hidden
        reg.load_module("buggy", "buggy_adapter")
