"""Played segments of a video: parsing, merging and coverage.

The Video Profile writes segments as ``"0[.]5[,]12[.]22"``; browsers post ``[[0, 5], [12, 22]]``.
Coverage (share of the video's length watched at least once) decides a *full view*: at least
95 % of the segments, as Open edX Aspects counts it.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

Segment = tuple[float, float]
FULL_VIEW_PERCENT = 95.0


def parse(value: str | Iterable[Sequence[float]] | None) -> list[Segment]:
    """Segments from either notation; reversed pairs are put in order, bad ones dropped."""
    if not value:
        return []
    pairs: list[Segment] = []
    if isinstance(value, str):
        for part in value.split("[,]"):
            bits = part.split("[.]")
            if len(bits) != 2:
                continue
            try:
                pairs.append((float(bits[0]), float(bits[1])))
            except ValueError:
                continue
    else:
        for item in value:
            try:
                start, end = float(item[0]), float(item[1])
            except (TypeError, ValueError, IndexError):
                continue
            pairs.append((start, end))
    return [(min(a, b), max(a, b)) for a, b in pairs if a >= 0 and b >= 0]


def merge(segments: Iterable[Segment]) -> list[Segment]:
    merged: list[list[float]] = []
    for start, end in sorted(segments):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def coverage(segments: Iterable[Segment], length: float | None) -> float | None:
    """Percent (0-100) of ``length`` covered by the union of ``segments``."""
    if not length or length <= 0:
        return None
    watched = sum(min(end, length) - min(start, length) for start, end in merge(segments))
    return round(min(100.0, 100.0 * watched / length), 2)


def to_xapi(segments: Iterable[Segment]) -> str:
    return "[,]".join(f"{_num(a)}[.]{_num(b)}" for a, b in segments)


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))
