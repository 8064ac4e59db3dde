"""Load and validate every content pack a server may serve, before it takes traffic.

Reading, validating, merging and localising a pack takes 0.5 s on a quiet machine and
1-2.5 s under load; left to the first request, a new worker (a start, a rolling restart, a
recycled worker) makes some learner's launch wait that long. The web servers call this in
each new worker before it accepts requests (``deployment/gunicorn_conf.py``,
``post_worker_init``, through the adapters' warm-ups: :func:`digiready.adapters.warm_up`).

Warmed: the pack in each of its languages, and each economy's overlay (its folder beside
the base pack, or the version DigiReady Studio published) in each of that overlay's
languages. A pack with errors is logged and
skipped: the worker still starts, and the pages that need it say the content is being
updated, as they would have without the warm-up.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from digiready.packs import PackError, load_pack
from digiready.packs.paths import base_pack_dir
from digiready.packs.published import published_economies

log = logging.getLogger("digiready.packs")


def warm_up(path: str | Path | None = None,
            progress: Callable[[], None] | None = None) -> list[tuple[str | None, str]]:
    """Load every (economy, language) of the pack at ``path`` (default: the base pack);
    returns those loaded. ``progress`` is called after each (gunicorn's ``worker.notify``:
    a long warm-up on a loaded machine must not look like a stuck worker)."""
    started = time.perf_counter()
    loaded: list[tuple[str | None, str]] = []
    for economy in [None, *economies(path)]:
        try:
            first = load_pack(path, economy)
            for language in first.languages:
                load_pack(path, economy, language)
                loaded.append((economy, language))
                if progress is not None:
                    progress()
        except (PackError, OSError, KeyError, ValueError) as exc:
            log.error("content pack %s%s not warmed: %s", path or "base",
                      f" + {economy}" if economy else "", str(exc).splitlines()[0])
    log.info("content packs warmed: %d (economy, language) pairs in %.2f s", len(loaded),
             time.perf_counter() - started)
    return loaded


def economies(path: str | Path | None = None) -> list[str]:
    """The economy codes the pack at ``path`` can be served with: an overlay folder beside
    it (``economies/<code>/overlay.yaml``) or a Studio-published version."""
    root = Path(os.path.realpath(path or base_pack_dir())).parent / "economies"
    found = {p.name for p in root.iterdir() if (p / "overlay.yaml").is_file()} \
        if root.is_dir() else set()
    return sorted(found | set(published_economies()))
