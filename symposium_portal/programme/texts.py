"""The programme's texts in the reader's language (the page's, or the registrant's in an email).

Organisers write every text of the programme in English and, in the programme file, in any
other language the portal offers (docs/portal.md, "Programme in several languages"); a text
with no translation shows in English. Day headings are written by the portal itself: the
day's number and its date in the reader's language, then the organisers' theme of the day.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from symposium_portal import timez

# The texts an attendee reads, per kind of row (the column holds the English).
TRANSLATABLE = {
    "event": ("title", "description"),
    "day": ("title",),
    "session": ("title", "description"),
    "speaker": ("position", "bio"),
    "objective": ("text",),
}


def localized(row: Any, field: str, lang: str | None = None) -> str:
    """``row.field`` in ``lang`` (default: the language being rendered), else in English."""
    translated = ((getattr(row, "translations", None) or {}).get(timez.language(lang)) or {})
    return translated.get(field) or getattr(row, field) or ""


def day_heading(day: Any, lang: str | None = None) -> str:
    """"Day 1 – Tuesday 9 March 2027", in the reader's language, and the day's theme if any."""
    heading = _("Day %(number)s – %(date)s", number=day.number,
                date=timez.long_date(day.date, lang))
    theme = localized(day, "title", lang)
    return _("%(day)s: %(theme)s", day=heading, theme=theme) if theme else heading


def coverage(rows_by_kind: dict[str, list[Any]], languages: list[str]) -> dict[str, tuple[int, int]]:
    """``{language: (translated, total)}`` over the programme's non-empty English texts."""
    texts = [(row, field) for kind, rows in rows_by_kind.items() for row in rows
             for field in TRANSLATABLE[kind] if getattr(row, field)]
    return {lang: (sum(1 for row, field in texts
                       if ((row.translations or {}).get(lang) or {}).get(field)), len(texts))
            for lang in languages}
