"""Build each module's video from its script, per language, and skip what has not changed.

:func:`build_module` is the one entry point (the CLI, ``make run``, the studio's "rebuild
after a narration upload" and tests all call it); :func:`build_all` loops over an economy's
modules and languages. A build is identified by the hash of everything it is made from (the
texts, the narrator and its voice or recorded file, the pipeline's settings): with the same
hash already built, nothing is written.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from digiready.media import captions, encode, manifest, slides, timeline
from digiready.media.narrators import NoNarrator, choose, narration_file
from digiready.media.script import Paragraph, key_sentence, paragraphs
from digiready.media.tools import MediaError, find

# Bump when the pipeline's output changes for the same inputs (forces a rebuild).
PIPELINE_VERSION = "1"


@dataclass(frozen=True)
class BuildResult:
    module: str
    language: str
    economy: str | None
    status: str  # "built", "unchanged" or "no-narrator"
    message: str
    seconds: float
    manifest: manifest.Manifest | None = None


def module_folders(module_id: str, economy: str | None = None, pack_dir: Path | None = None) -> list[Path]:
    """Where a module's files live: the economy overlay's folder first (the version published
    by DigiReady Studio when there is one, then ``content/economies/<code>``), then the base
    pack's. A recorded narration ``narration.<lang>.<ext>`` is looked for in this order."""
    from digiready.packs import published
    from digiready.packs.paths import base_pack_dir, economy_dir

    base = Path(pack_dir) if pack_dir else base_pack_dir()
    overlays = []
    if economy:
        served = published.overlay_dir(economy.lower())
        overlays = ([served] if served else []) + [economy_dir(base, economy)]
    return [folder / "modules" / module_id for folder in overlays] + [base / "modules" / module_id]


def find_narration(module_id: str, language: str, economy: str | None = None,
                   pack_dir: Path | None = None) -> Path | None:
    """The recorded narration an economy team supplied for this module and language, if any."""
    return narration_file(module_folders(module_id, economy, pack_dir), language)


def narration_target(module_id: str, language: str, economy: str | None, extension: str,
                     pack_dir: Path | None = None) -> Path:
    """Where a recorded narration belongs in the content tree (the overlay's module folder for
    an economy, else the base pack's); ``extension`` is one of wav, ogg, mp3, m4a. DigiReady
    Studio stores uploads in its drafts at the same relative place
    (``modules/<id>/narration.<lang>.<ext>``), and publishing puts them where
    :func:`module_folders` looks first."""
    from digiready.media.narrators import RECORDED_EXTENSIONS

    if extension not in RECORDED_EXTENSIONS:
        raise MediaError(f"a narration must be one of {', '.join(RECORDED_EXTENSIONS)}, not '{extension}'")
    from digiready.packs.paths import base_pack_dir, economy_dir

    base = Path(pack_dir) if pack_dir else base_pack_dir()
    folder = economy_dir(base, economy) if economy else base
    return folder / "modules" / module_id / f"narration.{language}.{extension}"


def languages_of(economy: str | None = None, pack_dir: Path | None = None) -> list[str]:
    from digiready.packs import load_pack

    return list(load_pack(pack_dir, economy).languages)


def build_all(economy: str | None = None, languages: list[str] | None = None,
              modules: list[str] | None = None, *, pack_dir: Path | None = None,
              root: Path | None = None, backends: list[str] | None = None, progress=None,
              jobs: int = 2) -> list[BuildResult]:
    """Every module in every language asked for; ``jobs`` modules at a time (ffmpeg and the
    voices run as separate processes or release the GIL, so threads use both cores)."""
    from concurrent.futures import ThreadPoolExecutor

    from digiready.packs import load_pack

    pack = load_pack(pack_dir, economy)
    wanted = modules or list(pack.modules)
    unknown = [m for m in wanted if m not in pack.modules]
    if unknown:
        raise MediaError(f"no module {', '.join(map(repr, unknown))} in the pack (modules: {', '.join(pack.modules)})")
    chosen = languages or list(pack.languages)
    for language in chosen:
        if language not in pack.languages:
            raise MediaError(f"'{language}' is not a language of this pack ({', '.join(pack.languages)})")

    def one(job: tuple[str, str]) -> BuildResult:
        result = build_module(job[1], job[0], economy, pack_dir=pack_dir, root=root, backends=backends)
        if progress:
            progress(result)
        return result

    work = [(language, module_id) for language in chosen for module_id in wanted]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, work))


