"""A short test module built once per session: the fixture pack with a three-paragraph script
(one long sentence that needs two cues), narrated by espeak-ng, in English only."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "digiready" / "fixtures"
MODULE = "pay_basics"
SCRIPT = """Hello, and welcome. Today we learn to take payments with a QR code.

Meet Ana. Ana sells fruit at the market, and many of her customers now ask whether they can pay with the app on their phone instead of cash.

Your task for this week: ask your bank for a QR code. See you next time.
"""
# Its translation in the fixture overlay "xx" (Spanish): subtitles of the English video.
SCRIPT_ES = """Hola y bienvenidos. Hoy aprendemos a cobrar con un código QR.

Conozca a Ana. Ana vende fruta en el mercado, y muchos clientes preguntan si pueden pagar con el teléfono.

Su tarea de esta semana: pida un código QR a su banco. Hasta la próxima.
"""


def needs_media_tools() -> None:
    for program in ("ffmpeg", "ffprobe", "espeak-ng"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} not installed (scripts/install_system_deps.sh)")


def make_pack(folder: Path, script: str = SCRIPT) -> Path:
    """A copy of the fixture pack (and its overlay) whose module pay_basics says ``script``."""
    shutil.copytree(FIXTURES / "pack", folder / "pack")
    shutil.copytree(FIXTURES / "economies", folder / "economies")
    (folder / "pack" / "modules" / MODULE / "script.md").write_text(script, "utf-8")
    (folder / "economies" / "xx" / "modules" / MODULE / "script.es.md").write_text(SCRIPT_ES, "utf-8")
    return folder / "pack"


@pytest.fixture(scope="session")
def media_pack(tmp_path_factory) -> Path:
    return make_pack(tmp_path_factory.mktemp("media-pack"))


@pytest.fixture(scope="session")
def built(media_pack, tmp_path_factory):
    """(pack folder, media root, BuildResult) of the short module in English for the fixture
    economy "xx" (whose Spanish script becomes subtitles), built once."""
    needs_media_tools()
    from digiready.media import build_module

    root = tmp_path_factory.mktemp("media")
    result = build_module(MODULE, "en", "xx", pack_dir=media_pack, root=root, backends=["espeak-ng"])
    assert result.status == "built", result.message
    return media_pack, root, result


def probe(path: Path) -> dict:
    from digiready.media.encode import probe as ffprobe

    return ffprobe(path)


def silence_ends(path: Path) -> list[float]:
    from digiready.media.timeline import detect_silences

    return [end for _start, end in detect_silences(path)]
