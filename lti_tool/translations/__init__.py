"""The LTI tool's gettext catalogue (``<lang>/LC_MESSAGES/messages.po`` and the compiled
``.mo``): every page string, the core's results sentences and video player included
(``lti_tool/babel.cfg``). ``digiready i18n update|compile|check --app lti`` keeps it whole
(docs/translation.md); the tool offers each language compiled here."""
from __future__ import annotations

from pathlib import Path

from digiready.ui_catalogs import UICatalog

CATALOG = UICatalog(name="lti", root=Path(__file__).resolve().parents[2],
                    mapping="lti_tool/babel.cfg", directory="lti_tool/translations",
                    project="DigiReady LTI tool", pack_pages=True)
