"""A recorded narration wins over the synthetic voice and its captions follow its pauses;
missing programs or voices are named, without a traceback."""
from __future__ import annotations

import math
import os
import shutil
import struct
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from digiready.media import build_module, find_narration
from digiready.media.script import paragraphs
from tests.media.conftest import MODULE, SCRIPT, make_pack, needs_media_tools, probe

ROOT = Path(__file__).resolve().parents[2]
RATE = 16000


def _recording(path: Path, sentences: list[str]) -> list[float]:
    """A 'voice' the test makes: one tone per sentence (0.05 s a character) after a 0.7 s
    pause; returns when each tone starts."""
    frames, starts, at = bytearray(), [], 0.0
    for n, sentence in enumerate(sentences):
        pause = 0.7
        frames += b"\0\0" * int(pause * RATE)
        at += pause
        starts.append(at)
        seconds = 0.05 * len(sentence)
        for i in range(int(seconds * RATE)):
            frames += struct.pack("<h", int(9000 * math.sin(2 * math.pi * (220 + 40 * n) * i / RATE)))
        at += seconds
    frames += b"\0\0" * int(1.0 * RATE)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(frames))
    return starts


def test_a_recorded_narration_overrides_the_synthetic_voice(tmp_path):
    needs_media_tools()
    import webvtt

    pack = make_pack(tmp_path)
    sentences = [s for p in paragraphs(SCRIPT) for s in p.sentences]
    recording = pack / "modules" / MODULE / "narration.en.wav"
    starts = _recording(recording, sentences)
    assert find_narration(MODULE, "en", pack_dir=pack) == recording
    result = build_module(MODULE, "en", pack_dir=pack, root=tmp_path / "media")  # default order
    m = result.manifest
    assert result.status == "built" and m.narrator == {"kind": "recorded", "voice": "narration.en.wav"}
    with wave.open(str(recording)) as w:
        length = w.getnframes() / w.getframerate()
    for name in ("video_360p", "video_720p", "audio"):
        assert float(probe(m.file(name))["format"]["duration"]) == pytest.approx(length, abs=0.5)
    cues = list(webvtt.read(str(m.file("captions"))))
    from digiready.media.captions import parts

    firsts, at = [], 0
    for sentence in sentences:
        firsts.append(cues[at])
        at += len(parts(sentence))
    assert len(cues) == at
    for cue, start in zip(firsts, starts, strict=True):
        _h, mi, s = cue.start.split(":")
        assert float(s) + 60 * int(mi) == pytest.approx(start, abs=0.15), (cue.text, start)
    # replacing the recording rebuilds; the synthetic voice is not used
    _recording(recording, sentences[:-1] + ["x" * 30])
    again = build_module(MODULE, "en", pack_dir=pack, root=tmp_path / "media")
    assert again.status == "built" and again.manifest.input_hash != m.input_hash


def test_an_economy_overlay_narration_is_found_before_the_base_packs(tmp_path):
    pack = make_pack(tmp_path)
    base = pack / "modules" / MODULE / "narration.es.mp3"
    base.write_bytes(b"base")
    assert find_narration(MODULE, "es", "xx", pack_dir=pack) == base
    overlay = tmp_path / "economies" / "xx" / "modules" / MODULE / "narration.es.ogg"
    overlay.write_bytes(b"overlay")
    assert find_narration(MODULE, "es", "xx", pack_dir=pack) == overlay


def _cli(tmp_path: Path, path_dirs: list[Path], *args: str) -> subprocess.CompletedProcess:
    pack = make_pack(tmp_path)
    env = dict(os.environ, PATH=os.pathsep.join(map(str, path_dirs)), DIGIREADY_MEDIA_DIR=str(tmp_path / "media"))
    command = Path(sys.executable).parent / "digiready"  # the console script, as an operator runs it
    return subprocess.run([str(command), "media", "build", "--pack", str(pack),
                           "--module", MODULE, *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _only(tmp_path: Path, *programs: str) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    for program in programs:
        (folder / program).symlink_to(shutil.which(program))
    return folder


def test_missing_ffmpeg_is_named_with_its_package(tmp_path):
    needs_media_tools()
    result = _cli(tmp_path, [_only(tmp_path, "espeak-ng")])
    assert result.returncode == 1
    assert "ffmpeg is not installed: install the Debian package 'ffmpeg'" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_narrator_is_named_with_what_to_install(tmp_path):
    needs_media_tools()
    result = _cli(tmp_path, [_only(tmp_path, "ffmpeg", "ffprobe")], "--narrator", "espeak-ng")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no narrator speaks 'en'" in result.stdout
    assert "install espeak-ng (apt-get install espeak-ng)" in result.stdout
    assert "narration.en.wav" in result.stdout
    assert "Traceback" not in result.stderr + result.stdout
