"""Studio's gettext catalogue (``<lang>/LC_MESSAGES/messages.po`` and the compiled ``.mo``):
the interface the economy teams work in (``studio/babel.cfg``). ``digiready i18n
update|compile|check --app studio`` keeps it whole (docs/translation.md); Studio offers each
language compiled here. Not learner-facing: it need not speak every pack language."""
from __future__ import annotations

from pathlib import Path

from digiready.ui_catalogs import UICatalog

CATALOG = UICatalog(name="studio", root=Path(__file__).resolve().parents[2],
                    mapping="studio/babel.cfg", directory="studio/translations",
                    project="DigiReady Studio", learner_facing=False)
