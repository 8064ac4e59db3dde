"""A tiny browser for tests: read a page's first POST form (action, hidden fields, radio and
checkbox groups) so a test can submit it as a browser would."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

# A launch answered with its diagnostic page names the page's own URL (lti_tool.launch.landing).
_LANDED = re.compile(r'<html [^>]*data-url="([^"]+)"')


def landed_url(page_html: str, base_url: str) -> str | None:
    """The URL a page answered by a launch puts in the address bar, or None for any other
    page."""
    found = _LANDED.search(page_html)
    return urljoin(base_url, html.unescape(found.group(1))) if found else None


@dataclass
class Form:
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    radios: dict[str, list[str]] = field(default_factory=dict)
    checkboxes: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)

    def first_choices(self) -> list[tuple[str, str]]:
        """Hidden fields plus the first option of every radio and checkbox group."""
        data = list(self.hidden.items())
        data += [(name, values[0]) for name, values in self.radios.items()]
        data += [(name, values[0]) for name, values in self.checkboxes.items()]
        return data


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._current = Form(a.get("action") or "")
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None:
            kind, name, value = a.get("type", "text"), a.get("name"), a.get("value", "")
            if not name:
                return
            if kind == "hidden":
                self._current.hidden[name] = value
            elif kind == "radio":
                self._current.radios.setdefault(name, []).append(value)
            elif kind == "checkbox":
                self._current.checkboxes.setdefault(name, []).append(value)
            else:
                self._current.texts.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms(html: str, base_url: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    for f in parser.forms:
        f.action = urljoin(base_url, f.action) if f.action else base_url
    return parser.forms


def first_form(html: str, base_url: str) -> Form:
    found = forms(html, base_url)
    assert found, "no POST form on the page:\n" + html[:2000]
    return found[0]
