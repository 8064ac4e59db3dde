"""The portal in every pack language: the interface from its catalogues, the programme from
the organisers' translations (English where one is missing), dates and times the way each
language writes them, on pages, in calendar files and in the registrant's emails."""
from __future__ import annotations

import re

import pytest
from icalendar import Calendar
from sqlalchemy import select

from symposium_portal.db import new_session
from symposium_portal.seed import DEMO_SESSIONS, DEMO_TITLE, ProgrammeError, demo_programme

from .conftest import outbox, register

LANGUAGES = ["es", "fil", "vi", "id", "tpi"]
# Day 1 of the demo (Tuesday 9 March 2027, event time), as each language writes it in full.
DAY_ONE = {"en": "Day 1 – Tuesday, 9 March 2027", "es": "Día 1 – martes, 9 de marzo de 2027",
           "fil": "Araw 1 – Martes, Marso 9, 2027", "vi": "Ngày 1 – Thứ Ba, 9 tháng 3, 2027",
           "id": "Hari 1 – Selasa, 09 Maret 2027", "tpi": "De 1 – Tun, 09 Mas 2027"}
# Its first session, 13:00–13:30 Asia/Singapore, in event time.
# (CLDR puts a narrow no-break space before AM/PM.)
FIRST_SESSION_TIME = {"en": "13:00 – 13:30", "es": "13:00 – 13:30",
                      "fil": "1:00\u202fPM – 1:30\u202fPM", "vi": "13:00 – 13:30",
                      "id": "13.00 – 13.30", "tpi": "01:00\u202fPM – 01:30\u202fPM"}


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))  # keeps U+202F


def test_the_portal_offers_every_pack_language(app):
    from digiready.ui_catalogs import pack_languages
    from symposium_portal.app import LANGUAGES as OFFERED

    assert list(OFFERED) == pack_languages() == ["en", *LANGUAGES]
    assert OFFERED["tpi"] == "Tok Pisin" and OFFERED["vi"] == "Tiếng Việt"


@pytest.mark.parametrize("lang", ["en", *LANGUAGES])
def test_programme_page_in_each_language(sqlite_portal, app, lang):
    client = app.test_client()
    page = _text(client.get(f"/programme?lang={lang}").get_data(as_text=True))
    assert DAY_ONE[lang] in page
    assert DEMO_SESSIONS[0][5][lang] in page  # the session's title, as the organisers wrote it
    assert f"{FIRST_SESSION_TIME[lang]} UTC+08" in page
    home = _text(client.get("/").get_data(as_text=True))  # the language stays chosen
    assert DEMO_TITLE[lang] in home
    assert demo_programme()["event"]["description"][lang][:40] in home


def test_a_text_without_translation_shows_in_english(sqlite_portal, app):
    from symposium_portal.programme.models import Session

    dbs = new_session()
    first = dbs.scalars(select(Session).order_by(Session.starts_at)).first()
    first.translations = {lang: texts for lang, texts in first.translations.items() if lang != "vi"}
    dbs.commit()
    dbs.close()
    page = _text(app.test_client().get("/programme?lang=vi").get_data(as_text=True))
    assert DEMO_SESSIONS[0][5]["en"] in page and DEMO_SESSIONS[1][5]["vi"] in page
    assert "Ngày 1 – Thứ Ba, 9 tháng 3, 2027" in page  # the interface is still Vietnamese


@pytest.mark.parametrize("lang", LANGUAGES)
def test_emails_in_the_registrants_language(sqlite_portal, browser, lang):
    register(browser, f"{lang}@example.org", language=lang, timezone="Pacific/Auckland")
    mail = outbox(sqlite_portal, f"{lang}@example.org")[0]
    assert DEMO_TITLE[lang] in mail.body and DAY_ONE[lang] in mail.body
    # Day 1 is 18:00–21:00 NZDT in Auckland, written the language's way.
    auckland = {"es": "mar, 9 mar 2027 18:00–21:00 NZDT", "fil": "Mar, Mar 9, 2027 6:00\u202fPM–9:00\u202fPM NZDT",
                "vi": "Thứ 3, 9 thg 3, 2027 18:00–21:00 NZDT", "id": "Sel, 9 Mar 2027 18.00–21.00 NZDT",
                "tpi": "Tun, 9 Mas 2027 06:00\u202fPM–09:00\u202fPM NZDT"}[lang]
    assert f"{auckland} (Pacific/Auckland)" in mail.body
    assert "Day 1" not in mail.body and "Tue" not in mail.body


