"""gunicorn settings for both apps (``gunicorn --config deployment/gunicorn_conf.py ...``).

Each value can be changed by an environment variable (the systemd units and the compose file
set them) and command-line flags override this file (``digiready serve --workers``).

Why these values:
- ``gthread`` workers: a request mostly waits on PostgreSQL, Redis or a platform's JWKS/AGS
  endpoint, so a few threads per process keep the CPU busy without the memory of more
  processes. Workers default to one per core (not gunicorn's 2n+1 rule of thumb: every
  instance behind nginx is one more set of processes and the threads already absorb waits).
- No ``preload_app``: the apps open database engines, Redis clients and key caches lazily;
  forking after loading would share those sockets between processes, and preloading also
  stops ``kill -HUP`` from picking up new code, which the rolling restart relies on. The
  cost is a second or two more per worker start and a little more memory.
- ``graceful_timeout`` lets requests in flight finish on SIGTERM (systemd stop, a rolling
  restart) while nginx sends new requests to the other instances.
- ``max_requests`` with jitter recycles workers now and then, bounding slow leaks, never all
  at once.
- ``post_worker_init`` warms each new worker before it accepts a request (the LTI tool
  loads and validates every content pack it may serve, Studio-published versions included:
  ``digiready.packs.warm``), so no learner's launch pays the 0.5-2.5 s of a first pack load
  after a start, a rolling restart or a recycled worker.
- Access log off by default: nginx already writes one line per request with the request id,
  and with ``DIGIREADY_LOG_FORMAT=json`` the app logs requests itself; a third copy only
  costs disk. ``GUNICORN_ACCESS_LOG=-`` turns it on (e.g. when running without nginx).
"""
from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what this process may use (containers, taskset)
    except AttributeError:
        return multiprocessing.cpu_count()


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", max(1, _cores()))
threads = _int("GUNICORN_THREADS", 4)
# A request slower than this is stuck (a launch takes tens of milliseconds): restart the worker.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 20)
# Below nginx's keepalive_timeout to its upstreams, so gunicorn never closes a connection
# nginx is about to reuse.
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
backlog = _int("GUNICORN_BACKLOG", 2048)
preload_app = False
# Only the local proxy may set X-Forwarded-*; the apps' ProxyFix (DIGIREADY_PROXY_HOPS) then
# trusts exactly the hops nginx adds.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Worker heartbeat files in memory, not on a possibly slow or read-only disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = os.environ.get("GUNICORN_PROC_NAME", "digiready")


def post_worker_init(worker) -> None:
    """The worker has loaded the app and accepts nothing yet: run the app's warm-ups,
    beating gunicorn's heartbeat as they go (a slow warm-up is not a stuck worker)."""
    from digiready.adapters import warm_up

    warm_up(getattr(worker.app, "app_uri", None) or worker.cfg.wsgi_app, progress=worker.notify)
