"""The deployment stack for tests: deployment/loopback.py's nginx + gunicorn instances, on
the PostgreSQL and Redis fixtures of tests/conftest.py."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from deployment import loopback

REPO = loopback.REPO


def require_nginx() -> None:
    if loopback.nginx_binary():
        return
    message = "nginx not installed (scripts/install_system_deps.sh installs it)"
    if os.environ.get("DIGIREADY_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (DIGIREADY_REQUIRE_SERVICES=1)")
    pytest.skip(message)


def app_env(tmp_path, database_url: str, redis_url: str | None = None, **extra) -> dict:
    """The apps' settings, as /etc/digiready/digiready.env would hold them."""
    env = {
        "DIGIREADY_ENV": "production",
        "DIGIREADY_SECRET_KEY": secrets.token_urlsafe(32),
        "DIGIREADY_DATABASE_URL": database_url,
        "DIGIREADY_VAR_DIR": str(tmp_path / "var"),
        "DIGIREADY_LTI_PACK": str(REPO / "tests" / "digiready" / "fixtures" / "pack"),
        "DIGIREADY_PORTAL_RATELIMIT": "100000/minute",
        "DIGIREADY_PORTAL_TRUSTED_PROXIES": "1",
        "DIGIREADY_PROXY_HOPS": "1",
        "DIGIREADY_LOG_FORMAT": "json",
        **extra,
    }
    if redis_url:
        env["DIGIREADY_REDIS_URL"] = redis_url
    return env


def prepare_database(env: dict, capacity: int) -> None:
    """Migrate and seed the symposium, as an operator does once before starting instances."""
    full = {**os.environ, **env}
    for argv in (["db", "upgrade"], ["portal", "seed-demo", "--force", "--capacity", str(capacity)]):
        subprocess.run([sys.executable, "-m", "digiready.cli.main", *argv], env=full, cwd=REPO,
                       check=True, stdout=subprocess.DEVNULL)
