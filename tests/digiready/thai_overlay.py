"""A Thai overlay of the fixture pack (the fixture overlay ``xx`` relabelled), whose
interface strings translate every text the adapters' catalogues need as "[th] <English>",
published as version N: what the LTI and XBlock tests of a language without a compiled
catalogue start from."""
from __future__ import annotations

import shutil
from pathlib import Path

from digiready.authoring.interface import interface_file, texts_for
from digiready.packs import published

XX = Path(__file__).resolve().parent / "fixtures" / "economies" / "xx"


def thai_texts(leave_out: str | None = None) -> dict[str, str]:
    return {unit: "[th] " + (text.message.msgid if form == 0 else text.message.plural)
            for text in texts_for("th") for form, unit in enumerate(text.units)
            if text.message.msgid != leave_out}


def publish_thai(scratch: Path, number: int, *, leave_out: str | None = None) -> Path:
    """Publish version ``number`` of economy ``th`` (every page text but ``leave_out``
    translated) to ``DIGIREADY_PUBLISHED_DIR`` and make it current; returns its folder."""
    folder = scratch / f"th-v{number}"
    shutil.copytree(XX, folder)
    manifest = folder / "overlay.yaml"
    manifest.write_text(manifest.read_text().replace("economy: xx", "economy: th")
                        .replace("languages: [es]", "languages: [th]")
                        .replace("default_language: es", "default_language: th")
                        .replace("source_language: es", "source_language: th"))
    (folder / "interface").mkdir()
    (folder / "interface" / "th.yaml").write_bytes(interface_file("th", thai_texts(leave_out)))
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    target = published.write_version("th", number, files)
    published.make_current("th", number)
    return target
