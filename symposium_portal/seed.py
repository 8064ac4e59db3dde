"""Programmes from data: the demo (3 days, about 3 hours a day) and any organiser's YAML file.

Event time for the demo is Asia/Singapore, 13:00–16:00: early evening in Auckland, late
evening the day before in Los Angeles, and around midnight in Lima, which exercises every
timezone path. ``digiready portal programme-template`` prints the demo as YAML to start from;
``digiready portal load-programme FILE`` loads one, with errors that name the field.
"""
from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from symposium_portal import settings, timez
from symposium_portal.evaluation.models import LearningObjective
from symposium_portal.programme.models import Day, Event, Session, Speaker
from symposium_portal.validators import url_problem


class ProgrammeError(ValueError):
    """A mistake in a programme file, with the path of the field (``sessions[3].start``)."""


def _langs(en: str, es: str, fil: str, vi: str, id_: str, tpi: str) -> dict[str, str]:
    return {"en": en, "es": es, "fil": fil, "vi": vi, "id": id_, "tpi": tpi}


# The demo's texts in every language the portal offers: what an organiser's file looks like
# (programme-template prints it), and the pages of `make run` in each language.
DEMO_TITLE = _langs(
    "DigiReady APEC Virtual Symposium", "Simposio virtual APEC DigiReady",
    "DigiReady APEC Virtual Symposium", "Hội thảo trực tuyến APEC DigiReady",
    "Simposium Virtual APEC DigiReady", "DigiReady APEC Simposium long Intanet")
DEMO_DESCRIPTION = _langs(
    "Three half-days on closing the digital-skills gaps of MSMEs and cooperatives: what works, "
    "what each economy is doing, and who to work with next.",
    "Tres medias jornadas para cerrar las brechas de competencias digitales de las mipymes y "
    "las cooperativas: qué funciona, qué hace cada economía y con quién trabajar después.",
    "Tatlong kalahating araw tungkol sa pagsasara ng agwat sa digital skills ng mga MSME at "
    "kooperatiba: ano ang epektibo, ano ang ginagawa ng bawat ekonomiya, at sino ang susunod "
    "na makakatrabaho.",
    "Ba buổi chiều bàn về cách thu hẹp khoảng cách kỹ năng số của doanh nghiệp nhỏ và vừa và "
    "hợp tác xã: điều gì hiệu quả, mỗi nền kinh tế đang làm gì, và nên hợp tác với ai tiếp theo.",
    "Tiga kali setengah hari tentang menutup kesenjangan keterampilan digital UMKM dan "
    "koperasi: apa yang berhasil, apa yang dilakukan tiap ekonomi, dan dengan siapa bekerja "
    "sama berikutnya.",
    "Tripela hap de long pasim ol hul long save bilong digital bilong ol liklik na namel "
    "bisnis na ol kopretiv: wanem samting i wok, wanem samting wanwan kantri i mekim, na husat "
    "yumi ken wok wantaim bihain.")