def test_meeting_emails_in_the_recipients_language(sqlite_portal, app):
    """A Spanish requester writes to a Filipino speaker: the subject and body are in Filipino."""
    from datetime import UTC, datetime, timedelta

    from symposium_portal import mails
    from symposium_portal.mails import N_
    from symposium_portal.registration.models import Registration

    from .conftest import Browser
    for email, lang in (("es@example.org", "es"), ("fil@example.org", "fil")):
        register(Browser(app.test_client()), email, language=lang)
    dbs = new_session()
    sender, recipient = (dbs.scalars(select(Registration).where(Registration.email == e)).one()
                         for e in ("es@example.org", "fil@example.org"))
    slot = type("Slot", (), {"starts_at": datetime(2027, 3, 10, 2, tzinfo=UTC)})()
    with app.test_request_context("/?lang=es"):
        mails.meeting_mail(dbs, "meeting_request", recipient, sender,
                           N_("Meeting request from %(name)s"), note="Hola",
                           slots=[slot], expires=datetime.now(UTC) + timedelta(days=1))
    dbs.commit()
    dbs.close()
    mail = outbox(sqlite_portal, "fil@example.org", kind="meeting_request")[0]
    assert mail.subject == "Kahilingang makipag-meeting mula kay Ana Pérez"
    # the slot in the recipient's zone (Lima), written the Filipino way
    assert "Mga iminumungkahing oras" in mail.body
    assert "Mar, Mar 9, 2027 9:00\u202fPM UTC-05 (America/Lima)" in mail.body


def test_calendar_files_speak_the_pages_language(sqlite_portal, app):
    client = app.test_client()
    client.get("/?lang=id")
    cal = Calendar.from_ical(client.get("/programme/event.ics").data)
    assert cal["X-WR-CALNAME"] == DEMO_TITLE["id"]
    first = next(iter(cal.walk("VEVENT")))
    assert str(first["SUMMARY"]) == DEMO_SESSIONS[0][5]["id"]
    assert "Pembicara: Emily Carter" in str(first["DESCRIPTION"])
    assert "Zona waktu acara: Asia/Singapore" in str(first["DESCRIPTION"])


def test_programme_file_texts_per_language_and_their_mistakes(sqlite_portal):
    from symposium_portal.programme.models import Day, Event
    from symposium_portal.seed import load_programme

    data = demo_programme()
    data["days"][0]["title"] = {"en": "Foundations", "es": "Fundamentos"}
    data["sessions"][1]["title"] = "Only in English"
    dbs = new_session()
    event = load_programme(dbs, data, replace=True)
    dbs.commit()
    day = dbs.scalars(select(Day).where(Day.number == 1)).one()
    assert (day.title, day.translations) == ("Foundations", {"es": {"title": "Fundamentos"}})
    assert event.translations["tpi"]["title"] == DEMO_TITLE["tpi"]
    for where, mutate, message in (
            ("sessions[0].title.fr", lambda d: d["sessions"][0]["title"].update(fr="Ouverture"),
             "not a language the portal offers (en, es, fil, vi, id, tpi)"),
            ("sessions[2].title.en", lambda d: d["sessions"][2]["title"].pop("en"),
             "missing (the English text shows where a translation is missing)"),
            ("objectives[1].text.es", lambda d: d["objectives"][1].update(es=["a list"]),
             "must be text")):
        broken = demo_programme()
        mutate(broken)
        with pytest.raises(ProgrammeError, match=re.escape(f"{where}: {message}")):
            load_programme(dbs, broken, replace=True)
        dbs.rollback()
    assert dbs.scalars(select(Event)).one().title == "DigiReady APEC Virtual Symposium"
    dbs.close()


def test_day_headings_with_a_theme(sqlite_portal, app):
    from symposium_portal.programme.models import Day

    dbs = new_session()
    day = dbs.scalars(select(Day).where(Day.number == 2)).one()
    day.title, day.translations = "Cooperatives", {"es": {"title": "Cooperativas"}}
    dbs.commit()
    dbs.close()
    page = _text(app.test_client().get("/programme?lang=es").get_data(as_text=True))
    assert "Día 2 – miércoles, 10 de marzo de 2027: Cooperativas" in page


def test_economy_names_translated_and_sorted_per_language(sqlite_portal, app):
    html = app.test_client().get("/register?lang=es").get_data(as_text=True)
    options = re.findall(r'<option value="([A-Z]{2})"[^>]*>([^<]+)</option>', html)
    names = [name for _code, name in options]
    assert ("TW", "Taipéi Chino") in options and ("PH", "Filipinas") in options
    assert names.index("Japón") < names.index("Malasia") < names.index("México")
    assert 'value="tpi"' in html and "Tok Pisin" in html  # language for emails
