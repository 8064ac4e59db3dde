"""Training videos built from the modules' scripts (``digiready media build``).

Each module's video is built per language: a narration (a recorded file the economy team put
beside the script wins; else an installed Piper voice; else espeak-ng), slides drawn from the
script, captions timed from the real audio, renditions for slow networks (360p and 720p MP4,
audio-only M4A), a poster, WebVTT captions and a ``media.json`` manifest, under
``DIGIREADY_MEDIA_DIR``. See docs/media.md.

The API other areas use::

    from digiready import media

    media.build_module("digital_payments", "es", economy="pe")   # -> BuildResult (built/unchanged/no-narrator)
    media.find_narration("digital_payments", "fil", economy="ph")  # a recorded file, or None
    media.narration_target("digital_payments", "fil", "ph", "wav")  # where an upload belongs
    media.load_manifest("digital_payments", "es", economy="pe")    # -> Manifest or None
    media.find_manifest("digital_payments", ["tpi", "en"], economy="pg")  # first built language

Reading manifests needs only the standard library; building needs Pillow (``digiready[media]``),
ffmpeg and, for synthetic voices, espeak-ng or a Piper voice package.
"""
from digiready.media import settings as _settings  # noqa: F401
from digiready.media.build import (
    BuildResult,
    build_all,
    build_module,
    find_narration,
    module_folders,
    narration_target,
)
from digiready.media.manifest import Manifest, MediaFile, media_dir
from digiready.media.manifest import find as find_manifest
from digiready.media.manifest import load as load_manifest
from digiready.media.narrators import NoNarrator
from digiready.media.tools import MediaError

__all__ = [
    "BuildResult", "Manifest", "MediaError", "MediaFile", "NoNarrator", "build_all", "build_module",
    "find_manifest", "find_narration", "load_manifest", "media_dir", "module_folders", "narration_target",
]
