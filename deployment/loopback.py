"""The production layout on one machine, on loopback ports: gunicorn instances of each app
behind a real nginx running this directory's site configuration.

The deployment tests and ``benchmarks/scale_out.py`` start their stacks with it, so the very
files an operator installs (``nginx/digiready.conf``, its snippets, ``gunicorn_conf.py``) are
the ones exercised. Nothing here needs root: nginx gets a private prefix (pid, logs, temp
files) and a self-signed certificate made for the run.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SITE = HERE / "nginx" / "digiready.conf"
SNIPPETS = HERE / "nginx" / "snippets"
GUNICORN_CONF = HERE / "gunicorn_conf.py"
LTI_APP = "lti_tool.app:create_app()"
PORTAL_APP = "symposium_portal.app:create_app()"
LTI_STATIC = REPO / "lti_tool" / "static"
PORTAL_STATIC = REPO / "symposium_portal" / "static"
NGINX_MODULES = Path("/usr/lib/nginx/modules")
# The example names in digiready.conf, which a rendering replaces.
LTI_NAME = "lti.digiready.example.org"
# An instance is ready when it answers /readyz (database and Redis reachable: digiready/ops).
READY_PATH = "/readyz"
PORTAL_NAME = "symposium.digiready.example.org"


class StackError(RuntimeError):
    """A part of the stack did not start; the message carries its log."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.path.exists(p)), None)


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A one-day certificate for 127.0.0.1 (subjectAltName IP), made with the openssl CLI."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return cert, key


# -- rendering the site file -----------------------------------------------------------------

def _blocks(text: str, keyword: str) -> list[tuple[int, int]]:
    """(start, end) of every top-level ``keyword ... { ... }`` block (no braces in strings)."""
    spans = []
    for match in re.finditer(rf"^{keyword}\b[^{{\n]*\{{", text, re.M):
        depth, i = 0, match.end() - 1
        while True:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
            if depth == 0:
                break
        spans.append((match.start(), i))
    return spans


def _replace_block(text: str, span: tuple[int, int], new: str) -> str:
    return text[:span[0]] + new + text[span[1]:]


def _must_sub(pattern: str, replacement: str, text: str, what: str, count: int = 0) -> str:
    new, n = re.subn(pattern, replacement, text, count=count, flags=re.M)
    if n == 0:
        raise StackError(f"digiready.conf changed: no {what} to render ({pattern!r})")
    return new


@dataclass
class SitePorts:
    http: int
    lti: int
    portal: int
    lti_servers: list[str]
    portal_servers: list[str]


def render_site(text: str, ports: SitePorts, *, cert: Path, key: Path, snippets: Path,
                logs: Path, lti_static: Path = LTI_STATIC,
                portal_static: Path = PORTAL_STATIC, media: Path | None = None) -> str:
    """digiready.conf for loopback: each server block on its own port (the host name cannot
    choose between them without DNS), upstreams pointing at the given instances, the given
    certificate, static folders and log directory. Fails if an expected line is missing, so
    the rendering can never silently test something other than the shipped file."""
    for name, servers in (("digiready_lti", ports.lti_servers),
                          ("digiready_portal", ports.portal_servers)):
        span = next(s for s in _blocks(text, "upstream") if text[s[0]:s[1]].startswith(
            f"upstream {name} "))
        block = text[span[0]:span[1]]
        options = re.search(r"^\s*server \S+ ([^;]*);", block, re.M)
        if options is None:
            raise StackError(f"digiready.conf changed: upstream {name} has no server line")
        kept = [ln for ln in block.splitlines() if not ln.strip().startswith("server ")]
        lines = [f"    server {s} {options.group(1)};" for s in servers]
        text = _replace_block(text, span, "\n".join([kept[0], *lines, *kept[1:]]))
    out = []
    last = 0
    for start, end in _blocks(text, "server"):
        block = text[start:end]
        out.append(text[last:start])
        last = end
        if "ssl_reject_handshake" in block:
            port = None  # the catch-all for unknown names: one name per port here
        elif "return 301 https://" in block:
            port = ports.http
        elif f"server_name {LTI_NAME};" in block:
            port = ports.lti
        elif f"server_name {PORTAL_NAME};" in block:
            port = ports.portal
        else:
            raise StackError("digiready.conf has a server block the rendering does not know")
        if port is None:
            continue
        block = re.sub(r"^\s*listen \[::\].*\n", "", block, flags=re.M)
        block = _must_sub(r"^(\s*)listen (80|443)\b", rf"\1listen 127.0.0.1:{port}", block,
                          "listen line")
        block = _must_sub(r"^(\s*)server_name [^;]+;", r"\1server_name 127.0.0.1;", block,
                          "server_name")
        out.append(block)
    out.append(text[last:])
    text = "".join(out)
    text = _must_sub(r"^(\s*)ssl_certificate \S+;", rf"\1ssl_certificate {cert};", text,
                     "ssl_certificate")
    text = _must_sub(r"^(\s*)ssl_certificate_key \S+;", rf"\1ssl_certificate_key {key};", text,
                     "ssl_certificate_key")
    text = _must_sub(r"include /etc/nginx/snippets/", f"include {snippets}/", text, "include")
    text = _must_sub(r"/var/log/nginx/", f"{logs}/", text, "access_log")
    text = _must_sub(r"alias \S+/lti_tool/static/;", f"alias {lti_static}/;", text, "LTI static")
    text = _must_sub(r"alias \S+/symposium_portal/static/;", f"alias {portal_static}/;", text,
                     "portal static")
    text = _must_sub(r"alias \S+/digiready/media/;", f"alias {media or logs / 'media'}/;", text, "media")
    return text.replace("root /var/www/letsencrypt;", f"root {logs};")


