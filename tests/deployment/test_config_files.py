"""The deployment files that cannot run here as a whole: systemd units (checked by
systemd-analyze when present), the compose stack and its .env (containers cannot run here:
their structure is checked against the code's real settings), gunicorn's settings file."""
from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from deployment import loopback

REPO = loopback.REPO
DEPLOYMENT = REPO / "deployment"
UNITS = DEPLOYMENT / "systemd"
COMPOSE = DEPLOYMENT / "compose.yaml"
ENV_EXAMPLE = DEPLOYMENT / ".env.example"
HARDENING = ("NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
             "CapabilityBoundingSet=", "SystemCallFilter=@system-service",
             "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6")


def _gunicorn_env_names() -> set[str]:
    """Every environment variable deployment/gunicorn_conf.py reads."""
    tree = ast.parse((DEPLOYMENT / "gunicorn_conf.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = ast.unparse(node.func)
            if func in ("_int", "os.environ.get"):
                names.add(node.args[0].value)
    return names


# -- gunicorn -------------------------------------------------------------------------------

def _load_gunicorn_conf(env: dict) -> subprocess.CompletedProcess:
    code = ("import runpy, json; c = runpy.run_path('deployment/gunicorn_conf.py'); "
            "print(json.dumps({k: c[k] for k in ('workers', 'threads', 'timeout', "
            "'graceful_timeout', 'preload_app', 'worker_class', 'accesslog', "
            "'forwarded_allow_ips')}))")
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("GUNICORN_", "WEB_CONCURRENCY", "FORWARDED_ALLOW_IPS"))}
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**clean, **env},
                          capture_output=True, text=True)


def test_gunicorn_settings_follow_the_environment_and_refuse_bad_numbers():
    import json

    done = _load_gunicorn_conf({})
    assert done.returncode == 0, done.stderr
    default = json.loads(done.stdout)
    assert default["workers"] == len(os.sched_getaffinity(0))
    assert default["worker_class"] == "gthread" and default["preload_app"] is False
    assert default["accesslog"] is None and default["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert default["timeout"] > default["graceful_timeout"] > 0
    tuned = json.loads(_load_gunicorn_conf({"WEB_CONCURRENCY": "5", "GUNICORN_THREADS": "8",
                                            "GUNICORN_ACCESS_LOG": "-"}).stdout)
    assert (tuned["workers"], tuned["threads"], tuned["accesslog"]) == (5, 8, "-")
    bad = _load_gunicorn_conf({"GUNICORN_THREADS": "eight"})
    assert bad.returncode != 0
    assert "GUNICORN_THREADS must be a whole number, not 'eight'" in bad.stderr


def test_gunicorn_accepts_the_settings_file():
    """gunicorn itself parses the file (an unknown setting name would fail here)."""
    done = subprocess.run([sys.executable, "-m", "gunicorn", "--config",
                           str(DEPLOYMENT / "gunicorn_conf.py"), "--check-config",
                           "symposium_portal.app:create_app()"], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]


# -- systemd --------------------------------------------------------------------------------

def _units() -> list[Path]:
    return sorted(p for p in UNITS.iterdir() if p.suffix in (".service", ".timer"))


def _installed_copy(tmp_path: Path) -> Path:
    """The units as installed from this checkout: /opt/digiready paths point at it (verify
    checks that every ExecStart binary exists), templates instantiated."""
    target = tmp_path / "units"
    target.mkdir()
    for unit in _units():
        text = (unit.read_text().replace("/opt/digiready/venv", str(Path(sys.prefix)))
                .replace("/opt/digiready", str(REPO)))
        name = unit.name.replace("@.service", "@8001.service")
        (target / name).write_text(text)
    return target


def test_units_exist_and_are_hardened():
    names = {u.name for u in _units()}
    assert {"digiready-lti@.service", "digiready-portal@.service", "digiready-mail.service",
            "digiready-forwarder.service", "digiready-expire-holds.timer"} <= names
    for unit in _units():
        if unit.suffix != ".service":
            continue
        text = unit.read_text()
        missing = [h for h in HARDENING if h not in text.splitlines()]
        assert not missing, (unit.name, missing)
        assert re.search(r"^User=digiready$", text, re.M), unit.name
        command = re.search(r"^ExecStart=(\S+) (.*)$", text, re.M)
        assert command, unit.name
        if "@" in unit.name:
            assert "--bind 127.0.0.1:%i" in command.group(2)
            assert "--config /opt/digiready/deployment/gunicorn_conf.py" in command.group(2)
            assert "ExecStartPre=/opt/digiready/venv/bin/digiready check-config" in text
    # The commands the worker units run exist in the CLI.
    from digiready.cli.main import build_parser

    parser = build_parser()
    for unit in ("digiready-mail.service", "digiready-forwarder.service",
                 "digiready-expire-holds.service"):
        argv = re.search(r"^ExecStart=\S+/digiready (.*)$", (UNITS / unit).read_text(), re.M)
        parser.parse_args(argv.group(1).split())  # SystemExit on an unknown command or flag


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify_and_security(tmp_path):
    units = _installed_copy(tmp_path)
    files = sorted(str(p) for p in units.iterdir())
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *files], cwd=units,
                          capture_output=True, text=True, timeout=60)
    # Unknown keys are only warned about (exit 0): any output at all is a mistake.
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
    for path in files:
        if not path.endswith(".service"):
            continue
        report = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager",
                                 path], cwd=units, capture_output=True, text=True, timeout=60)
        level = re.search(r"Overall exposure level for \S+: ([\d.]+)", report.stdout)
        assert level, report.stdout[-500:] + report.stderr
        assert float(level.group(1)) <= 2.0, (path, report.stdout[-3000:])


