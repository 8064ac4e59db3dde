"""Refresh the catalogues: extract strings, merge into each language, fill Spanish from
:mod:`es_strings`, compile. ``python -m symposium_portal.translations.update``"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from symposium_portal.translations.es_strings import ES

HERE = Path(__file__).parent
ROOT = HERE.parent


def main() -> int:
    pot = HERE / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "N_", "--no-location",
                    "--omit-header", "-o", str(pot), str(ROOT)], check=True,
                   stdout=subprocess.DEVNULL)
    with pot.open("rb") as fh:
        template = read_po(fh)
    po_path = HERE / "es" / "LC_MESSAGES" / "messages.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    if po_path.exists():
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale="es")
        catalog.update(template, no_fuzzy_matching=True)
    else:
        catalog = template
        catalog.locale = "es"
    missing = 0
    for message in catalog:
        if not message.id:
            continue
        if message.id in ES:
            message.string = ES[message.id]
            message.flags.discard("fuzzy")
        elif not message.string:
            missing += 1
    with po_path.open("wb") as fh:
        write_po(fh, catalog, width=100)
    with po_path.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog)
    print(f"es: {len(catalog) - missing} translated, {missing} missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