MAIN_CONF = """\
# Generated by deployment/loopback.py: Debian's nginx.conf in a private prefix.
{user}
{modules}
worker_processes 2;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {site};
}}
"""


class Nginx:
    """A real nginx, in the foreground, on the rendered site file."""

    def __init__(self, prefix: Path, ports: SitePorts) -> None:
        binary = nginx_binary()
        if binary is None:
            raise StackError("nginx is not installed (scripts/install_system_deps.sh)")
        self.binary, self.prefix, self.ports = binary, prefix, ports
        for sub in ("logs", "tmp", "snippets"):
            (prefix / sub).mkdir(parents=True, exist_ok=True)
        self.cert, self.key = self_signed_certificate(prefix)
        for snippet in SNIPPETS.iterdir():
            shutil.copy(snippet, prefix / "snippets" / snippet.name)
        self.site = prefix / "digiready.conf"
        self.media = prefix / "media"  # DIGIREADY_MEDIA_DIR of this stack
        self.media.mkdir(exist_ok=True)
        self.site.write_text(render_site(SITE.read_text(), ports, cert=self.cert, key=self.key,
                                         snippets=prefix / "snippets", logs=prefix / "logs",
                                         media=self.media))
        modules = "\n".join(f"load_module {m};" for m in sorted(NGINX_MODULES.glob("*brotli*.so")))
        # As root, nginx's workers would switch to "nobody", who cannot read a private temp
        # directory; keep them as the current user.
        user = "user root root;" if os.geteuid() == 0 else ""
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(MAIN_CONF.format(prefix=prefix, site=self.site, modules=modules,
                                              user=user))
        self.proc: subprocess.Popen | None = None

    def _argv(self, *extra: str) -> list[str]:
        return [self.binary, "-p", str(self.prefix), "-e", str(self.prefix / "logs/error.log"),
                "-c", str(self.conf), *extra]

    def check(self) -> str:
        """``nginx -t``: its report; raises with it when the configuration is invalid."""
        done = subprocess.run(self._argv("-t"), capture_output=True, text=True)
        if done.returncode != 0:
            raise StackError("nginx -t failed:\n" + done.stderr)
        return done.stderr

    def start(self) -> None:
        self.check()
        self.proc = subprocess.Popen(self._argv(), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise StackError("nginx exited:\n" + self.error_log())
            try:
                socket.create_connection(("127.0.0.1", self.ports.lti), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise StackError("nginx did not listen:\n" + self.error_log())

    def url(self, app: str) -> str:
        return f"https://127.0.0.1:{self.ports.lti if app == 'lti' else self.ports.portal}"

    def error_log(self) -> str:
        path = self.prefix / "logs" / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def access_log(self, app: str) -> str:
        path = self.prefix / "logs" / f"digiready-{app}.access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


@dataclass
class Instance:
    """One gunicorn instance (master + workers, its own process group) on a loopback port."""

    app: str  # "lti" | "portal"
    port: int
    env: dict
    log_path: Path
    workers: int = 1
    threads: int = 4
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        target = LTI_APP if self.app == "lti" else PORTAL_APP
        argv = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF),
                "--bind", self.address, "--workers", str(self.workers),
                "--threads", str(self.threads), "--log-level", "warning", target]
        # A file, never an unread pipe: a full pipe blocks the worker writing to it.
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(argv, cwd=REPO, env=self.env, stdout=log, stderr=log,
                                         start_new_session=True)

    def wait_ready(self, timeout: float = 40) -> None:
        import urllib.request

        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise StackError(f"{self.app} instance on {self.port} exited:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + READY_PATH, timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise StackError(f"{self.app} instance on {self.port} not ready:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the whole instance (master and workers): a crashed host, no goodbye."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""


class Stack:
    """n instances of each app behind nginx; ``env`` is the apps' DIGIREADY_* environment."""

    def __init__(self, work: Path, env: dict, lti_instances: int = 2, portal_instances: int = 2,
                 workers: int = 1, threads: int = 4) -> None:
        self.work = work
        lti_ports = [free_port() for _ in range(lti_instances)]
        portal_ports = [free_port() for _ in range(portal_instances)]
        self.ports = SitePorts(http=free_port(), lti=free_port(), portal=free_port(),
                               lti_servers=[f"127.0.0.1:{p}" for p in lti_ports],
                               portal_servers=[f"127.0.0.1:{p}" for p in portal_ports])
        self.nginx = Nginx(work / "nginx", self.ports)
        base = {**os.environ, "PYTHONPATH": str(REPO), **env,
                "DIGIREADY_LTI_BASE_URL": "", "FORWARDED_ALLOW_IPS": "127.0.0.1"}
        # The public address is nginx's: links in the portal's emails point there.
        base["DIGIREADY_PORTAL_BASE_URL"] = self.nginx.url("portal")
        self.instances = (
            [Instance("lti", p, base, work / f"lti-{p}.log", workers, threads) for p in lti_ports]
            + [Instance("portal", p, base, work / f"portal-{p}.log", workers, threads)
               for p in portal_ports])

    @property
    def lti(self) -> list[Instance]:
        return [i for i in self.instances if i.app == "lti"]

    @property
    def portal(self) -> list[Instance]:
        return [i for i in self.instances if i.app == "portal"]

    def start(self) -> Stack:
        for instance in self.instances:
            instance.start()
        try:
            for instance in self.instances:
                instance.wait_ready()
            self.nginx.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.nginx.stop()
        for instance in self.instances:
            instance.stop()

    def logs(self) -> str:
        parts = [f"--- nginx error log ---\n{self.nginx.error_log()[-3000:]}"]
        parts += [f"--- {i.app}:{i.port} ---\n{i.log()}" for i in self.instances]
        return "\n".join(parts)


def scratch_dir(prefix: str = "digiready-stack-") -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
