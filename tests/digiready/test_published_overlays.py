"""Published overlays (written by DigiReady Studio) are served by the core pack loader
without a restart: a new version, or a rollback, is seen at the next load."""
from __future__ import annotations

from pathlib import Path

import yaml

from digiready.packs import load_pack, published
from digiready.packs.paths import economy_codes

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PACK = FIXTURES / "pack"
PE = FIXTURES / "economies" / "xx"  # a small overlay: quick to load


def _files(name: str) -> dict[str, bytes]:
    files = {p.relative_to(PE).as_posix(): p.read_bytes() for p in PE.rglob("*") if p.is_file()}
    overlay = yaml.safe_load(files["overlay.yaml"])
    overlay["name"] = name
    files["overlay.yaml"] = yaml.safe_dump(overlay, allow_unicode=True).encode()
    return files


def test_a_published_version_wins_and_a_new_one_is_seen_without_a_restart(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGIREADY_PUBLISHED_DIR", str(tmp_path / "published"))
    assert load_pack(PACK, "xx", "es").economy_name == "Testland"  # the files in content/
    published.write_version("xx", 1, _files("Testland v1"))
    assert load_pack(PACK, "xx", "es").economy_name == "Testland"  # written, not yet current
    published.make_current("xx", 1)
    assert load_pack(PACK, "xx", "es").economy_name == "Testland v1"
    published.write_version("xx", 2, _files("Testland v2"))
    published.make_current("xx", 2)
    assert load_pack(PACK, "xx", "es").economy_name == "Testland v2"
    published.make_current("xx", 1)  # a rollback
    assert load_pack(PACK, "xx", "es").economy_name == "Testland v1"


def test_an_economy_that_exists_only_published_is_known_everywhere(tmp_path, monkeypatch):
    from xblocks import content

    monkeypatch.setenv("DIGIREADY_PUBLISHED_DIR", str(tmp_path / "published"))
    files = _files("Thailand")
    overlay = yaml.safe_load(files["overlay.yaml"])
    overlay["economy"] = "th"
    files["overlay.yaml"] = yaml.safe_dump(overlay, allow_unicode=True).encode()
    assert "th" not in economy_codes()
    published.write_version("th", 1, files)
    published.make_current("th", 1)
    assert "th" in economy_codes() and "th" in content.available_economies(str(FIXTURES))
    assert content.resolve("pack", "th", "es", str(FIXTURES)).economy_name == "Thailand"


def test_current_naming_something_else_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGIREADY_PUBLISHED_DIR", str(tmp_path / "published"))
    (tmp_path / "published" / "xx").mkdir(parents=True)
    (tmp_path / "published" / "xx" / "CURRENT").write_text("../../etc\n")
    assert published.overlay_dir("xx") is None
    assert load_pack(PACK, "xx", "es").economy_name == "Testland"
