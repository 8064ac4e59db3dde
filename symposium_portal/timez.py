"""Time zones: everything is stored in UTC and shown in the event's zone *and* the viewer's.

Pages of the anchors showed sessions on the wrong day past midnight and mixed the browser's
zone with the chosen one. Here one function formats a range in one zone and always names the
zone and the date, so a session that crosses midnight for the viewer says so.

Dates and times are written the way the reader's language writes them (Babel's CLDR data):
the page's language, or the registrant's in an email (rendered under ``force_locale``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.dates import format_date, format_interval, format_skeleton, format_time

APEC_COUNTRIES = {"AU", "BN", "CA", "CL", "CN", "HK", "ID", "JP", "KR", "MY", "MX", "NZ", "PG",
                  "PE", "PH", "RU", "SG", "TW", "TH", "US", "VN"}


def _zone_tab() -> str | None:
    for path in ("/usr/share/zoneinfo/zone.tab",):
        try:
            with open(path, encoding="utf-8") as fh:
                return fh.read()
        except OSError:
            pass
    try:
        from importlib.resources import files

        return (files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ImportError, OSError, FileNotFoundError):
        return None


@lru_cache(maxsize=1)
def all_zones() -> list[str]:
    """Zones offered in pickers: those of the APEC economies plus UTC (about 130), which keeps
    pages light on slow connections. Any valid IANA zone is still accepted (``?tz=``)."""
    tab = _zone_tab()
    if tab:
        zones = {line.split("\t")[2] for line in tab.splitlines()
                 if line and not line.startswith("#") and line.split("\t")[0] in APEC_COUNTRIES}
        zones = {z for z in zones if is_valid_zone(z)}
        if zones:
            return sorted(zones) + ["UTC"]
    return sorted(z for z in available_timezones()
                  if "/" in z and not z.startswith(("Etc/", "SystemV/", "US/")))


@lru_cache(maxsize=1)
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for line in (_zone_tab() or "").splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            if len(fields) >= 3 and is_valid_zone(fields[2]):
                found.setdefault(fields[0], []).append(fields[2])
    return {code: tuple(zones) for code, zones in found.items()}


def country_zones(code: str) -> tuple[str, ...]:
    """The IANA zones of a country or territory (ISO 3166 code), from zone.tab."""
    return _zones_by_country().get(code.upper(), ())


def is_valid_zone(name: str | None) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# Local hours counted as night for the "at night for you" note.
NIGHT_STARTS, NIGHT_ENDS = 22, 6

# English is written the international (and APEC's British) way: "Tue 9 Mar 2027", 13:00.
FORMAT_LOCALE = {"en": "en_GB"}
# Short dates come from each language's CLDR skeleton, except: English as the pages always
# wrote it, and Tok Pisin, whose CLDR data has no skeletons of its own (root's order gives
# "2027 Mas 9, Tun"), in the order of its full format.
SHORT_DATE_PATTERNS = {"en": "EEE d MMM y", "tpi": "EEE, d MMM y"}


def language(requested: str | None = None) -> str:
    """``requested``, else the language of the page or email being rendered, else English."""
    if requested:
        return requested
    try:
        from flask_babel import get_locale

        current = get_locale()
    except (ImportError, RuntimeError):
        current = None
    return str(current) if current else "en"


def _locale(requested: str | None) -> str:
    lang = language(requested)
    return FORMAT_LOCALE.get(lang, lang)


def short_date(value: datetime, lang: str | None = None) -> str:
    """Weekday, day, month and year, short ("Tue 9 Mar 2027", "mar, 9 mar 2027")."""
    code = language(lang)
    if code in SHORT_DATE_PATTERNS:
        return format_date(value, SHORT_DATE_PATTERNS[code], locale=_locale(code))
    return format_skeleton("yMMMEd", value, locale=_locale(code))


def long_date(value: date, lang: str | None = None) -> str:
    """The date in full ("Tuesday 9 March 2027", "martes, 9 de marzo de 2027")."""
    return format_date(value, "full", locale=_locale(lang))


def date_range(first: date, last: date, lang: str | None = None) -> str:
    """The event's days as one range ("9–11 Mar 2027", "9–11 de mar. de 2027")."""
    if first == last:
        return long_date(first, lang)
    code = language(lang)
    if code == "tpi":  # no CLDR skeletons of its own (see SHORT_DATE_PATTERNS)
        return (f"{format_date(first, 'd MMM', locale=_locale(code))} – "
                f"{format_date(last, 'd MMM y', locale=_locale(code))}")
    return format_interval(first, last, "yMMMd", locale=_locale(code))


