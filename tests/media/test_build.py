"""The built files, checked with ffprobe and by reading the captions against the audio."""
from __future__ import annotations

import os

import pytest

from digiready.media import build_module, captions
from digiready.media.script import paragraphs
from tests.media.conftest import MODULE, SCRIPT, SCRIPT_ES, make_pack, probe, silence_ends


def test_renditions_have_the_promised_streams_sizes_and_rates(built):
    _pack, _root, result = built
    m = result.manifest
    for name, (width, height) in {"video_360p": (640, 360), "video_720p": (1280, 720)}.items():
        info = probe(m.file(name))
        kinds = {s["codec_type"]: s for s in info["streams"]}
        assert set(kinds) == {"video", "audio"}, name
        assert kinds["video"]["codec_name"] == "h264" and kinds["audio"]["codec_name"] == "aac"
        assert (kinds["video"]["width"], kinds["video"]["height"]) == (width, height)
        assert kinds["video"]["profile"] in ("Main", "Constrained Baseline", "Baseline")
        assert m.files[name].bytes == m.file(name).stat().st_size
    total = int(probe(m.file("video_360p"))["format"]["bit_rate"])
    assert total <= 250_000, total
    audio = probe(m.file("audio"))
    assert [s["codec_type"] for s in audio["streams"]] == ["audio"]
    assert int(audio["format"]["bit_rate"]) <= 32_000
    # faststart: the index (moov) comes before the media data (mdat)
    for name in ("video_360p", "video_720p", "audio"):
        head = m.file(name).read_bytes()[:4096]
        assert b"moov" in head and (b"mdat" not in head or head.index(b"moov") < head.index(b"mdat")), name
    assert m.file("poster").read_bytes()[:3] == b"\xff\xd8\xff" and m.files["poster"].bytes < 30_000


def test_every_file_lasts_as_long_as_the_narration(built):
    _pack, _root, result = built
    m = result.manifest
    narration = float(probe(m.file("audio"))["format"]["duration"])
    assert m.duration_seconds == pytest.approx(narration, abs=0.5)
    for name in ("video_360p", "video_720p"):
        info = probe(m.file(name))
        for stream in info["streams"]:
            assert float(stream["duration"]) == pytest.approx(narration, abs=0.5), (name, stream["codec_type"])


def test_one_cue_per_spoken_sentence_starting_where_it_is_spoken(built):
    import webvtt

    _pack, _root, result = built
    m = result.manifest
    cues = [_Timed(c) for c in webvtt.read(str(m.file("captions")))]
    spoken = [s for p in paragraphs(SCRIPT) for s in p.sentences]
    # the cue texts, in order, are the sentences (a long one in parts), nothing else
    expected = [part for s in spoken for part in captions.parts(s)]
    assert [" ".join(c.text.split()) for c in cues] == expected
    assert len(expected) > len(spoken)  # the long sentence really was split
    starts = silence_ends(m.file("audio"))  # where speech resumes after a pause
    firsts, at = [], 0
    for sentence in spoken:
        firsts.append(cues[at])
        at += len(captions.parts(sentence))
    for cue in firsts:
        assert min(abs(cue.start_s - t) for t in starts) < 0.2, cue.start
    assert cues[-1].end_s < float(probe(m.file("video_360p"))["format"]["duration"])
    for cue in cues:
        lines = cue.text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= 42 for line in lines), cue.text
        chars = len(" ".join(cue.text.split()))
        assert chars / (cue.end_s - cue.start_s) <= 17.0, cue.text
        assert cue.end_s - cue.start_s >= 0.99


def test_a_rebuild_with_nothing_changed_writes_nothing(built):
    pack, root, first = built

    def snapshot():
        return {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in root.rglob("*")}

    before = snapshot()
    again = build_module(MODULE, "en", "xx", pack_dir=pack, root=root, backends=["espeak-ng"])
    assert again.status == "unchanged" and again.manifest.input_hash == first.manifest.input_hash
    assert snapshot() == before


def test_a_changed_script_is_rebuilt(tmp_path):
    from tests.media.conftest import needs_media_tools

    needs_media_tools()
    pack = make_pack(tmp_path, "Hello. This is short.\n")
    root = tmp_path / "media"
    first = build_module(MODULE, "en", pack_dir=pack, root=root, backends=["espeak-ng"])
    (pack / "modules" / MODULE / "script.md").write_text("Hello. This is short and new.\n", "utf-8")
    os.utime(pack / "modules" / MODULE)
    second = build_module(MODULE, "en", pack_dir=pack, root=root, backends=["espeak-ng"])
    assert first.status == second.status == "built"
    assert second.manifest.input_hash != first.manifest.input_hash
    assert second.manifest.complete()


