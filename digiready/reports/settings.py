"""The reports' settings. The small-group threshold they apply is the one of every area,
``DIGIREADY_MIN_CELL_SIZE``, declared in :mod:`digiready.disclosure`."""
from __future__ import annotations

from digiready import disclosure as _disclosure  # noqa: F401  (declares MIN_CELL_SIZE)
from digiready.reports import trial as _trial  # noqa: F401  (declares the TARGET_* settings)
