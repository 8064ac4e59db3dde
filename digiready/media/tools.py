"""The programs the media pipeline runs (ffmpeg, ffprobe, espeak-ng), found on PATH, with a
message that names the Debian package to install when one is missing."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

PACKAGES = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "espeak-ng": "espeak-ng"}


class MediaError(Exception):
    """A media build problem the operator can fix (a missing program, a bad narration file):
    printed as one line by the CLI, never a traceback."""


def find(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        package = PACKAGES.get(program, program)
        raise MediaError(f"{program} is not installed: install the Debian package '{package}' "
                         f"(apt-get install {package}, or scripts/install_system_deps.sh)")
    return path


def run(args: list[str], *, what: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a program; a failure becomes a :class:`MediaError` with the last lines it printed."""
    program = find(args[0])
    try:
        return subprocess.run([program, *args[1:]], cwd=cwd, capture_output=True, check=True)
    except subprocess.CalledProcessError as exc:
        tail = exc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise MediaError(f"{what} failed ({args[0]} exit {exc.returncode}): " + " | ".join(tail)) from None
