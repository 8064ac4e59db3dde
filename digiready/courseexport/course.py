"""The course an economy imports into Open edX, built from a content pack: what it holds, not
how OLX spells it (:mod:`digiready.courseexport.olx` writes it).

One section per dimension: a unit with the diagnostic block asking about that dimension, then
one unit per training module of the dimension (its video with the transcript, or the
transcript alone when no video is available, and the module's survey block). Modules of no
shown dimension come last, in a section of their own.

A module's video: the built files of ``digiready media build`` when there are some for the
module in the course's language (html5 sources under ``media_url``, captions from the build),
else the video the pack names (HTML5 URL, YouTube id, Open edX video id), else none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from digiready.packs.model import Module, Pack

NAME = re.compile(r"[^A-Za-z0-9_.-]+")


class CourseExportError(Exception):
    """A mistake in the export's options (bad course key part, bad media URL...)."""


@dataclass(frozen=True)
class Video:
    html5_sources: tuple[str, ...] = ()
    youtube_id: str = ""
    edx_video_id: str = ""
    duration_seconds: float | None = None
    built: bool = False  # from ``digiready media build``


@dataclass(frozen=True)
class Unit:
    url_name: str
    module_id: str
    title: str
    objectives: tuple[str, ...]
    transcript_paragraphs: tuple[str, ...]
    captions_vtt: str  # WebVTT text: the build's when the video is built, else the pack's
    captions_language: str
    video: Video | None


@dataclass(frozen=True)
class Section:
    url_name: str
    title: str
    description: str | None
    dimension: str | None  # None: the section of modules without a shown dimension
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class Course:
    org: str
    number: str
    run: str
    title: str
    language: str
    pack: str  # the content pack's folder name, as the blocks' "pack" setting
    economy: str | None
    pack_version: str
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = field(default=())
    # Course dates (ISO 8601, UTC) for the policy; the team sets the real ones in Studio.
    start: str = "2020-01-01T00:00:00Z"
    end: str = "2099-12-31T00:00:00Z"  # what the operator should know (printed by the CLI)

    @property
    def course_key(self) -> str:
        return f"course-v1:{self.org}+{self.number}+{self.run}"


def key_part(text: str, what: str) -> str:
    """An org, number or run as Open edX accepts it in a course key."""
    cleaned = NAME.sub("_", text.strip()).strip("_")
    if not cleaned:
        raise CourseExportError(f"the course {what} {text!r} has no letters or digits")
    return cleaned


def _paragraphs(module: Module) -> tuple[str, ...]:
    return tuple(p.strip() for p in module.script.split("\n\n") if p.strip() and not p.lstrip().startswith("#"))


def _video(module: Module, language: str, media: MediaSource | None) -> tuple[Video | None, str]:
    """The module's video and the captions that go with it."""
    if media is not None:
        built = media.find(module.id, language)
        if built is not None:
            return built
    pack_video = module.video or {}
    if any(pack_video.get(k) for k in ("html5_url", "youtube_id", "edx_video_id")):
        sources = (pack_video["html5_url"],) if pack_video.get("html5_url") else ()
        return Video(html5_sources=sources, youtube_id=pack_video.get("youtube_id") or "",
                     edx_video_id=pack_video.get("edx_video_id") or "",
                     duration_seconds=float(module.duration_seconds)), module.captions
    return None, module.captions


class MediaSource:
    """Built videos under a media folder (``DIGIREADY_MEDIA_DIR``), served at ``url``."""

    def __init__(self, root: Path, url: str, economy: str | None) -> None:
        if not re.match(r"^https?://[^/]+", url or ""):
            raise CourseExportError(f"the media URL {url!r} must be an absolute http(s) address where the "
                                    "Open edX site's learners can fetch the videos (e.g. https://media.example.org/media/)")
        self.root, self.url, self.economy = root, url.rstrip("/") + "/", economy

    def find(self, module_id: str, language: str) -> tuple[Video, str] | None:
        from digiready.media import manifest as media_manifest

        built = media_manifest.load(module_id, language, self.economy, self.root) or (
            media_manifest.load(module_id, language, None, self.root) if self.economy else None)
        if built is None:
            return None
        sources = tuple(self.url + built.relative(name, self.root)
                        for name in ("video_360p", "video_720p") if name in built.files)
        captions = built.file("captions").read_text("utf-8") if "captions" in built.files else ""
        return Video(html5_sources=sources, duration_seconds=built.duration_seconds, built=True), captions


def build_course(pack: Pack, *, pack_name: str, org: str, number: str, run: str,
                 media: MediaSource | None = None) -> Course:
    """The course for ``pack`` (already merged with its overlay and localised)."""
    notes: list[str] = []
    by_dimension: dict[str | None, list[Module]] = {}
    shown = {d.id for d in pack.dimensions}
    for module in pack.modules.values():
        by_dimension.setdefault(module.dimension if module.dimension in shown else None, []).append(module)

    def units(modules: list[Module]) -> tuple[Unit, ...]:
        made = []
        for module in modules:
            video, captions = _video(module, pack.language, media)
            made.append(Unit(url_name=f"module_{module.id}", module_id=module.id, title=module.title,
                             objectives=module.objectives, transcript_paragraphs=_paragraphs(module),
                             captions_vtt=captions, captions_language=pack.language if video and video.built
                             else module.captions_language, video=video))
        return tuple(made)

    sections = [Section(url_name=f"dimension_{d.id}", title=d.title, description=d.description, dimension=d.id,
                        units=units(by_dimension.get(d.id, []))) for d in pack.dimensions]
    if by_dimension.get(None):
        sections.append(Section(url_name="more_training", title="More training", description=None, dimension=None,
                                units=units(by_dimension[None])))
    built = sum(1 for s in sections for u in s.units if u.video and u.video.built)
    missing = sum(1 for s in sections for u in s.units if u.video is None)
    if media is not None and built == 0:
        notes.append(f"no built videos in {media.root} for language {pack.language!r}: "
                     "run `digiready media build` first for videos, or keep the transcript-only units")
    if missing:
        notes.append(f"{missing} module(s) have no video: their units show the transcript")
    title = f"{pack.title} ({pack.economy_name})" if pack.economy_name else pack.title
    return Course(org=key_part(org, "org"), number=key_part(number, "number"), run=key_part(run, "run"),
                  title=title, language=pack.language, pack=pack_name, economy=pack.economy,
                  pack_version=pack.version, sections=tuple(sections), notes=tuple(notes))
