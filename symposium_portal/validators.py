"""What people and organisers may type: one place for the portal's text and URL rules.

Used by the forms (a field error the person can fix), by the models (nothing else writes a
line break into a name, whatever path it takes), by the outbox (header fields) and by the
pages (a URL stored before these rules is not shown). Other areas' forms reuse
:class:`SingleLine` and :class:`SafeUrl` rather than writing their own.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

# Bidirectional overrides and isolates reorder what a reader sees ("Eve\u202egro.elpmaxe"):
# no place in a name or a subject. Joiners (U+200C, U+200D) stay: some scripts need them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
# Unicode categories that are never text: controls (CR, LF, TAB, NUL, C1), line and paragraph
# separators, lone surrogates.
BAD_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Characters that draw nothing although Unicode files them as letters or symbols: Hangul
# fillers, the braille blank, the Mongolian vowel separator, Khmer's inherent vowels. A name
# made only of these (or of format characters such as U+200B) looks empty in every list.
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5\u034f")
# Format (zero-width space, joiners, BOM, soft hyphen...), spaces, marks with nothing to sit on.
BLANK_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp", "Cc", "Mn", "Me", "Co", "Cn"})


def control_character(text: str | None) -> str | None:
    """The first character that must not appear in a one-line field, as ``U+000A``, or None.

    A line break in a name that reaches an email header would add a header (``Bcc:``), and
    Python's email library refuses to write it: one such name stopped all portal mail."""
    for char in text or "":
        if unicodedata.category(char) in BAD_CATEGORIES or char in BIDI_CONTROLS:
            return f"U+{ord(char):04X}"
    return None


def visible(text: str | None) -> bool:
    """True when ``text`` has at least one character a reader can see (a letter, a digit,
    a punctuation mark or a symbol). A zero-width space alone, or spaces and joiners only, is
    not a name: it shows as a blank line in the directory, the admin lists and emails."""
    return any(unicodedata.category(c) not in BLANK_CATEGORIES and c not in INVISIBLE
               and not c.isspace() for c in text or "")


def check_single_line(text: str | None, field: str) -> str | None:
    """The model-layer check: raise ``ValueError`` naming the field and the character."""
    bad = control_character(text)
    if bad:
        raise ValueError(f"{field}: control character {bad} is not allowed")
    return text


def one_line(text: str) -> str:
    """Control characters replaced by spaces: for header fields built from rows stored before
    the rules existed, so their mail still goes out (and never adds a header)."""
    if control_character(text) is None:
        return text
    return " ".join("".join(
        " " if unicodedata.category(c) in BAD_CATEGORIES or c in BIDI_CONTROLS else c
        for c in text).split())


INVISIBLE_ONLY = _l("This contains only invisible characters (such as a zero-width space): "
                    "type at least one letter or digit.")


class SingleLine:
    """WTForms validator: one line of text, no control characters (names, organisations,
    anything that may reach an email header or a spreadsheet cell)."""

    def __init__(self, message: str | None = None):
        self.message = message

    def __call__(self, _form, field) -> None:
        if isinstance(field.data, str) and control_character(field.data):
            raise ValidationError(self.message or _l(
                "Use one line of ordinary text: line breaks and control characters are not "
                "allowed."))
        Visible()(_form, field)


class Visible:
    """WTForms validator for free text (a meeting note, a report's reason): at least one
    character a reader can see."""

    def __call__(self, _form, field) -> None:
        if isinstance(field.data, str) and field.data and not visible(field.data):
            raise ValidationError(INVISIBLE_ONLY)


def url_problem(value: str | None) -> str | None:
    """Why an organiser-entered URL may not be shown to attendees, or None if it may.

    Only ``https://`` with a host name; ``http://`` only for this machine (a local demo).
    Never ``javascript:``, ``data:`` or a relative URL; no user name or password in it, no
    spaces or control characters (a browser would read them differently than we check)."""
    if not value:
        return "empty"
    if control_character(value) or any(c.isspace() for c in value):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "not a valid URL"
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        return "must start with https://"
    if not parts.hostname:
        return "has no host name"
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password"
    if scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        return "must start with https:// (http:// only for localhost)"
    return None


def safe_url(value: str | None) -> str | None:
    """The URL if it may be shown as a link, else None (rows stored before these rules)."""
    return value if value and url_problem(value) is None else None


class SafeUrl:
    """WTForms validator for every URL an organiser enters (see :func:`url_problem`)."""

    def __call__(self, _form, field) -> None:
        if field.data and url_problem(field.data.strip()):
            raise ValidationError(_l(
                "Enter a full address starting with https:// (for example "
                "https://meet.example.org/room)."))
