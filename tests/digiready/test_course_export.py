"""``digiready course export``: an economy's course as an Open edX OLX archive, checked with
olxcleaner (the OLX linter Open edX authors use) and read back as Studio would read it: one
section per dimension with the diagnostic, one unit per module with its video and transcript
(or the transcript alone) and its survey."""
from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from lxml import etree
from olxcleaner import validate

from digiready.cli.main import main
from digiready.courseexport import vtt_to_srt
from digiready.media import manifest as media_manifest
from digiready.packs import load_pack
from digiready.packs.paths import content_dir


def export(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "course.tar.gz"
    assert main(["course", "export", "--out", str(out), *args]) == 0
    folder = tmp_path / "olx"
    with tarfile.open(out) as tar:
        tar.extractall(folder, filter="data")
    return folder / "course"


def lint(course: Path) -> list[str]:
    """olxcleaner's findings at warning level and above."""
    _course, errors, _names = validate(str(course), steps=8, allowed_xblocks=["digiready_diagnostic", "digiready_survey"])
    return [f"{e.level} {e.name} {e.filename}: {e.description}" for e in errors.errors
            if e.level in ("WARNING", "ERROR")]


def node(course: Path, kind: str, url_name: str) -> etree._Element:
    return etree.parse(str(course / kind / f"{url_name}.xml")).getroot()


def test_economy_course_has_a_section_per_dimension_and_a_unit_per_module(tmp_path, capsys):
    course = export(tmp_path, "--economy", "pe", "--language", "es", "--media-dir", str(tmp_path / "no-media"))
    assert lint(course) == []
    pack = load_pack(content_dir() / "base", economy="pe", language="es")
    top = etree.parse(str(course / "course.xml")).getroot()
    root = etree.parse(str(course / "course" / f"{top.get('url_name')}.xml")).getroot()
    assert top.get("course") == "DR-PE" and top.get("org") == "DigiReady"
    chapters = [c.get("url_name") for c in root]
    assert chapters[:len(pack.dimensions)] == [f"dimension_{d.id}" for d in pack.dimensions]
    seen_modules = []
    for dim in pack.dimensions:
        chapter = node(course, "chapter", f"dimension_{dim.id}")
        assert chapter.get("display_name") == dim.title  # Spanish titles from the overlay
        diagnostic = node(course, "digiready_diagnostic", f"diagnostic_{dim.id}")
        assert json.loads(diagnostic.get("dimensions")) == [dim.id]
        assert diagnostic.get("economy") == "pe" and diagnostic.get("language") == "es"
        for sequential in chapter:
            for vertical in node(course, "sequential", sequential.get("url_name")):
                seen_modules += [c.get("url_name").removeprefix("survey_")
                                 for c in node(course, "vertical", vertical.get("url_name")) if c.tag == "digiready_survey"]
    assert sorted(seen_modules) == sorted(m.id for m in pack.modules.values() if m.dimension in {d.id for d in pack.dimensions})
    policy = json.loads((course / "policies" / top.get("url_name") / "policy.json").read_text())
    settings = policy[f"course/{top.get('url_name')}"]
    assert settings["advanced_modules"] == ["digiready_diagnostic", "digiready_survey"]
    assert settings["language"] == "es" and "Perú" in settings["display_name"]
    # No video built and none named by the pack: the unit shows the transcript.
    module = next(iter(pack.modules.values()))
    unit = node(course, "vertical", f"module_{module.id}")
    assert [c.tag for c in unit] == ["html", "digiready_survey"]
    body = (course / "html" / f"html_{module.id}.html").read_text()
    first_paragraph = next(p for p in module.script.split("\n\n") if p.strip() and not p.startswith("#"))
    assert first_paragraph.strip()[:40].replace("'", "&#x27;") in body
    assert "transcript" in capsys.readouterr().out


def _built_media(root: Path, module_id: str, language: str, economy: str) -> None:
    """What `digiready media build` leaves for one module (files stand in for the encodes)."""
    folder = media_manifest.manifest_path(module_id, language, economy, root).parent
    build = folder / "0123456789ab"
    build.mkdir(parents=True)
    files = {}
    for name, (filename, mime) in media_manifest.FILES.items():
        data = ("WEBVTT\n\n00:00.000 --> 00:02.500 line:90%\nHola, bienvenidos.\n\n01:02:03.040 --> 01:02:05.000\nAdiós.\n"
                if name == "captions" else f"{name} bytes").encode()
        (build / filename).write_bytes(data)
        files[name] = media_manifest.MediaFile(path=f"0123456789ab/{filename}", type=mime, bytes=len(data), sha256="0" * 64)
    media_manifest.write(media_manifest.Manifest(
        module=module_id, language=language, economy=economy, title="t", duration_seconds=95.0,
        narrator={"kind": "espeak-ng", "voice": "es"}, input_hash="0" * 64, built_at="2026-01-01T00:00:00Z",
        files=files, cues=2), folder / "media.json")


def test_a_built_video_becomes_html5_sources_with_its_captions_as_transcript(tmp_path):
    pack = load_pack(content_dir() / "base", economy="pe", language="es")
    module = next(m for m in pack.modules.values() if m.dimension)
    media = tmp_path / "media"
    _built_media(media, module.id, "es", "pe")
    course = export(tmp_path, "--economy", "pe", "--language", "es", "--media-dir", str(media),
                    "--media-url", "https://media.example.org/dr/")
    assert lint(course) == []
    video = node(course, "video", f"video_{module.id}")
    sources = json.loads(video.get("html5_sources"))
    assert sources == [f"https://media.example.org/dr/pe/{module.id}/es/0123456789ab/video-360p.mp4",
                       f"https://media.example.org/dr/pe/{module.id}/es/0123456789ab/video-720p.mp4"]
    assert [s.get("src") for s in video.findall("source")] == sources
    assert json.loads(video.get("transcripts")) == {"es": f"{module.id}-es.srt"}
    srt = (course / "static" / f"{module.id}-es.srt").read_text()
    assert srt == "1\n00:00:00,000 --> 00:00:02,500\nHola, bienvenidos.\n\n2\n01:02:03,040 --> 01:02:05,000\nAdiós.\n"
    unit = node(course, "vertical", f"module_{module.id}")
    assert [c.tag for c in unit] == ["html", "video", "digiready_survey"]
    # The other modules stay transcript-only.
    other = next(m for m in pack.modules.values() if m.id != module.id)
    assert not (course / "video" / f"video_{other.id}.xml").exists()


def test_built_videos_need_an_absolute_media_url(tmp_path, capsys):
    media = tmp_path / "media"
    media.mkdir()
    export(tmp_path, "--economy", "pe", "--language", "es", "--media-dir", str(media))
    assert "--media-url" in capsys.readouterr().out
    assert main(["course", "export", "--out", str(tmp_path / "x.tar.gz"), "--media-dir", str(media),
                 "--media-url", "/media/"]) == 1
    assert "absolute http(s) address" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--economy", "zz"], "zz"), (["--economy", "pe", "--language", "xx"], "no 'xx' translation"),
    (["--pack", "nope"], "no content pack 'nope'"), (["--org", "///"], "has no letters or digits"),
])
def test_bad_options_get_one_clear_line(tmp_path, capsys, args, message):
    assert main(["course", "export", "--out", str(tmp_path / "c.tar.gz"), *args]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and not (tmp_path / "c.tar.gz").exists()


def test_vtt_to_srt_keeps_multiline_cues_and_drops_notes():
    vtt = "WEBVTT\n\nNOTE made by hand\n\nintro\n00:01.000 --> 00:02.000\nOne\ntwo\n"
    assert vtt_to_srt(vtt) == "1\n00:00:01,000 --> 00:00:02,000\nOne\ntwo\n"