class _Timed:
    """A webvtt-py cue with its times in seconds (its ``*_in_seconds`` drop the fraction)."""

    def __init__(self, cue) -> None:
        self.text = cue.text
        self.start_s, self.end_s = _seconds(cue.start), _seconds(cue.end)


def _seconds(stamp: str) -> float:
    h, m, s = stamp.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def test_a_translation_of_the_script_becomes_subtitles_on_the_narrations_timing(built):
    import webvtt

    _pack, _root, result = built
    m = result.manifest
    assert m.economy == "xx" and m.files["subtitles_es"].language == "es"
    subs = [_Timed(c) for c in webvtt.read(str(m.file("subtitles_es")))]
    spanish = [p.sentences for p in paragraphs(SCRIPT_ES)]
    assert [" ".join(c.text.split()) for c in subs] == [part for p in spanish for s in p for part in captions.parts(s)]
    english = [_Timed(c) for c in webvtt.read(str(m.file("captions")))]
    firsts_en, firsts_es, at_en, at_es = [], [], 0, 0
    for p_en, p_es in zip(paragraphs(SCRIPT), spanish, strict=True):  # each paragraph's first cue
        firsts_en.append(english[at_en].start_s)
        firsts_es.append(subs[at_es].start_s)
        at_en += sum(len(captions.parts(s)) for s in p_en.sentences)
        at_es += sum(len(captions.parts(s)) for s in p_es)
    assert firsts_es == pytest.approx(firsts_en, abs=0.01)
    assert subs[-1].end_s <= english[-1].end_s + 0.01


def test_the_player_offers_the_learners_language_first_and_the_others(built):
    from digiready.media.player import PlayerView, html

    _pack, _root, result = built
    m = result.manifest
    urls = {name: f"/media/{name}" for name in m.files}
    spanish = html(PlayerView(MODULE, m.duration_seconds, m, "es", urls), str, title="T")
    assert '<track kind="subtitles" src="/media/subtitles_es" srclang="es" label="Español" default>' in spanish
    assert '<track kind="captions" src="/media/captions" srclang="en" label="English">' in spanish
    assert "narrated in English; the transcript below is in Español" in spanish
    english = html(PlayerView(MODULE, m.duration_seconds, m, "en", urls), str, title="T")
    assert '<track kind="captions" src="/media/captions" srclang="en" label="English" default>' in english
    assert 'srclang="es" label="Español">' in english and "narrated in" not in english
    assert 'preload="none"' in english and 'poster="/media/poster"' in english


def test_the_economys_own_tool_names_get_a_slide(built, tmp_path):
    """Fixture economy "xx" adds the tool PagoXX in the category its rules recommend with the
    module: the video shows it during the recap (the last paragraph before the task)."""
    import subprocess

    from PIL import Image, ImageChops, ImageStat

    from digiready.media import slides
    from digiready.media.build import _local_names
    from digiready.packs import load_pack

    pack_dir, _root, result = built
    pack = load_pack(pack_dir, "xx", "en")
    assert _local_names(pack, MODULE, pack_dir) == ["PagoXX"]
    cues = [_Timed(c) for c in webvtt_read(result.manifest.file("captions"))]
    recap_start = next(c.start_s for c in cues if c.text == "Meet Ana.")
    task_start = next(c.start_s for c in cues if c.text.startswith("Your task"))
    # the second half of the recap paragraph; ffmpeg gives the first frame at or after it
    moment = (recap_start + task_start) / 2 + 0.05
    frame = tmp_path / "frame.png"
    subprocess.run(["ffmpeg", "-v", "error", "-ss", f"{moment:.2f}", "-i", str(result.manifest.file("video_360p")),
                    "-frames:v", "1", str(frame)], check=True)
    expected = {}
    for kind, heading, lines in (("local", "In Testland", ("PagoXX",)),
                                 ("sentence", pack.modules[MODULE].title, ("x",))):
        slides.draw(slides.Slide(kind, heading, lines), tmp_path / f"{kind}.bmp")
        expected[kind] = Image.open(tmp_path / f"{kind}.bmp").convert("RGB").resize((640, 360))
    shown = Image.open(frame).convert("RGB")
    distance = {k: sum(ImageStat.Stat(ImageChops.difference(shown, img)).mean) for k, img in expected.items()}
    assert distance["local"] < 10 and distance["local"] < distance["sentence"], distance


def webvtt_read(path):
    import webvtt

    return webvtt.read(str(path))