DEMO_SPEAKERS = [
    ("ana", "Ana Lucía Quispe", "Ministry of Production", "PE",
     _langs("Director of MSME Policy", "Directora de Políticas para las Mipymes",
            "Director ng MSME Policy", "Giám đốc Chính sách Doanh nghiệp nhỏ và vừa",
            "Direktur Kebijakan UMKM", "Direkta bilong Polisi bilong ol Liklik Bisnis"),
     _langs("Leads Peru's programme for the digital transformation of small businesses.",
            "Dirige el programa del Perú para la transformación digital de los pequeños negocios.",
            "Namumuno sa programa ng Peru para sa digital transformation ng maliliit na negosyo.",
            "Phụ trách chương trình chuyển đổi số cho doanh nghiệp nhỏ của Peru.",
            "Memimpin program Peru untuk transformasi digital usaha kecil.",
            "Em i lidim program bilong Peru long senisim ol liklik bisnis i go long digital.")),
    ("rangi", "Rangi Parata", "Te Awa Cooperative", "NZ",
     _langs("Chief Executive", "Director ejecutivo", "Chief Executive", "Giám đốc điều hành",
            "Direktur Eksekutif", "Nambawan Bos"),
     _langs("Runs a Māori-owned agricultural cooperative that moved its sales online.",
            "Dirige una cooperativa agrícola maorí que llevó sus ventas a internet.",
            "Nagpapatakbo ng isang kooperatibang pang-agrikultura na pag-aari ng mga Māori na "
            "naglipat ng benta nito online.",
            "Điều hành một hợp tác xã nông nghiệp của người Māori đã đưa việc bán hàng lên mạng.",
            "Memimpin koperasi pertanian milik suku Māori yang memindahkan penjualannya ke daring.",
            "Em i ranim wanpela kopretiv bilong gaden bilong ol Māori we i salim ol samting long "
            "intanet nau.")),
    ("maria", "Maria Santos", "Philippine Chamber of Commerce", "PH",
     _langs("Vice President", "Vicepresidenta", "Pangalawang Pangulo", "Phó Chủ tịch",
            "Wakil Presiden", "Namba Tu Presiden"),
     _langs("Coordinates digital-skills training for chamber members across the islands.",
            "Coordina la capacitación en competencias digitales de los miembros de la cámara en "
            "todas las islas.",
            "Nag-uugnay ng training sa digital skills para sa mga miyembro ng chamber sa buong "
            "kapuluan.",
            "Điều phối các khóa đào tạo kỹ năng số cho hội viên phòng thương mại trên khắp các "
            "đảo.",
            "Mengoordinasikan pelatihan keterampilan digital bagi anggota kamar dagang di seluruh "
            "kepulauan.",
            "Em i lukautim ol trening long save bilong digital bilong ol memba bilong chamber long "
            "olgeta ailan.")),
    ("hoa", "Nguyễn Thị Hoa", "Viet Nam Digital Business Institute", "VN",
     _langs("Researcher", "Investigadora", "Mananaliksik", "Nghiên cứu viên", "Peneliti",
            "Meri bilong painimaut"),
     _langs("Co-author of Viet Nam's digital business index for SMEs.",
            "Coautora del índice de negocios digitales de Viet Nam para las pymes.",
            "Kasamang may-akda ng digital business index ng Viet Nam para sa mga SME.",
            "Đồng tác giả bộ chỉ số doanh nghiệp số của Việt Nam dành cho doanh nghiệp nhỏ và vừa.",
            "Salah satu penyusun indeks bisnis digital Viet Nam untuk UKM.",
            "Em i wanpela bilong ol i raitim namba bilong digital bisnis bilong Viet Nam bilong "
            "ol liklik na namel bisnis.")),
    ("kila", "Kila Aisi", "Port Moresby Market Pay", "PG",
     _langs("Founder", "Fundador", "Tagapagtatag", "Nhà sáng lập", "Pendiri", "Man i statim"),
     _langs("Builds mobile payment tools for market vendors in Papua New Guinea.",
            "Crea herramientas de pago móvil para los vendedores de mercado de Papúa Nueva Guinea.",
            "Gumagawa ng mga tool sa mobile payment para sa mga tindero sa palengke sa Papua New "
            "Guinea.",
            "Xây dựng công cụ thanh toán di động cho tiểu thương ở chợ tại Papua New Guinea.",
            "Membangun alat pembayaran seluler untuk pedagang pasar di Papua Nugini.",
            "Em i wokim ol tul bilong peim mani long fon bilong ol maket meri na man long Papua "
            "Niugini.")),
    ("daniel", "Daniel Kim", "Korea SMEs and Startups Agency", "KR",
     _langs("Programme Manager", "Gerente de programa", "Programme Manager",
            "Quản lý chương trình", "Manajer Program", "Menesa bilong program"),
     _langs("Manages a voucher scheme for cloud tools in small firms.",
            "Gestiona un programa de vales para herramientas en la nube en pequeñas empresas.",
            "Namamahala ng voucher scheme para sa mga cloud tool sa maliliit na kompanya.",
            "Quản lý chương trình phiếu hỗ trợ dùng công cụ điện toán đám mây cho doanh nghiệp nhỏ.",
            "Mengelola skema voucher untuk alat berbasis cloud di perusahaan kecil.",
            "Em i lukautim wanpela skim bilong vausa bilong ol klaud tul long ol liklik kampani.")),
    ("sofia", "Sofía Herrera", "Chilean Chamber of Commerce", "CL",
     _langs("Adviser", "Asesora", "Tagapayo", "Cố vấn", "Penasihat", "Man bilong givim tingting"),
     _langs("Works on e-invoicing adoption among micro-enterprises.",
            "Trabaja en la adopción de la factura electrónica en las microempresas.",
            "Nagtatrabaho sa paggamit ng e-invoicing ng mga micro enterprise.",
            "Thúc đẩy việc áp dụng hóa đơn điện tử trong các doanh nghiệp siêu nhỏ.",
            "Mendorong penerapan faktur elektronik di kalangan usaha mikro.",
            "Em i wok long helpim ol liklik bisnis long yusim invois long intanet.")),
    ("emily", "Emily Carter", "APEC Policy Support Unit", "US",
     _langs("Senior Economist", "Economista principal", "Senior Economist",
            "Chuyên gia kinh tế cao cấp", "Ekonom Senior", "Bikpela Saveman bilong Ekonomi"),
     _langs("Studies the digital divide among MSMEs in the APEC region.",
            "Estudia la brecha digital entre las mipymes de la región APEC.",
            "Pinag-aaralan ang digital divide sa mga MSME sa rehiyon ng APEC.",
            "Nghiên cứu khoảng cách số giữa các doanh nghiệp nhỏ và vừa trong khu vực APEC.",
            "Meneliti kesenjangan digital di antara UMKM di kawasan APEC.",
            "Em i skelim hul namel long ol bisnis long save bilong digital long rijen bilong "
            "APEC.")),
]
DEMO_SESSIONS = [
    (1, "13:00", 30, "plenary", ["emily"], _langs(
        "Opening: why MSME digitalisation matters now",
        "Apertura: por qué la digitalización de las mipymes importa ahora",
        "Pagbubukas: bakit mahalaga ngayon ang digitalisasyon ng MSME",
        "Khai mạc: vì sao chuyển đổi số cho doanh nghiệp nhỏ và vừa cấp thiết lúc này",
        "Pembukaan: mengapa digitalisasi UMKM penting sekarang",
        "Opening: bilong wanem digital i bikpela samting long ol liklik bisnis nau")),
    (1, "13:30", 60, "panel", ["hoa", "ana"], _langs(
        "Measuring digital maturity: the DigiReady diagnostic",
        "Medir la madurez digital: el diagnóstico DigiReady",
        "Pagsukat sa antas ng digital na negosyo: ang DigiReady diagnostic",
        "Đo lường mức độ chuyển đổi số: bài tự đánh giá DigiReady",
        "Mengukur kematangan digital: diagnosis DigiReady",
        "Skelim redi bilong bisnis long digital: skelim bilong DigiReady")),
    (1, "14:45", 60, "panel", ["kila", "maria"], _langs(
        "Digital payments for market vendors",
        "Pagos digitales para vendedores de mercado",
        "Digital na bayaran para sa mga tindero sa palengke",
        "Thanh toán số cho tiểu thương ở chợ",
        "Pembayaran digital untuk pedagang pasar",
        "Digital pe bilong ol maket meri na man")),
    (1, "15:45", 15, "networking", [], _langs(
        "Networking: meet participants from other economies",
        "Networking: conozca a participantes de otras economías",
        "Networking: kilalanin ang mga kalahok mula sa ibang ekonomiya",
        "Giao lưu: gặp gỡ người tham dự từ các nền kinh tế khác",
        "Jejaring: berkenalan dengan peserta dari ekonomi lain",
        "Bung: save long ol lain i kam long ol narapela kantri")),
    (2, "13:00", 45, "panel", ["rangi", "maria"], _langs(
        "Cooperatives going online",
        "Cooperativas que llegan a internet",
        "Mga kooperatibang nag-o-online",
        "Hợp tác xã lên mạng",
        "Koperasi go online",
        "Ol kopretiv i go long intanet")),
    (2, "13:45", 60, "workshop", ["hoa"], _langs(
        "Workshop: from diagnostic to action plan",
        "Taller: del diagnóstico al plan de acción",
        "Workshop: mula diagnostic hanggang action plan",
        "Hội thảo thực hành: từ kết quả tự đánh giá đến kế hoạch hành động",
        "Lokakarya: dari diagnosis ke rencana aksi",
        "Woksop: long skelim i go long plen bilong wok")),
    (2, "15:00", 60, "panel", ["sofia", "daniel"], _langs(
        "E-invoicing and tax: what small firms need",
        "Factura electrónica e impuestos: lo que necesitan las pequeñas empresas",
        "E-invoicing at buwis: ang kailangan ng maliliit na negosyo",
        "Hóa đơn điện tử và thuế: doanh nghiệp nhỏ cần gì",
        "Faktur elektronik dan pajak: apa yang dibutuhkan usaha kecil",
        "Invois long intanet na takis: wanem samting ol liklik bisnis i nidim")),
    (3, "13:00", 60, "panel", ["daniel", "ana"], _langs(
        "Financing digital adoption: vouchers and grants",
        "Financiar la adopción digital: vales y subvenciones",
        "Pagpopondo sa paggamit ng digital: voucher at grant",
        "Tài trợ cho chuyển đổi số: phiếu hỗ trợ và khoản tài trợ",
        "Membiayai adopsi digital: voucher dan hibah",
        "Mani bilong kisim digital: vausa na grant")),
    (3, "14:15", 60, "workshop", ["rangi", "emily"], _langs(
        "Building a lasting APEC network",
        "Construir una red APEC duradera",
        "Pagbuo ng pangmatagalang network ng APEC",
        "Xây dựng mạng lưới APEC bền lâu",
        "Membangun jejaring APEC yang langgeng",
        "Wokim wanpela strongpela lain bilong APEC")),
    (3, "15:15", 45, "plenary", ["emily", "ana"], _langs(
        "Closing and evaluation",
        "Clausura y evaluación",
        "Pagtatapos at ebalwasyon",
        "Bế mạc và đánh giá",
        "Penutupan dan evaluasi",
        "Pinisim na skelim simposium")),
]
# Each session's description: its title, then how it runs.
LIVE = _langs("%s. Live, with questions from participants.",
              "%s. En vivo, con preguntas de los participantes.",
              "%s. Live, may tanong mula sa mga kalahok.",
              "%s. Trực tiếp, có phần hỏi đáp với người tham dự.",
              "%s. Langsung, dengan pertanyaan dari peserta.",
              "%s. Long taim tru, wantaim ol askim bilong ol lain i kam.")
