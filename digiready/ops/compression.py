"""Compressed responses from the apps themselves: the policy, framework-free.

Pages, styles and scripts are text that shrinks five to eight times (the LTI question page:
11 KB of HTML, under 2 KB compressed), which matters to learners on slow mobile networks.
nginx compresses in the documented production layouts (``deployment/nginx``: gzip and
brotli); ``make run`` and ``digiready serve`` without a proxy have nothing in front, so the
apps compress too. Each Flask adapter applies this policy with Flask-Compress (a maintained
extension: Accept-Encoding negotiation, ``Vary``, ETags, streamed files); behind nginx the
result is the same, since nginx passes an already compressed response on as it is.

Never compressed: partial content (a ``206`` with ``Content-Range``): a byte range is a
range of the file as stored, and a compressed range would break resumed downloads and video
seeking. The training videos under ``/media/`` are served by :mod:`digiready.media.serve`
in front of the apps and are never touched by this; their types (video, audio, images) are
not compressible anyway.
"""
from __future__ import annotations

from digiready import config
from digiready.ops import settings  # noqa: F401  (declares DIGIREADY_COMPRESS)

# What is worth compressing: text. Images, audio, video and fonts are compressed already.
MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
             "application/json", "text/csv", "text/plain", "text/vtt", "image/svg+xml",
             "application/xml", "text/xml"]


def enabled() -> bool:
    return (config.get("COMPRESS") or "1").strip().lower() not in ("0", "false", "no", "off")


# Brotli's quality for pages compressed as they are answered. The LTI question page (11.4 KB
# of HTML): quality 2 gives 2.6 KB (gzip -6's size) in 0.10 ms of the worker's CPU, quality 4
# gives 2.4 KB in 0.19 ms (measured in the app, `benchmarks/lti_launch_profile.py`). Either
# fits in the first flight of a new connection (ten 1.4 KB segments), so a phone waits no
# longer for the page; the server spends half the CPU.
BROTLI_QUALITY = 2


def flask_settings() -> dict:
    """Flask-Compress's configuration: brotli, else gzip (every browser), text types only,
    nothing under 500 bytes; registered by the adapter (see :func:`compressible`)."""
    return {"COMPRESS_REGISTER": False, "COMPRESS_MIMETYPES": MIMETYPES,
            "COMPRESS_ALGORITHM": ["br", "gzip", "deflate"],
            "COMPRESS_BR_LEVEL": BROTLI_QUALITY, "COMPRESS_LEVEL": 6, "COMPRESS_MIN_SIZE": 500}


def compressible(status: int, headers) -> bool:
    """Whether a response may be compressed at all (Flask-Compress then checks the type,
    the size and the browser's Accept-Encoding): never partial content."""
    return status != 206 and "Content-Range" not in headers
