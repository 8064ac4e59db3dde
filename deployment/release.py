"""Build what a release ships: the ``digiready`` sdist and wheel, and the Tutor plugin's wheel
with that ``digiready`` wheel inside it.

``python -m deployment.release dist [OUT]`` (``make dist``) writes the three files to ``dist/``.
The wheel is built from the sdist (``python -m build`` does that), so a file missing from
MANIFEST.in is missing from the wheel too and the packaging tests catch it. The Tutor
plugin carries the wheel so that an operator needs no package index or git host of ours:
Tutor copies it into the image's build context and installs it into the kept virtualenv.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLUGIN_SOURCE = REPO / "deployment" / "tutor"
# Where the plugin keeps the bundled wheel (see tutordigiready.plugin.BUNDLE).
BUNDLE = Path("tutordigiready") / "templates" / "digiready-dist"


def _build(args: list[str], source: Path, out: Path, python: str) -> None:
    """``python -m build`` without isolation: the build tools come from the running venv,
    so a release (and the tests) need no network."""
    result = subprocess.run([python, "-m", "build", "--no-isolation", *args, "--outdir", str(out), str(source)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"building {source} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")


def build_digiready(out: Path, python: str = sys.executable) -> tuple[Path, Path]:
    """(sdist, wheel) of the ``digiready`` distribution, the wheel built from the sdist."""
    out.mkdir(parents=True, exist_ok=True)
    _build([], REPO, out, python)
    return next(out.glob("digiready-*.tar.gz")), next(out.glob("digiready-*.whl"))


def build_tutor_plugin(digiready_wheel: Path, out: Path, python: str = sys.executable) -> Path:
    """The plugin's wheel, with ``digiready_wheel`` bundled (built from a copy of the plugin's
    source, so the source tree never holds a wheel)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "tutor"
        shutil.copytree(PLUGIN_SOURCE, source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
        bundle = source / BUNDLE
        shutil.rmtree(bundle, ignore_errors=True)
        bundle.mkdir(parents=True)
        shutil.copy2(digiready_wheel, bundle / digiready_wheel.name)
        _build(["--wheel"], source, out, python)
    return next(out.glob("tutor_contrib_digiready-*.whl"))


def build_all(out: Path, python: str = sys.executable) -> dict[str, Path]:
    sdist, wheel = build_digiready(out, python)
    return {"sdist": sdist, "wheel": wheel, "tutor_plugin": build_tutor_plugin(wheel, out, python)}


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "dist":
        print("usage: python -m deployment.release dist [OUT]", file=sys.stderr)
        return 2
    out = Path(argv[1]) if len(argv) > 1 else REPO / "dist"
    shutil.rmtree(out, ignore_errors=True)
    for kind, path in build_all(out).items():
        print(f"{kind}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