def build_module(module_id: str, language: str, economy: str | None = None, *, pack_dir: Path | None = None,
                 root: Path | None = None, backends: list[str] | None = None) -> BuildResult:
    """Build (or find unchanged) one module's media in one language."""
    from digiready.packs import load_pack

    began = time.monotonic()
    find("ffmpeg"), find("ffprobe")  # say what to install before anything else is done
    root = Path(root) if root else manifest.media_dir()
    pack = load_pack(pack_dir, economy, language)
    module = pack.modules.get(module_id)
    if module is None:
        raise MediaError(f"no module '{module_id}' in the pack")
    folders = module_folders(module_id, economy, pack_dir)
    if not _has_script(folders, language, module_id, pack_dir, economy):
        return BuildResult(module_id, language, economy, "no-narrator",
                           f"{module_id} [{language}]: the script is not translated to '{language}'; "
                           "learners get the source language's video", time.monotonic() - began)
    try:
        narrator = choose(language, narration_file(folders, language), backends)
    except NoNarrator as exc:
        return BuildResult(module_id, language, economy, "no-narrator", f"{module_id} [{language}]: {exc}",
                           time.monotonic() - began)
    parts = paragraphs(module.script)
    local = _local_names(pack, module_id, pack_dir) if economy else []
    translated = _translations(module_id, language, len(parts), folders, pack, pack_dir, economy)
    inputs = {"subtitles": {lang: [p.sentences for p in ps] for lang, ps in translated.items()},"pipeline": PIPELINE_VERSION, "module": module_id, "language": language, "economy": economy,
              "economy_name": pack.economy_name, "title": module.title, "objectives": list(module.objectives),
              "script": [p.sentences for p in parts], "local": local, "narrator": narrator.fingerprint,
              "renditions": encode.RENDITIONS, "frame": encode.MAX_FRAME_SECONDS, "audio": encode.AUDIO_ONLY_KBPS}
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    target = manifest.manifest_path(module_id, language, economy, root)
    existing = manifest.read(target)
    if existing is not None and existing.input_hash == digest and existing.complete():
        return BuildResult(module_id, language, economy, "unchanged", f"{module_id} [{language}]: unchanged",
                           time.monotonic() - began, existing)
    (root / ".work").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root / ".work") as tmp:
        work = Path(tmp)
        if narrator.kind == "recorded":
            line = timeline.recorded(narrator, parts, work / "narration.wav")
        else:
            line = timeline.synthetic(narrator, parts, root / ".cache" / "speech", work / "narration.wav")
        cues = [c for s in line.spoken for c in captions.cues_for(s.text, s.start, s.shown_until)]
        build_dir = work / digest[:12]
        build_dir.mkdir()
        names = {name: build_dir / file for name, (file, _type) in manifest.FILES.items()}
        names["captions"].write_text(captions.webvtt(cues), "utf-8")
        problems = captions.problems(cues)
        for other, other_parts in translated.items():
            subs = _subtitles(line, other_parts)
            names[f"subtitles_{other}"] = build_dir / f"subtitles.{other}.vtt"
            names[f"subtitles_{other}"].write_text(captions.webvtt(subs), "utf-8")
            problems += [f"subtitles {other}: {p}" for p in captions.problems(subs)]
        schedule = _slides(work, line, parts, module, pack, language, local)
        encode.concat_list(schedule, line.duration, work / "slides.txt")
        encode.render(work / "slides.txt", line.audio, names)
        slides.poster(schedule[0][0], names["poster"])
        files = _describe(names, language)
        result = manifest.Manifest(
            module=module_id, language=language, economy=economy, title=module.title,
            duration_seconds=line.duration, narrator={"kind": narrator.kind, "voice": narrator.voice},
            input_hash=digest, built_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            files=files, cues=len(cues), warnings=problems)
        final = target.parent / build_dir.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            shutil.rmtree(final)
        shutil.move(str(build_dir), final)
    manifest.write(result, target)
    _prune(target.parent, keep={final.name, existing.files["captions"].path.split("/")[0] if existing else ""})
    built = manifest.read(target)
    return BuildResult(module_id, language, economy, "built",
                       f"{module_id} [{language}]: built with {narrator.label}, {line.duration:.0f} s, {len(cues)} cues",
                       time.monotonic() - began, built)


_raw_packs: dict[tuple[str, str | None], tuple[object, object]] = {}


def _has_script(folders: list[Path], language: str, module_id: str, pack_dir, economy) -> bool:
    """The module's script exists in ``language`` (else the pack would hand us its source text)."""
    from digiready.packs import load_pack, published
    from digiready.packs.checks import module_file
    from digiready.packs.loader import read_pack
    from digiready.packs.paths import base_pack_dir

    anchor = load_pack(pack_dir, economy)  # a new object exactly when the pack's files changed
    key = (str(pack_dir), economy)
    if _raw_packs.get(key, (None,))[0] is not anchor:
        served = published.overlay_dir(economy) if economy else None  # what load_pack reads too
        _raw_packs[key] = (anchor, read_pack(Path(pack_dir) if pack_dir else base_pack_dir(),
                                             str(served) if served else economy))
    entry = _raw_packs[key][1].modules.get(module_id)
    if entry is None:
        return False
    if entry.entry.language == language:
        return True
    name = entry.entry.data.get("script", "script.md")
    return any(module_file(folder, name, language).is_file() for folder in folders)


