from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_pack_dir() -> Path:
    return FIXTURES / "pack"


@pytest.fixture
def pack_copy(tmp_path) -> Path:
    """A writable copy of the fixture pack and its overlay: ``<tmp>/base``, ``<tmp>/economies/xx``."""
    import shutil

    shutil.copytree(FIXTURES / "pack", tmp_path / "base")
    shutil.copytree(FIXTURES / "economies", tmp_path / "economies")
    return tmp_path / "base"
