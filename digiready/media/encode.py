"""The renditions, from the slides and the narration, in one ffmpeg run.

- 360p: H.264 main profile, a frame per slide change (repeated every 2 s, a key frame every
  10 s), x264's still-image tuning, the audio-only file's AAC (~28 kbit/s mono),
  ``+faststart`` (the index first, so playback starts before the download ends); far under
  250 kbit/s in total.
- 720p: the same at 1280×720, AAC 64 kbit/s.
- audio only: AAC-LC ~28 kbit/s mono in M4A (plays in every phone browser).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

from digiready.media.tools import run

MAX_FRAME_SECONDS = 2.0  # a slide is repeated this often (identical frames cost a few bytes)
KEYFRAME_SECONDS = 10
RENDITIONS = {
    # name: (width, height, crf, max video kbit/s, audio kbit/s)
    "video_360p": (640, 360, 30, 150, 24),
    "video_720p": (1280, 720, 28, 400, 64),
}
# ffmpeg's AAC encoder overshoots low targets by about a sixth: 24 gives ~28 kbit/s, under 32.
AUDIO_ONLY_KBPS = 24
# Its default coder (two-loop search) is four times slower for no audible gain in speech.
AAC = ["-c:a", "aac", "-aac_coder", "fast", "-ac", "1"]


def concat_list(schedule: list[tuple[Path, float]], total: float, path: Path) -> None:
    """An ffconcat list showing each slide for its seconds (as frames of at most
    ``MAX_FRAME_SECONDS``: a variable frame rate, so a still slide costs almost nothing to
    encode); the last slide lasts until ``total``."""
    lines = ["ffconcat version 1.0"]
    shown = 0.0
    for n, (png, seconds) in enumerate(schedule):
        if n == len(schedule) - 1:  # up to a last frame 0.1 s before the end
            seconds = max(total - shown - 0.1, 0.1)
        frames = max(1, math.ceil(seconds / MAX_FRAME_SECONDS))
        for _ in range(frames):
            lines += [f"file '{png.name}'", f"duration {seconds / frames:.4f}"]
        shown += seconds
    # The last frame: the demuxer ignores the last entry's duration, so it is listed again.
    lines += [f"file '{schedule[-1][0].name}'", "duration 0.1", f"file '{schedule[-1][0].name}'"]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def render(slides_list: Path, narration: Path, outputs: dict[str, Path]) -> None:
    """The audio-only file first (its AAC stream is copied into the 360p video), then both
    videos in one run."""
    run(["ffmpeg", "-nostdin", "-y", "-v", "error", "-i", str(narration), *AAC, "-b:a",
         f"{AUDIO_ONLY_KBPS}k", "-ar", "22050", "-movflags", "+faststart", str(outputs["audio"])],
        what="encoding the audio")
    split = "".join(f"[v{n}]" for n in range(len(RENDITIONS)))
    graph = [f"[0:v]format=yuv420p,split={len(RENDITIONS)}{split}"]
    args = ["ffmpeg", "-nostdin", "-y", "-v", "error", "-f", "concat", "-safe", "0", "-i", str(slides_list),
            "-i", str(outputs["audio"]), "-i", str(narration)]
    maps: list[str] = []
    for n, (name, (w, h, crf, maxrate, audio)) in enumerate(RENDITIONS.items()):
        graph.append(f"[v{n}]scale={w}:{h}:flags=lanczos[o{n}]")
        sound = (["-map", "1:a", "-c:a", "copy"] if audio == AUDIO_ONLY_KBPS
                 else ["-map", "2:a", *AAC, "-b:a", f"{audio}k"])
        maps += ["-map", f"[o{n}]", *sound, "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "veryfast",
                 "-tune", "stillimage", "-profile:v", "main", "-crf", str(crf), "-maxrate", f"{maxrate}k",
                 "-bufsize", f"{maxrate * 2}k", "-force_key_frames", f"expr:gte(t,n_forced*{KEYFRAME_SECONDS})",
                 "-movflags", "+faststart", "-shortest", str(outputs[name])]
    run(args + ["-filter_complex", ";".join(graph)] + maps, what="encoding the video")


def probe(path: Path) -> dict:
    """ffprobe's view of a file: its format and streams."""
    out = run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
              what=f"reading {path.name}")
    return json.loads(out.stdout)
