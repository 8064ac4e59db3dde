"""The reports' settings, declared once (see digiready.config) and imported by the package,
so that ``digiready settings`` lists them whenever the reports area is installed."""
from __future__ import annotations

from digiready import config

config.declare("REPORT_MIN_CELL", "10",
               "Reports suppress any group with fewer responses than this (small-cell rule).")
