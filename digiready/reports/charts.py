"""Report charts as small hand-written SVG (no plotting library): horizontal bars (reusing
:func:`digiready.presentation.charts.bar_chart_svg`), 100 % stacked bars and a line chart.

Every chart has a ``<title>`` and a ``<desc>`` listing its values; the builders add a text
alternative and the data table beside each one, so no figure is only visual.
"""
from __future__ import annotations

import base64
import re
from html import escape

from digiready.presentation.charts import bar_chart_svg as _bar_chart_svg

# Colour-blind-safe palette (Okabe-Ito), dark enough for white text where it is used.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

__all__ = ["bar_chart_svg", "data_uri", "line_chart_svg", "stacked_bars_svg"]


DASHES = ["", "6 3", "2 2", "8 3 2 3", "1 3"]


def bar_chart_svg(rows: list[tuple[str, float]], **kwargs) -> str:
    """The shared bar chart with a fixed pixel size (it is sized for its container in the
    XBlock; in a report it is an image and must keep its proportions)."""
    svg = _bar_chart_svg(rows, **kwargs)
    box = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    if box:
        svg = svg.replace('width="100%"', f'width="{box.group(1)}" height="{box.group(2)}"', 1)
    return svg


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _header(width: int, height: int, chart_id: str, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _legend(parts: list[str], labels: list[str], y: int, width: int) -> None:
    x = 0
    for i, label in enumerate(labels):
        w = 18 + 7 * len(label)
        if x + w > width:
            x, y = 0, y + 18
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 16}" y="{y + 11}" font-size="11" fill="#1a1a1a">'
                     f'{escape(label)}</text>')
        x += w


def stacked_bars_svg(rows: list[tuple[str, list[float]]], categories: list[str], *,
                     title: str, chart_id: str, width: int = 520) -> str:
    """One 100 % bar per row (e.g. economy), split into categories (e.g. levels)."""
    label_w, bar_h, gap = 60, 22, 10
    top = 4
    height = top + len(rows) * (bar_h + gap) + 44
    desc = "; ".join(f"{label}: " + ", ".join(f"{c} {v:.1f}%" for c, v in zip(categories, vals, strict=True))
                     for label, vals in rows)
    parts = _header(width, height, chart_id, title, desc)
    span = width - label_w - 10
    for n, (label, values) in enumerate(rows):
        y = top + n * (bar_h + gap)
        parts.append(f'<text x="0" y="{y + 15}" font-size="12" fill="#1a1a1a">{escape(label)}</text>')
        x = float(label_w)
        total = sum(values) or 1.0
        for i, value in enumerate(values):
            w = span * value / total
            if w <= 0:
                continue
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                         f'fill="{PALETTE[i % len(PALETTE)]}"/>')
            if w > 30:
                parts.append(f'<text x="{x + 3:.1f}" y="{y + 15}" font-size="10" '
                             f'fill="#ffffff">{value:.0f}%</text>')
            x += w
    _legend(parts, categories, top + len(rows) * (bar_h + gap) + 6, width)
    parts.append("</svg>")
    return "".join(parts)


def line_chart_svg(series: dict[str, list[tuple[str, float]]], *, title: str, chart_id: str,
                   width: int = 520, height: int = 220, unit: str = "") -> str:
    """One line per series over shared x labels (e.g. months)."""
    xs = sorted({x for points in series.values() for x, _ in points})
    ymax = max((v for points in series.values() for _, v in points), default=1) or 1
    left, bottom, top, right = 44, 40, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom - 20
    desc = "; ".join(f"{name}: " + ", ".join(f"{x} {v:g}{unit}" for x, v in points)
                     for name, points in series.items())
    parts = _header(width, height, chart_id, title, desc)
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
                 f'y2="{top + plot_h}" stroke="#555"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#555"/>')
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        parts.append(f'<text x="0" y="{y + 4:.1f}" font-size="10" fill="#1a1a1a">'
                     f'{ymax * frac:.0f}</text>')

    def xpos(i: int) -> float:
        return left + (plot_w * i / (len(xs) - 1) if len(xs) > 1 else plot_w / 2)

    step = max(1, len(xs) // 6)
    for i, x in enumerate(xs):
        if i % step == 0:
            parts.append(f'<text x="{xpos(i) - 16:.1f}" y="{top + plot_h + 14}" font-size="10" '
                         f'fill="#1a1a1a">{escape(x)}</text>')
    for k, points in enumerate(series.values()):
        colour = PALETTE[k % len(PALETTE)]
        lookup = dict(points)
        coords = [f"{xpos(i):.1f},{top + plot_h * (1 - lookup[x] / ymax):.1f}"
                  for i, x in enumerate(xs) if x in lookup]
        dash = DASHES[k % len(DASHES)]
        if coords:
            parts.append(f'<polyline points="{" ".join(coords)}" fill="none" '
                         f'stroke="{colour}" stroke-width="2"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
            for c in coords:  # markers, so overlapping lines stay visible
                x, y = c.split(",")
                parts.append(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{colour}"/>')
    _legend(parts, list(series), height - 22, width)
    parts.append("</svg>")
    return "".join(parts)
