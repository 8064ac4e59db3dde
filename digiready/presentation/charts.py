"""Inline SVG charts, accessible and tiny (no JavaScript, no library, a few hundred bytes).

Each chart carries ``role="img"``, a ``<title>`` and a ``<desc>`` listing every value, so a
screen reader gets the same information; adapters also render the table returned by
:func:`dimension_rows` as the visible text equivalent.
"""
from __future__ import annotations

from html import escape
from typing import Any


def dimension_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per scored dimension: id, title, score (0-100), level title."""
    return [
        {"id": d["id"], "title": d["title"], "score": d["score"], "level": d.get("level"),
         "level_title": d.get("level_title"), "optional": d.get("optional", False)}
        for d in result["dimensions"] if d["score"] is not None
    ]


def bar_chart_svg(rows: list[tuple[str, float]], *, title: str, max_value: float = 100,
                  width: int = 300, bar_height: int = 18, gap: int = 8, label_width: int = 0,
                  chart_id: str = "chart", unit: str = "") -> str:
    """Horizontal bars, one per (label, value). Labels sit above each bar so the chart stays
    readable at 320 px; the viewBox scales it to its container."""
    row_height = bar_height + gap + 14
    height = max(row_height * len(rows), row_height)
    desc = "; ".join(f"{label}: {value:g}{unit}" for label, value in rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" class="dr-chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for n, (label, value) in enumerate(rows):
        y = n * row_height
        bar = max(0.0, min(1.0, value / max_value)) * (width - 44)
        parts.append(f'<text x="0" y="{y + 12}" font-size="12" fill="#1a1a1a">{escape(label)}</text>')
        parts.append(f'<rect x="0" y="{y + 16}" width="{width - 44}" height="{bar_height}" fill="#e6e6e6"/>')
        parts.append(f'<rect x="0" y="{y + 16}" width="{bar:.1f}" height="{bar_height}" fill="#0b5cad"/>')
        parts.append(f'<text x="{width - 40}" y="{y + 16 + bar_height - 4}" font-size="12" '
                     f'fill="#1a1a1a">{value:g}{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def dimension_chart_svg(result: dict[str, Any], *, title: str = "Score by dimension (0-100)",
                        chart_id: str = "dr-dimensions") -> str:
    rows = [(r["title"], r["score"]) for r in dimension_rows(result)]
    return bar_chart_svg(rows, title=title, chart_id=chart_id)
