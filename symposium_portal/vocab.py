"""Fixed lists the forms, filters and breakdowns share (codes stored, labels translated)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The 21 APEC member economies, with the names APEC uses.
ECONOMIES: dict[str, str] = {
    "AU": "Australia", "BN": "Brunei Darussalam", "CA": "Canada", "CL": "Chile",
    "CN": "China", "HK": "Hong Kong, China", "ID": "Indonesia", "JP": "Japan",
    "KR": "Korea", "MY": "Malaysia", "MX": "Mexico", "NZ": "New Zealand",
    "PG": "Papua New Guinea", "PE": "Peru", "PH": "The Philippines", "RU": "Russia",
    "SG": "Singapore", "TW": "Chinese Taipei", "TH": "Thailand", "US": "United States",
    "VN": "Viet Nam",
}

SECTORS = {
    "ministry": _l("Ministry or government agency"),
    "chamber": _l("Chamber of commerce or business association"),
    "msme": _l("Micro, small or medium enterprise"),
    "cooperative": _l("Cooperative"),
    "other": _l("Other (academia, international organisation, ...)"),
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
    return ECONOMIES.get(code or "", code or "")


def sector_name(code: str | None) -> str:
    return str(SECTORS.get(code or "", code or ""))


def interest_name(code: str) -> str:
    return str(INTERESTS.get(code, code))