def short_time(value: datetime, lang: str | None = None) -> str:
    """The clock time as the language writes it (13:00, 13.00, 1:00 PM), in ``value``'s zone."""
    return format_time(value, "short", locale=_locale(lang))


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(dt: datetime, tz: str) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(ZoneInfo(tz))


def abbrev(dt: datetime, tz: str) -> str:
    """The zone's abbreviation at that instant (NZDT vs NZST), or the UTC offset when the
    database has only a numeric one ("+08")."""
    name = local(dt, tz).tzname() or ""
    if name and (name[0] in "+-"):
        return "UTC" + name
    return name


@dataclass(frozen=True)
class ShownRange:
    """A session's time range in one zone, ready for a template."""

    zone: str
    start: datetime
    end: datetime
    start_date: str
    end_date: str | None  # set only when the range crosses midnight in this zone
    start_time: str
    end_time: str
    abbrev: str
    end_abbrev: str  # differs from abbrev when a daylight-saving change falls inside
    iso_start: str
    iso_end: str

    @property
    def crosses_midnight(self) -> bool:
        return self.end_date is not None

    @property
    def at_night(self) -> bool:
        """Some of it falls between 22:00 and 06:00 in this zone (Lima's 00:00–03:00 for a
        Singapore afternoon): the pages say so, so nobody misses that it means staying up."""
        last = self.end - timedelta(minutes=1) if self.end > self.start else self.end
        if last.date() != self.start.date():
            return True
        return (self.start.hour < NIGHT_ENDS or self.start.hour >= NIGHT_STARTS
                or last.hour >= NIGHT_STARTS or last.hour < NIGHT_ENDS)

    def text(self) -> str:
        start_ab = f" {self.abbrev}" if self.end_abbrev != self.abbrev else ""
        end = f"{self.end_date} {self.end_time}" if self.end_date else self.end_time
        return (f"{self.start_date} {self.start_time}{start_ab} – {end} {self.end_abbrev} "
                f"({self.zone})")


def shown_range(start_utc: datetime, end_utc: datetime, tz: str,
                lang: str | None = None) -> ShownRange:
    start, end = local(start_utc, tz), local(end_utc, tz)
    crosses = start.date() != end.date()
    return ShownRange(
        zone=tz,
        start=start,
        end=end,
        start_date=short_date(start, lang),
        end_date=short_date(end, lang) if crosses else None,
        start_time=short_time(start, lang),
        end_time=short_time(end, lang),
        abbrev=abbrev(start_utc, tz),
        end_abbrev=abbrev(end_utc, tz),
        iso_start=start.isoformat(),
        iso_end=end.isoformat(),
    )


def plain_range(start_utc: datetime, end_utc: datetime, tz: str, lang: str | None = None) -> str:
    """A range as one line of text (emails, pages' lists)."""
    start, end = local(start_utc, tz), local(end_utc, tz)
    ab, end_ab = abbrev(start_utc, tz), abbrev(end_utc, tz)
    first = f"{short_date(start, lang)} {short_time(start, lang)}"
    if start.date() != end.date():
        return f"{first} {ab} – {short_date(end, lang)} {short_time(end, lang)} {end_ab} ({tz})"
    if ab != end_ab:
        return f"{first} {ab} – {short_time(end, lang)} {end_ab} ({tz})"
    return f"{first}–{short_time(end, lang)} {ab} ({tz})"


def plain_time(dt_utc: datetime, tz: str, lang: str | None = None) -> str:
    dt = local(dt_utc, tz)
    return f"{short_date(dt, lang)} {short_time(dt, lang)} {abbrev(dt_utc, tz)} ({tz})"
