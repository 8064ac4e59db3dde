"""``digiready mail-catcher``: a local SMTP server that keeps every email it receives and a
web page that shows them, for ``make run``.

Without it a newcomer's registration never confirms: the portal's mail goes to an SMTP
server, and a laptop has none. The catcher accepts anything on a loopback port (aiosmtpd, a
development dependency), keeps the latest messages in memory and shows them newest first,
with their links clickable, so the confirmation link is one click away. Nothing is relayed.
``/messages.json`` gives the same messages to scripts (the ``make run`` smoke test).
"""
from __future__ import annotations

import email
import json
import re
import threading
from collections import deque
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from email import policy
from html import escape
from itertools import count
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

KEEP = 200  # messages kept; the oldest go first
URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Caught:
    id: int
    received_at: str  # ISO 8601, UTC
    sender: str
    to: str
    subject: str
    text: str


class Mailbox:
    """The messages received so far (thread-safe: SMTP and HTTP run on their own threads)."""

    def __init__(self, keep: int = KEEP) -> None:
        self._messages: deque[Caught] = deque(maxlen=keep)
        self._ids = count(1)
        self._lock = threading.Lock()

    def add(self, raw: bytes, envelope_to: list[str]) -> Caught:
        message = email.message_from_bytes(raw, policy=policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        text = body.get_content() if body is not None else ""
        with self._lock:
            caught = Caught(next(self._ids), datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            str(message.get("From", "")),
                            str(message.get("To", "")) or ", ".join(envelope_to),
                            str(message.get("Subject", "")), text)
            self._messages.append(caught)
        return caught

    def newest_first(self) -> list[Caught]:
        with self._lock:
            return list(reversed(self._messages))

    # aiosmtpd's handler interface
    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.add(envelope.original_content or envelope.content, list(envelope.rcpt_tos))
        return "250 Message accepted"


def _linked(text: str) -> str:
    """The text, escaped, with every URL a link (emails carry the confirmation link)."""
    out, last = [], 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".,;:)")
        out.append(escape(text[last:match.start()]))
        out.append(f'<a href="{escape(url)}">{escape(url)}</a>')
        last = match.start() + len(url)
    out.append(escape(text[last:]))
    return "".join(out)


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mail catcher · DigiReady demo</title>
<style>body{{font:1rem/1.5 system-ui,sans-serif;max-width:48rem;margin:0 auto;padding:1rem;
color:#1a1a1a;overflow-wrap:anywhere}}article{{border-top:1px solid #bbb;padding:.5rem 0}}
h2{{font-size:1.1rem;margin:.5rem 0 .25rem}}dl{{margin:0;color:#404040}}dt{{display:inline;
font-weight:600}}dd{{display:inline;margin:0 .75rem 0 .25rem}}pre{{white-space:pre-wrap;
font:inherit;background:#f6f6f6;padding:.5rem}}a{{color:#0b4f9c}}a:focus{{outline:3px solid
#b35900;outline-offset:2px}}</style></head>
<body><main><h1>Sent emails</h1>
<p>Every email the demo sends arrives here (SMTP {smtp}); nothing leaves this computer.
Newest first. <a href="/">Reload</a></p>
{messages}</main></body></html>"""

MESSAGE = """<article aria-labelledby="m{id}"><h2 id="m{id}">{subject}</h2>
<dl><dt>To</dt><dd>{to}</dd><dt>From</dt><dd>{sender}</dd><dt>Received</dt><dd>{when}</dd></dl>
<pre>{body}</pre></article>"""


def wsgi_app(mailbox: Mailbox, smtp_address: str):
    def app(environ, start_response):
        path = environ.get("PATH_INFO") or "/"
        messages = mailbox.newest_first()
        if path == "/messages.json":
            body = json.dumps([asdict(m) for m in messages]).encode()
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Cache-Control", "no-store")])
            return [body]
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        if path != "/":
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Not found: the sent emails are at /"]
        shown = "".join(MESSAGE.format(id=m.id, subject=escape(m.subject or "(no subject)"),
                                       to=escape(m.to), sender=escape(m.sender),
                                       when=escape(m.received_at), body=_linked(m.text))
                        for m in messages) or "<p>No email yet.</p>"
        body = PAGE.format(smtp=escape(smtp_address), messages=shown).encode()
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                  ("Cache-Control", "no-store")])
        return [body]

    return app


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        return None


class MailCatcher:
    """The SMTP server and the page, each on its own thread; :meth:`stop` ends both."""

    def __init__(self, host: str, smtp_port: int, http_port: int) -> None:
        from aiosmtpd.controller import Controller

        self.mailbox = Mailbox()
        self.smtp = Controller(self.mailbox, hostname=host, port=smtp_port)
        self.http: WSGIServer = make_server(host, http_port,
                                            wsgi_app(self.mailbox, f"{host}:{smtp_port}"),
                                            handler_class=_QuietHandler)
        self.page_url = f"http://{host}:{self.http.server_port}/"
        self._thread = threading.Thread(target=self.http.serve_forever, daemon=True)

    def start(self) -> None:
        self.smtp.start()
        self._thread.start()

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.smtp.stop()