DEMO_OBJECTIVES = [
    _langs("Assess the digital maturity of a small business with the DigiReady diagnostic",
           "Evaluar la madurez digital de un pequeño negocio con el diagnóstico DigiReady",
           "Suriin ang antas ng digital na negosyo ng isang maliit na negosyo gamit ang "
           "DigiReady diagnostic",
           "Đánh giá mức độ chuyển đổi số của một doanh nghiệp nhỏ bằng bài tự đánh giá DigiReady",
           "Menilai kematangan digital usaha kecil dengan diagnosis DigiReady",
           "Skelim redi bilong liklik bisnis long digital wantaim skelim bilong DigiReady"),
    _langs("Choose digital payment and e-commerce tools that fit a business and an economy",
           "Elegir herramientas de pago digital y comercio electrónico adecuadas para un negocio "
           "y una economía",
           "Pumili ng mga tool sa digital payment at e-commerce na angkop sa negosyo at sa "
           "ekonomiya",
           "Chọn công cụ thanh toán số và thương mại điện tử phù hợp với doanh nghiệp và nền "
           "kinh tế",
           "Memilih alat pembayaran digital dan e-commerce yang cocok untuk usaha dan ekonominya",
           "Makim ol tul bilong digital pe na salim samting long intanet i stret long bisnis na "
           "kantri"),
    _langs("Explain e-invoicing and data-protection duties for small firms",
           "Explicar las obligaciones de factura electrónica y protección de datos de las "
           "pequeñas empresas",
           "Ipaliwanag ang mga tungkulin sa e-invoicing at data protection ng maliliit na negosyo",
           "Giải thích nghĩa vụ về hóa đơn điện tử và bảo vệ dữ liệu của doanh nghiệp nhỏ",
           "Menjelaskan kewajiban faktur elektronik dan pelindungan data bagi usaha kecil",
           "Autim ol wok bilong invois long intanet na lukautim data bilong ol liklik bisnis"),
    _langs("Find financing and support programmes for digital adoption",
           "Encontrar financiamiento y programas de apoyo para la adopción digital",
           "Maghanap ng pondo at mga programang pang-suporta sa paggamit ng digital",
           "Tìm nguồn tài chính và chương trình hỗ trợ cho chuyển đổi số",
           "Menemukan pembiayaan dan program dukungan untuk adopsi digital",
           "Painim mani na ol program bilong helpim long kisim digital"),
]


