"""The portal's gettext catalogue (``<lang>/LC_MESSAGES/messages.po`` and the compiled
``.mo``): pages and emails (``symposium_portal/babel.cfg``). ``digiready i18n
update|compile|check --app portal`` keeps it whole (docs/translation.md); the portal offers
each language compiled here. The programme itself (titles, descriptions) is translated by the
organisers in the programme file (docs/portal.md)."""
from __future__ import annotations

from pathlib import Path

from digiready.ui_catalogs import UICatalog

CATALOG = UICatalog(name="portal", root=Path(__file__).resolve().parents[2],
                    mapping="symposium_portal/babel.cfg",
                    directory="symposium_portal/translations",
                    project="DigiReady symposium portal")
