"""A :class:`~digiready.courseexport.course.Course` written as an Open edX OLX course archive
(``.tar.gz`` with a ``course/`` folder), in the layout Studio's own export uses, so Studio's
*Tools > Import* takes it as it is.

Layout: ``course.xml`` names the run; ``course/<run>.xml`` lists the sections;
``chapter/``, ``sequential/``, ``vertical/`` hold one file per node; components are pointers
to ``video/``, ``html/`` (with the ``.html`` body beside it), ``digiready_diagnostic/`` and
``digiready_survey/``; transcripts are SRT files in ``static/`` (what the video block imports);
``policies/<run>/`` holds the course policy (advanced modules, language) and grading policy.
"""
from __future__ import annotations

import html
import io
import json
import re
import tarfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from digiready.courseexport.course import Course, Section, Unit

DIAGNOSTIC = "digiready_diagnostic"
SURVEY = "digiready_survey"
CUE_TIME = re.compile(r"(\d+:)?(\d{2}):(\d{2})\.(\d{3})")


def vtt_to_srt(vtt: str) -> str:
    """SubRip text of WebVTT captions (Open edX imports transcripts as SRT): numbered cues,
    hours always written, a comma before the milliseconds; header, notes and styles dropped."""
    blocks = re.split(r"\n\s*\n", vtt.replace("\r\n", "\n").strip())
    cues = []
    for block in blocks:
        lines = block.split("\n")
        at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if at is None:
            continue  # WEBVTT header, NOTE, STYLE
        start, _, end = lines[at].partition("-->")
        end = end.strip().split()[0]  # cue settings follow the end time
        cues.append(f"{len(cues) + 1}\n{_srt_time(start.strip())} --> {_srt_time(end)}\n" + "\n".join(lines[at + 1:]))
    return "\n\n".join(cues) + "\n" if cues else ""


def _srt_time(stamp: str) -> str:
    match = CUE_TIME.fullmatch(stamp)
    if match is None:
        raise ValueError(f"not a WebVTT time: {stamp!r}")
    hours = (match.group(1) or "00:")[:-1]
    return f"{int(hours):02d}:{match.group(2)}:{match.group(3)},{match.group(4)}"