def demo_programme() -> dict:
    """The demo as a programme file's data (a fresh copy: callers change it)."""
    first = date(2027, 3, 9)
    return copy.deepcopy({
        "event": {
            "title": DEMO_TITLE, "description": DEMO_DESCRIPTION,
            "timezone": "Asia/Singapore", "capacity": 300, "requires_approval": False,
            "virtual_room_url": "https://meet.example.org/digiready",
        },
        # No day titles: pages head each day with its number and date in the reader's
        # language; a "title" here would add a theme ("Payments and e-commerce").
        "days": [{"number": n, "date": (first + timedelta(days=n - 1)).isoformat()}
                 for n in (1, 2, 3)],
        "speakers": [{"key": k, "name": n, "position": p, "organisation": o, "economy": e,
                      "bio": b} for k, n, o, e, p, b in DEMO_SPEAKERS],
        "sessions": [{"day": d, "start": s, "minutes": m, "title": t, "kind": k,
                      "description": {lang: LIVE[lang] % text for lang, text in t.items()},
                      "speakers": who} for d, s, m, k, who, t in DEMO_SESSIONS],
        "objectives": DEMO_OBJECTIVES,
    })


def _need(obj: dict, key: str, where: str, kind: type = str):
    if key not in obj or obj[key] in (None, ""):
        raise ProgrammeError(f"{where}.{key}: missing")
    value = obj[key]
    if kind is int and not isinstance(value, int):
        raise ProgrammeError(f"{where}.{key}: must be a whole number, got {value!r}")
    if kind is str and not isinstance(value, str):
        value = str(value)
    return value


