"""Which economy codes DigiReady knows: the 21 APEC member economies, and any economy with a
content overlay (``content/economies/<code>``). Commands that take economy codes (``report``,
``demo-data``) refuse any other code in one line: a typo would otherwise give an empty report
or a database filled for an economy nobody asked for."""
from __future__ import annotations

from pathlib import Path

# The 21 APEC member economies (ISO 3166 alpha-2, lower case), with the names APEC uses.
APEC_ECONOMIES = {
    "au": "Australia", "bn": "Brunei Darussalam", "ca": "Canada", "cl": "Chile",
    "cn": "China", "hk": "Hong Kong, China", "id": "Indonesia", "jp": "Japan",
    "kr": "Korea", "my": "Malaysia", "mx": "Mexico", "nz": "New Zealand",
    "pg": "Papua New Guinea", "pe": "Peru", "ph": "Philippines", "ru": "Russia",
    "sg": "Singapore", "tw": "Chinese Taipei", "th": "Thailand", "us": "United States",
    "vn": "Viet Nam",
}


class UnknownEconomy(ValueError):
    """An economy code that is neither an APEC economy nor one with a content overlay."""


def overlays(pack_path: str | None = None) -> set[str]:
    """The economy codes with a content overlay next to the pack (``economies/<code>``)."""
    from digiready.packs.paths import content_dir

    root = Path(pack_path).parent if pack_path else Path(content_dir())
    folder = root / "economies"
    return {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()


def check(codes: list[str], pack_path: str | None = None) -> None:
    """Raise :class:`UnknownEconomy` naming every unknown code and what is accepted."""
    known = overlays(pack_path)
    unknown = [c for c in codes if c not in APEC_ECONOMIES and c not in known]
    if unknown:
        raise UnknownEconomy(
            f"unknown economy code {', '.join(unknown)}: use a two-letter code with a content "
            f"overlay ({', '.join(sorted(known)) or 'none found'}) or an APEC economy "
            f"({', '.join(sorted(APEC_ECONOMIES))})")
