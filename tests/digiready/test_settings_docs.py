"""docs/configuration.md is generated from the declared settings and must match them."""
from pathlib import Path

import pytest

from digiready.cli.settings_commands import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_configuration_doc_lists_every_setting():
    # The doc covers every area; an XBlock-only environment declares fewer settings.
    pytest.importorskip("flask")
    pytest.importorskip("weasyprint")
    assert DOC.read_text("utf-8") == markdown(), (
        "docs/configuration.md is out of date: run `digiready settings --markdown > docs/configuration.md`")
