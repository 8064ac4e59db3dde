"""docs/configuration.md is generated from the declared settings and must match them."""
from pathlib import Path

from digiready.cli.settings_commands import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_configuration_doc_lists_every_setting():
    # The doc covers every area, so this runs in the full install (not the XBlock-only
    # Open edX venv, which declares fewer settings).
    assert DOC.read_text("utf-8") == markdown(), (
        "docs/configuration.md is out of date: run `digiready settings --markdown > docs/configuration.md`")
