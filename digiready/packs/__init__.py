"""Content packs: load, validate, merge an economy overlay, localise.

``load_pack(path, economy, language)`` is what adapters call; it is cached, so calling it on
every request costs a dictionary lookup. ``validate_pack`` returns every issue for the CLI.
"""
from __future__ import annotations

import logging
import os
import time
from functools import lru_cache
from pathlib import Path

from digiready import config
from digiready.packs import published
from digiready.packs.build import build, pack_languages, translation_coverage
from digiready.packs.checks import check
from digiready.packs.loader import read_pack
from digiready.packs.model import Pack
from digiready.packs.paths import base_pack_dir, content_dir
from digiready.packs.yamlfile import PackIssue

__all__ = ["Pack", "PackError", "PackIssue", "load_pack", "validate_pack", "base_pack_dir",
           "content_dir", "clear_cache"]


_log = logging.getLogger("digiready.packs")


class PackError(Exception):
    """A pack with errors; ``issues`` holds every one, each with file:line:col."""

    def __init__(self, issues: list[PackIssue]) -> None:
        self.issues = issues
        errors = [i for i in issues if i.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in content pack:\n" + "\n".join(map(str, errors)))


# (path, economy) -> (monotonic time, signature): the file walk below runs at most once per
# DIGIREADY_PACK_RECHECK_SECONDS, since web pages ask for the pack several times a second.
_recent: dict[tuple[str, str | None], tuple[float, tuple]] = {}
config.declare("PACK_RECHECK_SECONDS", "2",
               "How often (seconds) a running app looks for edited pack files; 0 = on every use.")


def _signature(path: str, economy: str | None) -> tuple:
    """Changes whenever a pack file changes, so an edited pack is reloaded."""
    interval = float(config.get("PACK_RECHECK_SECONDS") or 0)
    now = time.monotonic()
    hit = _recent.get((path, economy))
    if hit is not None and interval > 0 and now - hit[0] < interval:
        return hit[1]
    signature = _walk_signature(path, economy)
    _recent[(path, economy)] = (now, signature)
    return signature


def _walk_signature(path: str, economy: str | None) -> tuple:
    roots = [Path(path)]
    if economy:
        from digiready.packs.paths import economy_dir

        roots.append(economy_dir(Path(path), economy))
    stamp = []
    for root in roots:
        for folder, _dirs, files in os.walk(root):
            stamp.append(_mtime(folder))
            stamp.extend(_mtime(os.path.join(folder, f)) for f in files)
    return (len(stamp), max(stamp, default=0), sum(stamp))


def _mtime(path: str) -> int:
    """A file's modification time, or its link's when the link is broken or loops (an
    editor's ``.#questions.yaml`` lock link points at nothing): a running app must not fail
    because someone is editing the pack."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        try:
            return os.lstat(path).st_mtime_ns
        except OSError:  # gone between the walk and now
            return 0


def _validated(path: str, economy: str | None):
    return _validated_cached(path, economy, _signature(path, economy))


@lru_cache(maxsize=64)
def _validated_cached(path: str, economy: str | None, _signature: tuple):
    raw = read_pack(Path(path), economy)
    issues = list(raw.issues)
    if not any(i.severity == "error" for i in issues):
        # Cross-file checks only make sense once each file is well-formed.
        issues.extend(check(raw))
    # Languages are read only from well-formed files (a malformed one may have any shape).
    languages, default = pack_languages(raw) if raw.manifest and not _has_errors(issues) \
        else ([], "en")
    needing = [lang for lang in languages if raw.overlay is None or lang in (raw.overlay.data or {}).get("languages", [])]
    coverage = translation_coverage(raw, needing) if not _has_errors(issues) else {}
    for language, percent in coverage.items():
        if percent < 100:
            where = raw.overlay.file if raw.overlay else str(raw.base_dir)
            issues.append(PackIssue(where, 1, 1, "", f"translation coverage for '{language}' is {percent}%", "warning"))
    return raw, issues, coverage, default


def _has_errors(issues: list[PackIssue]) -> bool:
    return any(i.severity == "error" for i in issues)


def validate_pack(path: str | Path, economy: str | None = None) -> tuple[list[PackIssue], dict[str, float]]:
    """Every issue (errors and warnings) and the translation coverage per language."""
    _raw, issues, coverage, _default = _validated(os.path.realpath(path), economy)
    return issues, coverage


# economy -> (monotonic time, folder of its published version or None), re-read at most once
# per DIGIREADY_PACK_RECHECK_SECONDS like the files' signature.
_published_recent: dict[str, tuple[float, str | None]] = {}


def _served_overlay(economy: str | None) -> str | None:
    """The published version's folder of ``economy`` when DigiReady Studio published one
    (see :mod:`digiready.packs.published`), else ``economy`` itself (its folder in
    ``content/economies``). A path given as the economy is taken as it is."""
    if not economy or "/" in economy or os.sep in economy:
        return economy
    interval = float(config.get("PACK_RECHECK_SECONDS") or 0)
    now = time.monotonic()
    hit = _published_recent.get(economy)
    if hit is None or interval <= 0 or now - hit[0] >= interval:
        found = published.overlay_dir(economy)
        hit = (now, str(found) if found else None)
        _published_recent[economy] = hit
    return hit[1] or economy


def _load(path: str, economy: str | None, language: str | None) -> Pack:
    overlay = _served_overlay(economy)
    return _load_cached(path, overlay, language, _signature(path, overlay))


@lru_cache(maxsize=128)
def _load_cached(path: str, economy: str | None, language: str | None, signature: tuple) -> Pack:
    started = time.perf_counter()
    raw, issues, coverage, default = _validated_cached(path, economy, signature)
    if _has_errors(issues):
        raise PackError(issues)
    languages, _ = pack_languages(raw)
    chosen = language if language in languages else default
    warnings = tuple(str(i) for i in issues if i.severity == "warning")
    pack = build(raw, chosen, coverage, warnings)
    # Once per pack, economy and language (and after an edit); at DEBUG, it shows when a
    # worker loads a pack that its warm-up did not (digiready.packs.warm).
    _log.debug("content pack loaded: %s%s (%s) in %.2f s", path, f" + {economy}" if economy else "",
              language or "default language", time.perf_counter() - started)
    return pack


def load_pack(path: str | Path | None = None, economy: str | None = None,
              language: str | None = None) -> Pack:
    """The merged, localised pack. A language the pack lacks falls back to its default. An
    economy named by its code is served in its published version when there is one."""
    if economy and "/" not in economy and os.sep not in economy:
        economy = economy.lower()  # a code; a folder's path is taken as it is
    return _load(_realpath(path), economy or None, language)


# path -> (monotonic time, its real path): resolving symlinks costs a syscall per path
# component, a third of a cached load_pack, which pages call several times per request. Like
# the files' signature it is worked out again at most every DIGIREADY_PACK_RECHECK_SECONDS,
# so a pack folder swapped behind a symlink (a deployment) is still picked up.
_real_recent: dict[str | Path, tuple[float, str]] = {}


def _realpath(path: str | Path | None) -> str:
    if not path:  # the base pack: where it is depends on settings and the working directory
        return os.path.realpath(base_pack_dir())
    if not os.path.isabs(path):  # relative to the working directory, which may change
        return os.path.realpath(path)
    interval = float(config.get("PACK_RECHECK_SECONDS") or 0)
    now = time.monotonic()
    hit = _real_recent.get(path)
    if hit is not None and interval > 0 and now - hit[0] < interval:
        return hit[1]
    real = os.path.realpath(path)
    if len(_real_recent) > 256:  # paths come from settings and Studio folders: a few
        _real_recent.clear()
    _real_recent[path] = (now, real)
    return real


def clear_cache() -> None:
    _validated_cached.cache_clear()
    _load_cached.cache_clear()
    _recent.clear()
    _published_recent.clear()
    _real_recent.clear()
