"""Cost of the operations middleware (request id, access log) per request, in microseconds.

Calls a trivial WSGI app in-process, bare and wrapped by ``digiready.ops.wsgi.OpsMiddleware``
(access log off; access log on with the JSON formatter writing to /dev/null), many times,
taking the best of several rounds so that other processes on the machine disturb it least.
The difference is what every request of the LTI tool and the portal pays.

    .venv/bin/python benchmarks/ops_middleware.py [--requests 10000] [--rounds 15]

Writes benchmarks/results/ops_middleware.json and prints the figures.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import time
from pathlib import Path

from digiready.ops import logs
from digiready.ops.wsgi import OpsMiddleware

RESULTS = Path(__file__).parent / "results" / "ops_middleware.json"


def trivial_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def environ() -> dict:
    return {"REQUEST_METHOD": "GET", "PATH_INFO": "/lti/launch", "REMOTE_ADDR": "127.0.0.1",
            "HTTP_X_REQUEST_ID": "0123456789abcdef0123456789abcdef"}


def per_request_us(app, n: int, rounds: int) -> float:
    def start_response(status, headers, exc_info=None):
        return None

    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(n):
            app(environ(), start_response)
        best = min(best, time.perf_counter() - started)
    return best / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    root = logging.getLogger()
    sink = open(os.devnull, "w")  # noqa: SIM115 - open for the whole run
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logs.JsonFormatter())
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    bare = per_request_us(trivial_app, args.requests, args.rounds)
    quiet = per_request_us(OpsMiddleware(trivial_app, access=False), args.requests, args.rounds)
    logged = per_request_us(OpsMiddleware(trivial_app, access=True), args.requests, args.rounds)
    fresh_id = OpsMiddleware(trivial_app, access=False)

    def no_incoming_id(env, sr):
        env.pop("HTTP_X_REQUEST_ID")
        return fresh_id(env, sr)

    generated = per_request_us(no_incoming_id, args.requests, args.rounds)
    figures = {
        "requests_per_round": args.requests, "rounds": args.rounds,
        "bare_app_us": round(bare, 2),
        "middleware_access_log_off_us": round(quiet - bare, 2),
        "middleware_new_request_id_us": round(generated - bare, 2),
        "middleware_json_access_log_us": round(logged - bare, 2),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    for name, value in figures.items():
        print(f"{name:34} {value}")


if __name__ == "__main__":
    main()
