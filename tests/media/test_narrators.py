"""Which voice speaks which language, and the Piper voice installed as a package."""
from __future__ import annotations

import array
import shutil
import wave

import pytest

from digiready.media.narrators import NoNarrator, choose


def test_each_pack_language_gets_its_documented_voice():
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng not installed")
    assert choose("es", backends=["espeak-ng"]).voice == "es-419"  # Latin American Spanish (Peru)
    assert choose("vi", backends=["espeak-ng"]).voice == "vi"
    assert choose("id", backends=["espeak-ng"]).voice == "id"
    assert choose("en", backends=["espeak-ng"]).voice == "en-us"
    for language in ("fil", "tpi"):  # nobody speaks these: a recorded narration is needed
        with pytest.raises(NoNarrator, match=f"narration.{language}.wav"):
            choose(language)


def test_the_packaged_piper_voice_speaks_english(tmp_path):
    pytest.importorskip("piper")
    narrator = choose("en", backends=["piper"])
    assert narrator.kind == "piper" and narrator.voice == "en_US-joe-medium"
    out = tmp_path / "hello.wav"
    narrator.synthesise("Hello, and welcome.", out)
    with wave.open(str(out)) as w:
        samples = array.array("h", w.readframes(w.getnframes()))
        seconds = w.getnframes() / w.getframerate()
    assert 0.6 < seconds < 4 and max(map(abs, samples)) > 2000
    with pytest.raises(NoNarrator):
        choose("vi", backends=["piper"])  # no Vietnamese Piper voice is installed