def _url(obj: dict, key: str, where: str) -> str | None:
    """An optional organiser-entered URL: only https (http for localhost), never javascript:."""
    value = obj.get(key)
    if value in (None, ""):
        return None
    problem = url_problem(str(value).strip())
    if problem:
        raise ProgrammeError(f"{where}.{key}: {value!r} {problem}")
    return str(value).strip()


def _texts(obj: dict, key: str, where: str, required: bool = False) -> tuple[str, dict[str, str]]:
    """A text of the programme and its translations: a string (English), or a mapping of
    language codes to texts, English included (it shows where a translation is missing)."""
    from symposium_portal.translations import CATALOG

    value = obj.get(key)
    if isinstance(value, dict):
        offered = CATALOG.offered()
        for lang, text in value.items():
            if str(lang) not in offered:
                raise ProgrammeError(f"{where}.{key}.{lang}: not a language the portal offers "
                                     f"({', '.join(offered)})")
            if text is not None and not isinstance(text, str):
                raise ProgrammeError(f"{where}.{key}.{lang}: must be text, got {text!r}")
        english = value.get("en")
        if not english and (required or any(value.values())):
            raise ProgrammeError(f"{where}.{key}.en: missing (the English text shows where a "
                                 "translation is missing)")
        return english or "", {str(lang): text for lang, text in value.items()
                               if lang != "en" and text}
    if value in (None, ""):
        if required:
            raise ProgrammeError(f"{where}.{key}: missing")
        return "", {}
    return str(value), {}


