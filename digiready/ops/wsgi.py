"""WSGI middleware both web apps wrap themselves in: health endpoints, request ids, access log,
and the proxy headers. Plain WSGI, so it needs no web framework (werkzeug's ProxyFix is only
imported when the apps run behind a proxy, and the apps ship werkzeug with Flask).

Per request it costs one contextvar set/reset, two clock reads and (when enabled) one log
call; ``benchmarks/ops_middleware.py`` measures it.
"""
from __future__ import annotations

import json
import logging
import time

from digiready import config
from digiready.ops import health, logs, requestid

access_log = logging.getLogger("digiready.access")

_HEALTHY = json.dumps({"status": "ok"}).encode()


class OpsMiddleware:
    def __init__(self, app, *, access: bool) -> None:
        self.app = app
        self.access = access

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path in ("/healthz", "/readyz") and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return self._health(path, environ, start_response)
        rid = requestid.accept_or_new(environ.get(requestid.ENVIRON_KEY))
        environ[requestid.ENVIRON_KEY] = rid  # the app sees the id it will answer with
        token = requestid.current.set(rid)
        started = time.perf_counter()
        status_holder: list[str] = []

        def start_with_id(status, headers, exc_info=None):
            status_holder.append(status)
            headers.append((requestid.HEADER, rid))
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start_with_id)
        except BaseException:
            status_holder.append("500")
            raise
        finally:
            if self.access:
                # Time to the response's start, not to its last byte: the body of a large
                # streamed file is nginx's business and shows in its own log.
                status = status_holder[-1] if status_holder else "500"
                access_log.info(
                    "%s %s %s", environ.get("REQUEST_METHOD"), path, status[:3],
                    extra={"method": environ.get("REQUEST_METHOD"), "path": path,
                           "status": int(status[:3]),
                           "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                           "remote_addr": environ.get("REMOTE_ADDR")})
            requestid.current.reset(token)

    def _health(self, path, environ, start_response):
        if path == "/healthz":
            # Liveness: the process answers. Touches nothing, so a slow database never gets
            # a healthy process restarted.
            status, body = "200 OK", _HEALTHY
        else:
            ready, checks = health.readiness()
            status = "200 OK" if ready else "503 Service Unavailable"
            payload = {"status": "ok" if ready else "unavailable", "checks": checks}
            if not ready:
                payload["failed"] = sorted(k for k, v in checks.items() if v != "ok")
            body = json.dumps(payload).encode()
        start_response(status, [("Content-Type", "application/json"),
                                ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def proxy_hops(legacy: int = 0) -> int:
    """``DIGIREADY_PROXY_HOPS``; an app's older setting counts only when that one is unset."""
    if config.source("PROXY_HOPS") == "environment":
        raw = config.get("PROXY_HOPS") or "0"
        try:
            hops = int(raw)
        except ValueError:
            raise ValueError(f"DIGIREADY_PROXY_HOPS must be a whole number, not {raw!r}") from None
        if hops < 0:
            raise ValueError("DIGIREADY_PROXY_HOPS must be 0 or more")
        return hops
    return legacy


def install(wsgi_app, *, legacy_proxy_hops: int = 0):
    """Wrap an app's WSGI callable: ``app.wsgi_app = install(app.wsgi_app)``.

    Sets up logging too (idempotent). ProxyFix goes outside the middleware, so the access
    line's client address and the app's URLs are the ones the proxy saw.
    """
    logs.configure_logging()
    wrapped = OpsMiddleware(wsgi_app, access=logs.access_log_enabled())
    hops = proxy_hops(legacy_proxy_hops)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        wrapped = ProxyFix(wrapped, x_for=hops, x_proto=hops, x_host=hops, x_port=hops,
                           x_prefix=hops)
    return wrapped
