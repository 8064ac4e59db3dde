"""The open indicators shipped under ``content/indicators/*.csv``.

Each row is one published figure with its year, source URL and licence. A missing figure is
an empty value (or no row): the reports print "no data" for it, never an estimate.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ["economy", "indicator_code", "indicator_name", "year", "value", "unit", "source",
           "licence"]


@dataclass(frozen=True)
class Indicator:
    economy: str
    code: str
    name: str
    year: int | None
    value: float | None
    unit: str
    source: str
    licence: str
    note: str = ""


class IndicatorError(ValueError):
    """A malformed indicator file, with file and line."""


def indicators_dir() -> Path:
    from digiready.packs.paths import content_dir

    return Path(content_dir()) / "indicators"


def load_indicators(directory: Path | None = None) -> list[Indicator]:
    directory = directory or indicators_dir()
    rows: list[Indicator] = []
    for path in sorted(directory.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise IndicatorError(f"{path}:1: missing column(s) {', '.join(missing)}")
            for line, row in enumerate(reader, start=2):
                try:
                    value = float(row["value"]) if row["value"].strip() else None
                    year = int(row["year"]) if row["year"].strip() else None
                except ValueError as exc:
                    raise IndicatorError(f"{path}:{line}: {exc}") from exc
                if value is not None and not row["source"].strip():
                    raise IndicatorError(f"{path}:{line}: a value needs its source")
                rows.append(Indicator(
                    economy=row["economy"].strip().lower(), code=row["indicator_code"].strip(),
                    name=row["indicator_name"].strip(), year=year, value=value,
                    unit=row["unit"].strip(), source=row["source"].strip(),
                    licence=row["licence"].strip(), note=(row.get("note") or "").strip()))
    return rows


def latest(rows: list[Indicator], economy: str, code: str) -> Indicator | None:
    found = [r for r in rows if r.economy == economy and r.code == code and r.value is not None]
    return max(found, key=lambda r: r.year or 0) if found else None


def series(rows: list[Indicator], economy: str, code: str) -> list[Indicator]:
    return sorted((r for r in rows if r.economy == economy and r.code == code
                   and r.value is not None), key=lambda r: r.year or 0)