# -- compose --------------------------------------------------------------------------------

def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _env_example() -> dict[str, str]:
    pairs = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        assert "=" in line, f".env.example:{number}: not NAME=value"
        name, value = line.split("=", 1)
        assert name not in pairs, f".env.example:{number}: {name} twice"
        pairs[name] = value
    return pairs


def _declared_settings() -> set[str]:
    from digiready import config
    from digiready.cli.settings_commands import load_all_declarations

    load_all_declarations()
    return {s.env_name for s in config.SETTINGS.values()}


def test_compose_services_are_complete_and_consistent():
    compose = _compose()
    services = compose["services"]
    assert {"postgres", "redis", "ralph", "clickhouse", "nginx", "migrate", "mail",
            "forwarder"} <= set(services)
    assert sum(1 for name in services if name.startswith("lti-")) >= 2
    assert sum(1 for name in services if name.startswith("portal-")) >= 2
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        build = service.get("build")
        if build:
            assert (COMPOSE.parent / build["context"] / build["dockerfile"]).is_file(), name
        depends = service.get("depends_on", {})
        for other, rule in (depends.items() if isinstance(depends, dict) else
                            ((d, {}) for d in depends)):
            assert other in services, f"{name} depends on unknown {other}"
            assert other != name
            if rule.get("condition") == "service_healthy":
                assert "healthcheck" in services[other], f"{name} waits for {other}'s health"
        if name != "migrate":
            assert "healthcheck" in service, f"{name} has no healthcheck"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (COMPOSE.parent / source).exists(), f"{name}: {source} missing"
            else:
                assert source in compose["volumes"], f"{name}: undeclared volume {source}"
    assert services["clickhouse"].get("profiles") == ["clickhouse"]  # optional
    assert services["migrate"]["command"] == ["digiready", "db", "upgrade"]
    for name in services:
        if name.startswith(("lti-", "portal-", "mail", "forwarder")):
            assert services[name]["depends_on"]["migrate"] == {
                "condition": "service_completed_successfully"}, name


def test_compose_environment_names_real_settings():
    declared = _declared_settings()
    gunicorn = _gunicorn_env_names()
    example = _env_example()
    compose = _compose()
    used = set(example)
    for service in compose["services"].values():
        environment = service.get("environment", {})
        used |= set(environment if isinstance(environment, dict) else
                    (e.split("=", 1)[0] for e in environment))
        if service.get("env_file"):
            assert service["env_file"] == ".env"
    used |= set(re.findall(r"\$\{([A-Z_]+)", COMPOSE.read_text()))
    unknown = sorted(name for name in used if name.startswith("DIGIREADY_")
                     and name not in declared)
    assert not unknown, f"not declared in the code: {unknown}"
    others = {name for name in used if not name.startswith("DIGIREADY_")}
    ralph = {n for n in others if n.startswith("RALPH_")}
    assert others - ralph - gunicorn == {"POSTGRES_PASSWORD", "POSTGRES_DB", "POSTGRES_USER"}
    # Secrets are placeholders an operator must replace (check-config refuses defaults).
    assert example["DIGIREADY_SECRET_KEY"] == "CHANGE-ME"
    assert example["DIGIREADY_ENV"] == "production"
    assert example["DIGIREADY_PROXY_HOPS"] == "1"


def test_compose_nginx_image_edits_still_match_the_site_file():
    """The nginx image rewrites the site file with sed: each pattern must still match."""
    dockerfile = (DEPLOYMENT / "nginx" / "Dockerfile").read_text()
    site = loopback.SITE.read_text()
    edits = re.findall(r"-e 's\|([^|]+)\|([^|]*)\|'", dockerfile)
    assert len(edits) >= 5
    for pattern, _replacement in edits:
        assert pattern in site, f"nginx/Dockerfile edits {pattern!r}, not in digiready.conf"
    services = _compose()["services"]
    for name in re.findall(r"server ([a-z0-9-]+):8000", dockerfile):
        assert name in services, f"nginx/Dockerfile names {name}, not a compose service"


def test_digiready_serve_uses_the_settings_file_from_any_directory(tmp_path):
    """``digiready serve`` (the console script, run outside the checkout) starts gunicorn
    with deployment/gunicorn_conf.py: gthread workers, not gunicorn's sync default."""
    import signal
    import time

    import requests

    port = loopback.free_port()
    log = tmp_path / "serve.log"
    script = Path(sys.executable).with_name("digiready")
    env = {**os.environ, "DIGIREADY_VAR_DIR": str(tmp_path / "var")}
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(script), "serve", "portal", "--bind", f"127.0.0.1:{port}",
                                 "--workers", "1"], cwd=tmp_path, env=env, stdout=out,
                                stderr=out, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        else:
            raise AssertionError(log.read_text())
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)
    text = log.read_text()
    assert "Using worker: gthread" in text, text
