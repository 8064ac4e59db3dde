"""Operations settings (declared here, read by the middleware, logging and check-config)."""
from __future__ import annotations

from digiready import config

config.declare(
    "PROXY_HOPS", "0",
    "Reverse proxies in front of the apps whose `X-Forwarded-For/Proto/Host/Port/Prefix` are "
    "trusted (0: not behind a proxy; 1: behind nginx). Never higher than the real number of "
    "proxies, or clients can forge their address and the public URL.")
config.declare(
    "ACCESS_LOG", "auto",
    "`1` or `0`: one log line per request from the apps (method, path, status, duration, "
    "client address, request id); `auto` = on when `DIGIREADY_LOG_FORMAT=json`.")
config.declare(
    "COMPRESS", "1",
    "`1`: the web apps compress their pages, styles, scripts and JSON (brotli or gzip, as the "
    "browser accepts) for layouts with no compressing proxy in front (`make run`, `digiready "
    "serve` alone); `0` leaves it to the proxy (nginx passes an already compressed response "
    "on, so `1` is also safe behind it).")
config.declare("LOG_LEVEL", "INFO", "Level of the apps' logs (`DEBUG`, `INFO`, `WARNING`...).")
config.declare(
    "READY_TIMEOUT", "2",
    "Seconds `/readyz` waits for the database and for Redis before answering 503.")
