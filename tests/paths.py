"""Paths of the test fixtures, importable from every suite (the Open edX venv has no Flask,
so the XBlock and core tests must not import another adapter's conftest for them)."""
from pathlib import Path

FIXTURE_PACK = Path(__file__).resolve().parent / "digiready" / "fixtures" / "pack"
