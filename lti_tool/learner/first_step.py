"""The blank first step of the diagnostic, rendered once per pack, language and URL root.

Most launches land on it (a new learner, or one who opened the activity and went no
further), and its HTML is the same for every such launch except the launch id (in its URLs
and hidden field) and the CSRF token bound to that id. Rendering it through Jinja (eight
questions, fifty choices, about 11 KB) was a third of a launch's CPU; here it is rendered
once, cut at the launch id and the token, and later launches join the pieces with their
own.

Only what is provably per-launch is substituted: the second launch that needs the page is
rendered in full as well and must equal the pieces joined with its values, otherwise the
page is never cached (and a warning says so), so a template change that puts something
else of the launch on the page (a name, a date) cannot leak one learner's page to another.
The entry is tied to the pack object (an edited or newly published pack is a new object),
the page language and the application's URL root.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from flask_babel import get_locale

from lti_tool.launch_context import csrf_token

log = logging.getLogger("lti_tool.learner")

MAX_ENTRIES = 256  # packs x languages x URL roots; cleared when full


@dataclass(frozen=True)
class _Entry:
    pack: object  # held so that its id() cannot be reused while the entry lives
    pieces: tuple[tuple[str, ...], ...]  # the page cut at the launch id, each cut at the token
    status: int
    verified: bool  # a second launch's full rendering matched the joined pieces


_cache: dict[tuple, _Entry] = {}
_lock = threading.Lock()
_refused: set[tuple] = set()  # keys whose page turned out to hold more than the launch id


def _cut(html: str, launch_id: str, token: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(part.split(token)) for part in html.split(launch_id))


def _join(pieces: tuple[tuple[str, ...], ...], launch_id: str, token: str) -> str:
    return launch_id.join(token.join(part) for part in pieces)


def page(launch, pack, render: Callable[[], tuple[str, int]]) -> tuple[str, int]:
    """The blank first step for ``launch`` (its pack: ``pack``): from the pieces when they
    are known and verified, else from ``render()`` (the full rendering)."""
    key = (id(pack), str(get_locale()), request.script_root)
    token = csrf_token(launch.id)
    entry = _cache.get(key)
    if entry is not None and entry.pack is pack and entry.verified:
        return _join(entry.pieces, launch.id, token), entry.status
    html, status = render()
    if key in _refused or status != 200:
        return html, status
    if entry is None or entry.pack is not pack:
        _store(key, _Entry(pack, _cut(html, launch.id, token), status, False))
    elif _join(entry.pieces, launch.id, token) == html:
        _store(key, _Entry(pack, entry.pieces, status, True))
    else:
        log.warning("the first diagnostic step differs between launches beyond the launch id "
                    "and token; it is rendered in full for every launch")
        with _lock:
            _refused.add(key)
            _cache.pop(key, None)
    return html, status


def _store(key: tuple, entry: _Entry) -> None:
    with _lock:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = entry


def clear() -> None:
    with _lock:
        _cache.clear()
        _refused.clear()