def _translations(**fields: tuple[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """``{"es": {"title": ...}, ...}`` from each field's (English, translations)."""
    found: dict[str, dict[str, str]] = {}
    for field, (_english, texts) in fields.items():
        for lang, text in texts.items():
            found.setdefault(lang, {})[field] = text
    return found


def load_programme(dbs: DbSession, data: dict, replace: bool = False) -> Event:
    """Create the event from ``data`` (see :func:`demo_programme` for the shape). Validates
    everything before writing anything; with ``replace`` an existing event (and its
    registrations) is deleted first, otherwise an existing event is left untouched."""
    if not isinstance(data, dict):
        raise ProgrammeError("top level: expected a mapping with event, days, sessions")
    ev = data.get("event") or {}
    tz = _need(ev, "timezone", "event")
    if not timez.is_valid_zone(tz):
        raise ProgrammeError(f"event.timezone: unknown IANA time zone {tz!r}")
    title = _texts(ev, "title", "event", required=True)
    description = _texts(ev, "description", "event")
    room = _url(ev, "virtual_room_url", "event")
    zone = ZoneInfo(tz)
    days = {}
    for i, d in enumerate(data.get("days") or []):
        where = f"days[{i}]"
        try:
            day_date = date.fromisoformat(str(_need(d, "date", where)))
        except ValueError as exc:
            raise ProgrammeError(f"{where}.date: use YYYY-MM-DD ({exc})") from exc
        days[_need(d, "number", where, int)] = (day_date, _texts(d, "title", where))
    if not days:
        raise ProgrammeError("days: at least one day is needed")
    speaker_keys = {}
    speaker_texts = {}
    for i, sp in enumerate(data.get("speakers") or []):
        key = _need(sp, "key", f"speakers[{i}]")
        speaker_keys[key] = sp
        _need(sp, "name", f"speakers[{i}]")
        _url(sp, "photo_url", f"speakers[{i}]")
        speaker_texts[key] = {"position": _texts(sp, "position", f"speakers[{i}]"),
                              "bio": _texts(sp, "bio", f"speakers[{i}]")}
    sessions = []
    for i, s in enumerate(data.get("sessions") or []):
        where = f"sessions[{i}]"
        number = _need(s, "day", where, int)
        if number not in days:
            raise ProgrammeError(f"{where}.day: no day number {number} in days")
        try:
            start_time = time.fromisoformat(str(_need(s, "start", where)))
        except ValueError as exc:
            raise ProgrammeError(f"{where}.start: use HH:MM in event time ({exc})") from exc
        minutes = _need(s, "minutes", where, int)
        for key in s.get("speakers") or []:
            if key not in speaker_keys:
                raise ProgrammeError(f"{where}.speakers: unknown speaker key {key!r}")
        _url(s, "room_url", where)
        texts = {"title": _texts(s, "title", where, required=True),
                 "description": _texts(s, "description", where)}
        start = datetime.combine(days[number][0], start_time, zone).astimezone(timezone.utc)
        sessions.append((number, start, start + timedelta(minutes=minutes), s, texts))
    objectives = [_texts({"text": text}, "text", f"objectives[{i}]", required=True)
                  for i, text in enumerate(data.get("objectives") or [])]
    slug = settings.get("PORTAL_EVENT")
    existing = dbs.scalars(select(Event).where(Event.slug == slug)).first()
    if existing is not None:
        if not replace:
            return existing
        dbs.delete(existing)
        dbs.flush()
        # Speakers and sessions went with the event (ON DELETE CASCADE); forget the old
        # objects so reused ids (SQLite) do not clash in the identity map.
        dbs.expunge_all()
    event = Event(slug=slug, title=title[0], description=description[0],
                  translations=_translations(title=title, description=description), timezone=tz,
                  capacity=int(ev.get("capacity", 300)),
                  requires_approval=bool(ev.get("requires_approval", False)),
                  virtual_room_url=room)
    dbs.add(event)
    dbs.flush()
    day_rows = {n: Day(event_id=event.id, number=n, date=d, title=t[0],
                       translations=_translations(title=t))
                for n, (d, t) in days.items()}
    dbs.add_all(day_rows.values())
    speakers = {k: Speaker(event_id=event.id, name=sp["name"],
                           position=speaker_texts[k]["position"][0],
                           organisation=sp.get("organisation", ""), economy=sp.get("economy"),
                           bio=speaker_texts[k]["bio"][0],
                           translations=_translations(**speaker_texts[k]),
                           photo_url=_url(sp, "photo_url", "speakers"))
                for k, sp in speaker_keys.items()}
    dbs.add_all(speakers.values())
    dbs.flush()
    for number, start, end, s, texts in sessions:
        row = Session(event_id=event.id, day_id=day_rows[number].id,
                      title=texts["title"][0], description=texts["description"][0],
                      translations=_translations(**texts), kind=s.get("kind", "session"),
                      starts_at=start, ends_at=end, room_url=_url(s, "room_url", "sessions"))
        row.speakers = [speakers[k] for k in s.get("speakers") or []]
        dbs.add(row)
    for i, text in enumerate(objectives):
        dbs.add(LearningObjective(event_id=event.id, position=i, text=text[0],
                                  translations=_translations(text=text)))
    dbs.flush()
    from symposium_portal import mails

    mails._schedule_cache.clear()  # emails in this process show the new programme at once
    return event


def seed_demo(dbs: DbSession, force: bool = False, capacity: int = 300) -> Event:
    data = demo_programme()
    data["event"]["capacity"] = capacity
    return load_programme(dbs, data, replace=force)
