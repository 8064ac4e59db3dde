"""``media.json``: what was built for one module in one language, where, and from what.

Layout under ``DIGIREADY_MEDIA_DIR`` (default ``$DIGIREADY_VAR_DIR/media``)::

    <scope>/<module>/<language>/media.json        scope: the economy code, or "base"
    <scope>/<module>/<language>/<build>/...       the files of one build (build: 12 hex digits
                                                  of the inputs' hash; never changes content)

A build's files never change once written, so they are served with a one-year ``immutable``
cache; a rebuild with other inputs writes a new ``<build>`` folder and then the manifest.
Reading needs only the standard library (the XBlocks and the OLX export read manifests
without Pillow or ffmpeg). The format is documented in docs/media.md.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from digiready import config
from digiready.media import settings as _settings  # noqa: F401

FORMAT = 1
BASE_SCOPE = "base"
# name in the manifest -> (file name in a build folder, MIME type)
FILES = {
    "video_360p": ("video-360p.mp4", "video/mp4"),
    "video_720p": ("video-720p.mp4", "video/mp4"),
    "audio": ("audio.m4a", "audio/mp4"),
    "poster": ("poster.jpg", "image/jpeg"),
    "captions": ("captions.vtt", "text/vtt"),
}
# Besides: "subtitles_<lang>" -> "subtitles.<lang>.vtt" (text/vtt), the script's translation
# into another pack language timed on this narration, paragraph by paragraph.


def media_dir() -> Path:
    configured = config.get("MEDIA_DIR")
    return Path(configured).resolve() if configured else config.var_dir() / "media"


def scope_of(economy: str | None) -> str:
    return economy.lower() if economy else BASE_SCOPE


def manifest_path(module_id: str, language: str, economy: str | None = None, root: Path | None = None) -> Path:
    return (root or media_dir()) / scope_of(economy) / module_id / language / "media.json"


@dataclass(frozen=True)
class MediaFile:
    path: str  # relative to the manifest's folder, e.g. "3f2a9c1b0d4e/video-360p.mp4"
    type: str
    bytes: int
    sha256: str
    duration_seconds: float | None = None
    width: int | None = None
    height: int | None = None
    kbit_per_second: float | None = None
    language: str | None = None


@dataclass(frozen=True)
class Manifest:
    module: str
    language: str
    economy: str | None
    title: str
    duration_seconds: float
    narrator: dict[str, str]  # kind (recorded, piper, espeak-ng), voice
    input_hash: str
    built_at: str
    files: dict[str, MediaFile]
    cues: int
    warnings: list[str] = field(default_factory=list)
    format: int = FORMAT
    folder: Path | None = field(default=None, compare=False)  # where media.json is (not stored)

    def file(self, name: str) -> Path:
        """The absolute path of a built file (``video_360p``, ``audio``, ``captions``, ...)."""
        assert self.folder is not None
        return self.folder / self.files[name].path

    def relative(self, name: str, root: Path | None = None) -> str:
        """The file's path under ``DIGIREADY_MEDIA_DIR`` with ``/`` separators (for URLs)."""
        return self.file(name).relative_to(root or media_dir()).as_posix()

    def complete(self) -> bool:
        return self.folder is not None and all(self.file(n).is_file() for n in self.files)

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("folder")
        return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def read(path: Path) -> Manifest | None:
    """The manifest at ``path``; None when missing, unreadable or of another format."""
    try:
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        if data.get("format") != FORMAT:
            return None
        files = {name: MediaFile(**spec) for name, spec in data.pop("files").items()}
        return Manifest(**data, files=files, folder=path.parent)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def write(manifest: Manifest, path: Path) -> None:
    """Atomically: a page never reads half a manifest."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(manifest.to_json(), "utf-8")
    os.replace(tmp, path)


def load(module_id: str, language: str, economy: str | None = None, root: Path | None = None) -> Manifest | None:
    manifest = read(manifest_path(module_id, language, economy, root))
    return manifest if manifest is not None and manifest.complete() else None


def find(module_id: str, languages: list[str], economy: str | None = None,
         root: Path | None = None) -> Manifest | None:
    """The first built video among ``languages`` (the learner's first, then fallbacks), the
    economy's own build before the base pack's."""
    for language in languages:
        for scope in ([economy, None] if economy else [None]):
            manifest = load(module_id, language, scope, root)
            if manifest is not None:
                return manifest
    return None