class _Archive:
    """Files of the ``course/`` folder, collected in memory then written as one tar.gz."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def text(self, path: str, content: str) -> None:
        self.files[path] = content.encode("utf-8")

    def xml(self, path: str, element: ET.Element) -> None:
        ET.indent(element)
        self.text(path, ET.tostring(element, encoding="unicode") + "\n")

    def write(self, out: Path) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        with tarfile.open(tmp, "w:gz") as tar:
            for path, data in sorted(self.files.items()):
                info = tarfile.TarInfo(f"course/{path}")
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
                tar.addfile(info, io.BytesIO(data))
        tmp.replace(out)


def _pointer(parent: ET.Element, tag: str, url_name: str) -> None:
    ET.SubElement(parent, tag, {"url_name": url_name})


def _block_settings(course: Course, **extra: str) -> dict[str, str]:
    """The settings both DigiReady blocks take, as OLX attributes (JSON for lists)."""
    return {"pack": course.pack, "economy": course.economy or "", "language": course.language, **extra}


def _module_html(unit: Unit, with_transcript: bool) -> str:
    parts = [f"<h3>{html.escape(unit.title)}</h3>"]
    if unit.objectives:
        parts.append("<ul>" + "".join(f"<li>{html.escape(o)}</li>" for o in unit.objectives) + "</ul>")
    if with_transcript:
        parts += [f"<p>{html.escape(p)}</p>" for p in unit.transcript_paragraphs]
    return "\n".join(parts) + "\n"


def _write_unit(archive: _Archive, course: Course, unit: Unit) -> None:
    vertical = ET.Element("vertical", {"display_name": unit.title})
    html_name = f"html_{unit.module_id}"
    _pointer(vertical, "html", html_name)
    archive.xml(f"html/{html_name}.xml", ET.Element("html", {"filename": html_name, "display_name": unit.title}))
    archive.text(f"html/{html_name}.html", _module_html(unit, with_transcript=unit.video is None))
    if unit.video is not None:
        video_name = f"video_{unit.module_id}"
        _pointer(vertical, "video", video_name)
        transcripts = {}
        if unit.captions_vtt.strip():
            srt_name = f"{unit.module_id}-{unit.captions_language}.srt"
            archive.text(f"static/{srt_name}", vtt_to_srt(unit.captions_vtt))
            transcripts[unit.captions_language] = srt_name
        video = ET.Element("video", {
            "display_name": unit.title, "html5_sources": json.dumps(list(unit.video.html5_sources)),
            "youtube_id_1_0": unit.video.youtube_id, "edx_video_id": unit.video.edx_video_id,
            "download_video": "true" if unit.video.html5_sources else "false", "download_track": "true",
            "transcripts": json.dumps(transcripts), "sub": ""})
        for source in unit.video.html5_sources:
            ET.SubElement(video, "source", {"src": source})
        for language, src in transcripts.items():
            ET.SubElement(video, "transcript", {"language": language, "src": src})
        archive.xml(f"video/{video_name}.xml", video)
    survey_name = f"survey_{unit.module_id}"
    _pointer(vertical, SURVEY, survey_name)
    archive.xml(f"{SURVEY}/{survey_name}.xml", ET.Element(SURVEY, _block_settings(
        course, module=unit.module_id, display_name=unit.title)))
    archive.xml(f"vertical/{unit.url_name}.xml", vertical)


def _write_section(archive: _Archive, course: Course, section: Section) -> None:
    chapter = ET.Element("chapter", {"display_name": section.title})
    key = section.dimension or section.url_name
    if section.dimension is not None:
        _pointer(chapter, "sequential", f"selfcheck_{key}")
        sequential = ET.Element("sequential", {"display_name": section.title})
        _pointer(sequential, "vertical", f"diagnostic_{key}")
        archive.xml(f"sequential/selfcheck_{key}.xml", sequential)
        vertical = ET.Element("vertical", {"display_name": section.title})
        _pointer(vertical, DIAGNOSTIC, f"diagnostic_{key}")
        archive.xml(f"vertical/diagnostic_{key}.xml", vertical)
        archive.xml(f"{DIAGNOSTIC}/diagnostic_{key}.xml", ET.Element(DIAGNOSTIC, _block_settings(
            course, display_name=section.title, dimensions=json.dumps([section.dimension]))))
    if section.units:
        _pointer(chapter, "sequential", f"training_{key}")
        sequential = ET.Element("sequential", {"display_name": section.title})
        for unit in section.units:
            _pointer(sequential, "vertical", unit.url_name)
            _write_unit(archive, course, unit)
        archive.xml(f"sequential/training_{key}.xml", sequential)
    archive.xml(f"chapter/{section.url_name}.xml", chapter)


def write_archive(course: Course, out: Path) -> Path:
    """Write the course as ``out`` (a ``.tar.gz`` Studio imports); returns ``out``."""
    archive = _Archive()
    archive.xml("course.xml", ET.Element("course", {"url_name": course.run, "org": course.org,
                                                    "course": course.number}))
    root = ET.Element("course")  # its settings are in the policy, as Studio exports them
    for section in course.sections:
        _pointer(root, "chapter", section.url_name)
        _write_section(archive, course, section)
    archive.xml(f"course/{course.run}.xml", root)
    archive.text(f"policies/{course.run}/policy.json", json.dumps({f"course/{course.run}": {
        "display_name": course.title, "language": course.language,
        "advanced_modules": [DIAGNOSTIC, SURVEY], "start": course.start, "end": course.end,
        # No course image is shipped: Studio shows its default until the team uploads one.
        "course_image": "",
    }}, indent=2, ensure_ascii=False) + "\n")
    # One assignment type for the knowledge checks, in case the team grades the training
    # subsections (Studio: subsection > Grade as "Knowledge check"); ungraded as exported.
    archive.text(f"policies/{course.run}/grading_policy.json", json.dumps({
        "GRADER": [{"type": "Knowledge check", "short_label": "KC", "min_count": 1, "drop_count": 0,
                    "weight": 1.0}],
        "GRADE_CUTOFFS": {"Pass": 0.5}}, indent=2) + "\n")
    archive.text("about/overview.html", f"<p>{html.escape(course.title)}</p>\n")
    archive.write(out)
    return out
