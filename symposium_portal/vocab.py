"""Fixed lists the forms, filters and breakdowns share (codes stored, labels translated)."""
from __future__ import annotations

import unicodedata
from functools import lru_cache

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


def N_(text: str) -> str:
    """Mark for extraction; translated where it is shown."""
    return text


# The 21 APEC member economies, with the names APEC uses (translated as APEC's names, not
# as CLDR's territory names: "Chinese Taipei", "Hong Kong, China").
ECONOMIES: dict[str, str] = {
    "AU": N_("Australia"), "BN": N_("Brunei Darussalam"), "CA": N_("Canada"),
    "CL": N_("Chile"), "CN": N_("China"), "HK": N_("Hong Kong, China"), "ID": N_("Indonesia"),
    "JP": N_("Japan"), "KR": N_("Korea"), "MY": N_("Malaysia"), "MX": N_("Mexico"),
    "NZ": N_("New Zealand"), "PG": N_("Papua New Guinea"), "PE": N_("Peru"),
    "PH": N_("The Philippines"), "RU": N_("Russia"), "SG": N_("Singapore"),
    "TW": N_("Chinese Taipei"), "TH": N_("Thailand"), "US": N_("United States"),
    "VN": N_("Viet Nam"),
}

SECTORS = {
    "ministry": _l("Ministry or government agency"),
    "chamber": _l("Chamber of commerce or business association"),
    "msme": _l("Micro, small or medium enterprise"),
    "cooperative": _l("Cooperative"),
    "other": _l("Other (academia, international organisation, ...)"),
}

# The registration form's optional gender question (the funder's "who came" by gender).
GENDERS = {
    "woman": _l("Woman"),
    "man": _l("Man"),
    "another": _l("Another gender"),
    "undisclosed": _l("I prefer not to say"),
}

INTERESTS = {
    "ecommerce": _l("E-commerce"),
    "payments": _l("Digital and QR payments"),
    "einvoicing": _l("E-invoicing and tax"),
    "accounting": _l("Cloud accounting"),
    "marketing": _l("Social media marketing"),
    "cyber": _l("Cybersecurity basics"),
    "data": _l("Data protection"),
    "skills": _l("Digital skills training"),
    "policy": _l("Policy and regulation"),
    "finance": _l("Access to finance"),
    "women": _l("Women- and youth-led businesses"),
    "coops": _l("Cooperative digitalisation"),
}


def economy_name(code: str | None) -> str:
    """The economy's name in the language being rendered (the code if it is not APEC's)."""
    return _(ECONOMIES[code]) if code in ECONOMIES else code or ""


def _sort_key(text: str) -> str:
    return unicodedata.normalize("NFKD", text).casefold()


@lru_cache(maxsize=16)
def _economy_choices(language: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((code, _(name)) for code, name in ECONOMIES.items()),
                        key=lambda item: _sort_key(item[1])))


def economy_choices() -> list[tuple[str, str]]:
    """(code, name) in the page's language, in its alphabetical order (built once per language)."""
    return list(_economy_choices(str(get_locale() or "en")))


def sector_name(code: str | None) -> str:
    return str(SECTORS.get(code or "", code or ""))


def interest_name(code: str) -> str:
    return str(INTERESTS.get(code, code))


# Codes the admin pages show as words (issue 19: "pending_approval", "staff:1 {}").
REGISTRATION_STATUSES = {
    "held": _l("Seat held, email not confirmed"),
    "pending_approval": _l("Awaiting approval"),
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("On the waiting list"),
    "withdrawn": _l("Withdrawn"),
    "expired": _l("Expired"),
    "rejected": _l("Rejected"),
}

STAFF_ROLES = {"organiser": _l("Organiser"), "moderator": _l("Moderator"), "viewer": _l("Viewer")}

OUTBOX_STATUSES = {"queued": _l("Waiting to be sent"), "sent": _l("Sent"), "failed": _l("Failed"),
                   "cancelled": _l("Cancelled")}

AUDIT_ACTIONS = {
    "event.updated": _l("Event settings changed"),
    "event.capacity": _l("Capacity changed"),
    "export.registrations": _l("Registrations exported"),
    "outbox.resend": _l("Email sent again"),
    "report.hide": _l("Reported content hidden"),
    "report.dismiss": _l("Report dismissed"),
    "meeting.requested": _l("Meeting requested"),
    "network.reported": _l("Content reported"),
    "registration.links_revoked": _l("Sign-in links revoked"),
    "registration.updated": _l("Registration updated"),
    "registration.expired": _l("Seat hold expired"),
    "registration.promoted": _l("Moved from the waiting list"),
    "registration.approved": _l("Registration approved"),
    "registration.rejected": _l("Registration rejected"),
    "registration.withdrawn": _l("Registration withdrawn"),
    "registration.email_confirmed": _l("Email confirmed"),
    "registration.deleted": _l("Account deleted"),
}


def status_name(code: str | None) -> str:
    return str(REGISTRATION_STATUSES.get(code or "", code or ""))


def role_name(code: str | None) -> str:
    return str(STAFF_ROLES.get(code or "", code or ""))


def outbox_status_name(code: str | None) -> str:
    return str(OUTBOX_STATUSES.get(code or "", code or ""))


def action_name(code: str) -> str:
    return str(AUDIT_ACTIONS.get(code, code))


def actor_name(actor: str, staff_emails: dict[int, str]) -> str:
    """"staff:1" as the staff member's email, "registrant:7" and "system" in words."""
    kind, _sep, ident = actor.partition(":")
    if kind == "staff" and ident.isdigit():
        return staff_emails.get(int(ident)) or _("Staff member %(id)s", id=ident)
    if kind == "registrant" and ident.isdigit():
        return _("Registrant %(id)s", id=ident)
    if actor == "system":
        return _("DigiReady (automatic)")
    return actor


def details_text(details: dict | None) -> str:
    """An entry's details as "name: value" pairs; nothing at all when there are none."""
    return "; ".join(f"{k}: {v}" for k, v in sorted((details or {}).items()))
