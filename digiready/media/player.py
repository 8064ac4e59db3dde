"""What a module page shows of its video, the same in every adapter: the built files of the
learner's language (else of the pack's source language, with a note), the duration from the
manifest, and the player's HTML (``<video preload="none">`` with the poster, the captions
tracks, an audio-only switch and download links). The adapter passes its gettext function,
the URL of a media file, and its events attributes for ``player.js``.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape

from digiready.media import manifest as manifests
from digiready.media.labels import language_name
from digiready.media.serve import media_url


def minutes_for(seconds: float) -> int:
    """Whole minutes, rounded up (4 min 10 s is "about 5 minutes"): the one rounding every page
    uses, so a module never says 4 on one page and 5 on another."""
    return max(1, math.ceil(seconds / 60 - 0.05))


@dataclass(frozen=True)
class PlayerView:
    module_id: str
    duration_seconds: float
    manifest: manifests.Manifest | None = None
    learner_language: str = "en"
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def minutes(self) -> int:
        return minutes_for(self.duration_seconds)

    @property
    def has_video(self) -> bool:
        return self.manifest is not None

    @property
    def video_language(self) -> str | None:
        return self.manifest.language if self.manifest else None

    @property
    def fallback(self) -> bool:
        """The video is in another language than the learner's (nobody narrates theirs yet)."""
        return self.manifest is not None and self.manifest.language != self.learner_language


def view(pack, module_id: str, *, economy: str | None = None, language: str | None = None,
         url: Callable[[str], str] = media_url, root=None) -> PlayerView:
    """The player of ``module_id`` for a learner reading ``pack`` (its language unless given)."""
    module = pack.modules[module_id]
    learner = language or pack.language
    order = [learner, pack.source_language, *pack.languages]
    found = manifests.find(module_id, list(dict.fromkeys(order)), economy or pack.economy, root)
    if found is None:
        return PlayerView(module_id, float(module.duration_seconds), None, learner)
    urls = {name: url(found.relative(name, root)) for name in found.files}
    return PlayerView(module_id, found.duration_seconds, found, learner, urls)


def duration_seconds(pack, module_id: str, economy: str | None = None) -> float:
    """The module's duration: the built video's (manifest), else the pack's estimate."""
    return view(pack, module_id, economy=economy).duration_seconds


def html(player: PlayerView, _: Callable[[str], str], *, title: str,
         attributes: Mapping[str, str] | None = None, transcript_language: str | None = None) -> str:
    """The player's markup (escaped; safe to insert as is). ``attributes`` go on the
    ``<video>`` (``data-events-url``, ``data-csrf``...)."""
    m = player.manifest
    if m is None:
        return ""
    u = player.urls
    # crossorigin: captions from nginx/a CDN on another origin load only with CORS (both send it)
    attrs = {"id": "dr-video", "class": "video", "controls": "", "preload": "none", "playsinline": "",
             "crossorigin": "anonymous",
             "poster": u["poster"], "data-duration": f"{m.duration_seconds:.3f}", "data-video-src": u["video_360p"],
             "data-audio-src": u["audio"], "aria-label": title, **(attributes or {})}
    tag = " ".join(f'{k}="{escape(v)}"' if v != "" else k for k, v in attrs.items())
    tracks = [f'<track kind="captions" src="{escape(u["captions"])}" srclang="{escape(m.language)}" '
              f'label="{escape(language_name(m.language))}" default>']
    for name, spec in m.files.items():
        if name.startswith("subtitles_") and spec.language:
            default = " default" if spec.language == player.learner_language else ""
            tracks.append(f'<track kind="subtitles" src="{escape(u[name])}" srclang="{escape(spec.language)}" '
                          f'label="{escape(language_name(spec.language))}"{default}>')
    if any(" default" in t for t in tracks[1:]):  # the learner's own language, not the narration's
        tracks[0] = tracks[0].replace(" default>", ">")
    mb = lambda name: f"{m.files[name].bytes / 1e6:.1f}"  # noqa: E731
    parts = [
        '<figure class="dr-player">',
        f"<video {tag}>",
        f'<source src="{escape(u["video_360p"])}" type="video/mp4">',
        *tracks,
        f'<a href="{escape(u["video_360p"])}">{escape(_("Download the video"))}</a>',
        "</video>",
        '<p class="dr-player-tools">',
        f'<button type="button" class="secondary" data-audio-toggle aria-pressed="false" '
        f'aria-controls="dr-video" hidden>{escape(_("Audio only (uses less data)"))}</button> ',
        f'<a href="{escape(u["video_720p"])}" download>{escape(_("Download the video"))} (720p, {mb("video_720p")} MB)</a> · ',
        f'<a href="{escape(u["audio"])}" download>{escape(_("Download the audio"))} ({mb("audio")} MB)</a>',
        "</p>",
    ]
    if player.fallback:
        note = _("This video is narrated in %(video)s; the transcript below is in %(transcript)s.") % {
            "video": language_name(m.language), "transcript": language_name(transcript_language or player.learner_language)}
        parts.append(f'<p class="note">{escape(note)}</p>')
    parts.append("</figure>")
    return "\n".join(parts)