def _local_names(pack, module_id: str, pack_dir) -> list[str]:
    """The economy's own tools in the categories its rules recommend with this module."""
    from digiready.packs import load_pack

    base_ids = {t.id for t in load_pack(pack_dir, None).tools}
    categories = {c for rule in pack.rules if module_id in rule.modules for c in rule.tool_categories}
    return [t.name for t in pack.tools if t.category in categories and t.id not in base_ids]


def _slides(work: Path, line: timeline.Timeline, parts: list[Paragraph], module, pack, language: str,
            local: list[str]) -> list[tuple[Path, float]]:
    """Each slide's PNG and how long it shows, changing where a sentence starts."""
    last = parts[-1].sentences[0] if len(parts) > 1 else None
    task = last.split(":", 1)[1].strip() if last and 0 < last.find(":") < 45 else last
    plan = slides.plan(module.title, list(module.objectives), [key_sentence(p) for p in parts[1:-1]],
                       task[:1].upper() + task[1:] if task else None, local, pack.economy_name, language)
    starts = {}
    for s in line.spoken:
        starts.setdefault(s.paragraph, s.start)
    first_para = [s for s in line.spoken if s.paragraph == 0]
    bounds: list[tuple[slides.Slide, float]] = []  # (slide, start time)
    opening_end = first_para[1].start if len(first_para) > 1 else (starts.get(1, line.duration)) * 0.4
    bounds.append((plan["opening"][0], 0.0))
    learn_end = starts.get(1, line.duration)
    for n, slide in enumerate(plan["learn"]):
        bounds.append((slide, opening_end + (learn_end - opening_end) * n / len(plan["learn"])))
    for n, slide in enumerate(plan["body"], start=1):
        bounds.append((slide, starts[n]))
        if plan["local"] and n == len(parts) - 2:  # the recap: the economy's own tools halfway
            end = starts.get(n + 1, line.duration)
            bounds.append((plan["local"][0], (starts[n] + end) / 2))
    if plan["closing"]:
        bounds.append((plan["closing"][0], starts[len(parts) - 1]))
    schedule = []
    for n, (slide, start) in enumerate(bounds):
        end = bounds[n + 1][1] if n + 1 < len(bounds) else line.duration
        png = work / f"slide-{n:03d}.bmp"  # uncompressed: ffmpeg reads it again for every frame
        slides.draw(slide, png)
        schedule.append((png, max(end - start, 0.0)))
    return [(png, seconds) for png, seconds in schedule if seconds > 0] or schedule[:1]


def _translations(module_id: str, language: str, count: int, folders: list[Path], pack, pack_dir,
                  economy) -> dict[str, list[Paragraph]]:
    """The module's script in the pack's other languages, when it has the narration's
    paragraphs (a translation keeps them): those become subtitles of this video."""
    from digiready.packs import load_pack

    found = {}
    for other in pack.languages:
        if other != language and _has_script(folders, other, module_id, pack_dir, economy):
            other_parts = paragraphs(load_pack(pack_dir, economy, other).modules[module_id].script)
            if len(other_parts) == count:
                found[other] = other_parts
    return found


def _subtitles(line: timeline.Timeline, other: list[Paragraph]) -> list[captions.Cue]:
    """A translation's cues on the narration's timing: each paragraph is shown while its
    counterpart is spoken, its sentences (and their parts) sharing that time by length."""
    cues = []
    for n, paragraph in enumerate(other):
        spoken = [s for s in line.spoken if s.paragraph == n]
        if not spoken:
            continue
        start, end = spoken[0].start, spoken[-1].shown_until
        total = sum(len(s) for s in paragraph.sentences) or 1
        at = start
        for sentence in paragraph.sentences:
            stop = at + (end - start) * len(sentence) / total
            cues.extend(captions.cues_for(sentence, at, stop))
            at = stop
    return cues


def _describe(names: dict[str, Path], language: str) -> dict[str, manifest.MediaFile]:
    files = {}
    for name, path in names.items():
        kind = manifest.FILES[name][1] if name in manifest.FILES else "text/vtt"
        info: dict = {}
        if kind.startswith(("video/", "audio/")):
            probed = encode.probe(path)
            duration = float(probed["format"]["duration"])
            info["duration_seconds"] = round(duration, 3)
            info["kbit_per_second"] = round(path.stat().st_size * 8 / 1000 / duration, 1)
            video = next((s for s in probed["streams"] if s["codec_type"] == "video"), None)
            if video:
                info["width"], info["height"] = video["width"], video["height"]
        if name == "captions":
            info["language"] = language
        elif name.startswith("subtitles_"):
            info["language"] = name.split("_", 1)[1]
        files[name] = manifest.MediaFile(path=f"{path.parent.name}/{path.name}", type=kind,
                                         bytes=path.stat().st_size, sha256=_sha256(path), **info)
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _prune(folder: Path, keep: set[str]) -> None:
    """Old builds go; the one before stays a while for pages that loaded it a moment ago."""
    for child in folder.iterdir():
        if child.is_dir() and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
