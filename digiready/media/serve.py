"""Serving built media over HTTP: byte ranges (206) so phones can seek and resume, ``ETag``
and a one-year ``immutable`` cache (a build folder's files never change).

One WSGI application used by every adapter: the LTI tool mounts it in front of Flask
(:func:`mount`), the XBlock's handler passes its request to it (``webob`` ``get_response``).
In production nginx serves ``DIGIREADY_MEDIA_DIR`` directly (deployment/nginx) and the apps
never see these requests.
"""
from __future__ import annotations

import mimetypes
import re
from email.utils import formatdate
from pathlib import Path

from digiready.media.manifest import media_dir

TYPES = {".mp4": "video/mp4", ".m4a": "audio/mp4", ".jpg": "image/jpeg", ".vtt": "text/vtt; charset=utf-8",
         ".json": "application/json"}
CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class MediaFiles:
    """A WSGI app serving ``root`` (default ``DIGIREADY_MEDIA_DIR``); the file is PATH_INFO,
    or the ``path`` given to :meth:`serve`."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root

    def __call__(self, environ, start_response):
        return self.serve(environ, start_response, environ.get("PATH_INFO", ""))

    def serve(self, environ, start_response, path: str):
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _plain(start_response, "405 Method Not Allowed", "GET or HEAD only", [("Allow", "GET, HEAD")])
        target = self._resolve(path)
        if target is None:
            return _plain(start_response, "404 Not Found", "no such media file")
        stat = target.stat()
        size = stat.st_size
        etag = f'"{size:x}-{stat.st_mtime_ns:x}"'
        headers = [("Content-Type", TYPES.get(target.suffix, mimetypes.guess_type(target.name)[0] or "application/octet-stream")),
                   ("Accept-Ranges", "bytes"), ("ETag", etag),
                   ("Last-Modified", formatdate(stat.st_mtime, usegmt=True)),
                   # <scope>/<module>/<language>/<build>/<file> never changes; media.json does
                   ("Cache-Control", "public, max-age=31536000, immutable" if len(path.strip("/").split("/")) >= 5
                    else "public, max-age=60"),
                   ("Access-Control-Allow-Origin", "*"), ("X-Content-Type-Options", "nosniff")]
        if etag in [t.strip() for t in environ.get("HTTP_IF_NONE_MATCH", "").split(",")]:
            start_response("304 Not Modified", [h for h in headers if h[0] != "Content-Type"])
            return [b""]
        wanted = environ.get("HTTP_RANGE", "")
        if_range = environ.get("HTTP_IF_RANGE")
        span = _range(wanted, size) if wanted and (not if_range or if_range == etag) else None
        if span == "unsatisfiable":
            return _plain(start_response, "416 Range Not Satisfiable", "range not satisfiable",
                          [("Content-Range", f"bytes */{size}")])
        if span is None:
            start, end, status = 0, size - 1, "200 OK"
        else:
            start, end = span
            status = "206 Partial Content"
            headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
        headers.append(("Content-Length", str(end - start + 1)))
        start_response(status, headers)
        if method == "HEAD":
            return [b""]
        return _read(target, start, end + 1)

    def _resolve(self, path: str) -> Path | None:
        root = (self.root or media_dir()).resolve()
        parts = [p for p in path.replace("\\", "/").split("/") if p]
        if not parts or any(p in ("..", ".") or p.startswith(".") for p in parts):
            return None
        target = root.joinpath(*parts)
        try:
            target.resolve().relative_to(root)
        except ValueError:
            return None
        return target if target.is_file() and target.suffix in TYPES else None


def _range(header: str, size: int):
    """(first, last) byte of a single ``bytes=`` range; None to send the whole file (several
    ranges, or a header we do not understand); ``"unsatisfiable"``."""
    match = _RANGE.match(header.strip())
    if not match or size == 0:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        n = int(last)
        return (max(0, size - n), size - 1) if n > 0 else "unsatisfiable"
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def _read(path: Path, start: int, stop: int):
    with path.open("rb") as f:
        f.seek(start)
        left = stop - start
        while left > 0:
            chunk = f.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk


def _plain(start_response, status: str, text: str, extra=()):
    body = text.encode()
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), *extra])
    return [body]


PREFIX = "/media/"


def mount(app, prefix: str = PREFIX, root: Path | None = None):
    """``app`` with ``prefix`` answered by :class:`MediaFiles` before it (WSGI middleware)."""
    files = MediaFiles(root)

    def middleware(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(prefix):
            return files.serve(environ, start_response, path[len(prefix):])
        return app(environ, start_response)

    return middleware


def media_url(relative: str) -> str:
    """The URL of a file under ``DIGIREADY_MEDIA_DIR``: ``DIGIREADY_MEDIA_URL`` + path when nginx
    or a CDN serves them, else the apps' own ``/media/``."""
    from digiready import config

    base = config.get("MEDIA_URL") or PREFIX
    return base.rstrip("/") + "/" + relative.lstrip("/")

