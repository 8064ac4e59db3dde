"""The mail catcher of ``make run``: a real SMTP client sends to it, its page shows the
message with the link clickable and everything else escaped."""
from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage

import pytest
import requests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def catcher():
    from digiready.demo.mailcatcher import MailCatcher

    running = MailCatcher("127.0.0.1", _free_port(), 0)
    running.start()
    yield running
    running.stop()


def _send(catcher, subject: str, body: str, to: str = "ana@example.org") -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "portal@example.org", to, subject
    message.set_content(body)
    with smtplib.SMTP(catcher.smtp.hostname, catcher.smtp.port, timeout=10) as client:
        client.send_message(message)


def test_the_page_shows_each_email_with_its_links_clickable_and_the_rest_escaped(catcher):
    _send(catcher, "Confirm <b>now</b> – SYM-1",
          "Open http://127.0.0.1:8001/r/abc.def_1-2?x=1&y=2.\n<script>alert(1)</script>")
    _send(catcher, "Second", "no link", to="bui@example.org")
    page = requests.get(catcher.page_url, timeout=5)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    html = page.text
    assert '<a href="http://127.0.0.1:8001/r/abc.def_1-2?x=1&amp;y=2">' in html  # no trailing "."
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Confirm &lt;b&gt;now&lt;/b&gt; – SYM-1" in html
    assert html.index("Second") < html.index("SYM-1")  # newest first
    caught = requests.get(catcher.page_url + "messages.json", timeout=5).json()
    assert [m["to"] for m in caught] == ["bui@example.org", "ana@example.org"]
    assert caught[1]["text"].startswith("Open http://127.0.0.1:8001/r/abc.def_1-2?x=1&y=2.")
    assert requests.get(catcher.page_url + "healthz", timeout=5).text == "ok"
    assert requests.get(catcher.page_url + "nothing", timeout=5).status_code == 404


def test_only_the_latest_messages_are_kept():
    from digiready.demo.mailcatcher import Mailbox

    box = Mailbox(keep=3)
    for n in range(5):
        box.add(f"Subject: {n}\n\nbody {n}\n".encode(), ["x@example.org"])
    assert [m.subject for m in box.newest_first()] == ["4", "3", "2"]
