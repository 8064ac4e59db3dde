"""What the XBlocks supply to the core (see :mod:`digiready.adapters`): their interface
catalogue, for ``digiready i18n``. Open edX finds the blocks themselves through their own
``xblock.v1`` entry points; nothing here imports XBlock or Django."""
from __future__ import annotations

from digiready.adapters import Registry
from xblocks.i18n import CATALOG


def register(registry: Registry) -> None:
    registry.add_ui_catalog(CATALOG)
